// Drizzle mirrors of migrations/0051_webhooks.sql (the SQL file is the source of truth).
import type { InboundMapping, TicketChannel, TicketPriority } from '@aftercare/contracts'
import { boolean, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export type WebhookDeliveryStatus = 'queued' | 'sending' | 'sent' | 'retrying' | 'failed' | 'dead'

export const webhookSubscriptions = pgTable('webhook_subscriptions', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  name: text('name').notNull(),
  url: text('url').notNull(),
  events: text('events').array().notNull(),
  secretSealed: text('secret_sealed').notNull(),
  enabled: boolean('enabled').notNull(),
  disabledReason: text('disabled_reason'),
  consecutiveFailures: integer('consecutive_failures').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
  version: integer('version').notNull(),
})
export type SubscriptionRow = typeof webhookSubscriptions.$inferSelect

export const webhookDeliveries = pgTable('webhook_deliveries', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  subscriptionId: uuid('subscription_id').notNull(),
  eventId: uuid('event_id'),
  eventType: text('event_type').notNull(),
  body: text('body').notNull(),
  dedupeKey: text('dedupe_key').notNull(),
  status: text('status').$type<WebhookDeliveryStatus>().notNull(),
  attempts: integer('attempts').notNull(),
  maxAttempts: integer('max_attempts').notNull(),
  nextAttemptAt: ts('next_attempt_at'),
  leaseUntil: ts('lease_until'),
  lastAttemptAt: ts('last_attempt_at'),
  responseStatus: integer('response_status'),
  lastError: text('last_error'),
  replayOf: uuid('replay_of'),
  sentAt: ts('sent_at'),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
})
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect

export const webhookInboundSources = pgTable('webhook_inbound_sources', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  name: text('name').notNull(),
  secretSealed: text('secret_sealed').notNull(),
  customerId: uuid('customer_id').notNull(),
  typeId: uuid('type_id').notNull(),
  queueId: uuid('queue_id'),
  defaultPriority: text('default_priority').$type<TicketPriority>().notNull(),
  channel: text('channel').$type<TicketChannel>().notNull(),
  mapping: jsonb('mapping').$type<InboundMapping>().notNull(),
  enabled: boolean('enabled').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
  version: integer('version').notNull(),
})
export type InboundSourceRow = typeof webhookInboundSources.$inferSelect

export const webhookInboundEvents = pgTable('webhook_inbound_events', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  sourceId: uuid('source_id').notNull(),
  externalId: text('external_id').notNull(),
  ticketId: uuid('ticket_id').notNull(),
  ticketNumber: text('ticket_number').notNull(),
  receivedAt: ts('received_at').notNull(),
})
