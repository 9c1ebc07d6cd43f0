// Drizzle mirrors of migrations/0050_notifications.sql (the SQL file is the source of truth).
import type { DeliveryStatus, Locale, NotificationChannel, TemplateAudience } from '@aftercare/contracts'
import { boolean, integer, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })

export const notificationTemplates = pgTable('notification_templates', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  eventType: text('event_type').notNull(),
  channel: text('channel').$type<NotificationChannel>().notNull(),
  locale: text('locale').$type<Locale>().notNull(),
  audience: text('audience').$type<TemplateAudience>().notNull(),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  externalId: text('external_id'),
  params: jsonb('params').$type<Record<string, string>>().notNull(),
  active: boolean('active').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
  version: integer('version').notNull(),
})
export type TemplateRow = typeof notificationTemplates.$inferSelect

export const notificationChannels = pgTable('notification_channels', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  kind: text('kind').$type<Exclude<NotificationChannel, 'in_app'>>().notNull(),
  name: text('name').notNull(),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
  secretsSealed: text('secrets_sealed'),
  secretKeys: text('secret_keys').array().notNull(),
  events: text('events').array().notNull(),
  enabled: boolean('enabled').notNull(),
  receiptToken: text('receipt_token'),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
  version: integer('version').notNull(),
})
export type ChannelRow = typeof notificationChannels.$inferSelect

export const notificationPreferences = pgTable('notification_preferences', {
  tenantId: uuid('tenant_id').notNull(),
  userId: uuid('user_id').notNull(),
  events: jsonb('events').$type<Record<string, string[]>>().notNull(),
  quietStart: text('quiet_start'),
  quietEnd: text('quiet_end'),
  quietTimeZone: text('quiet_time_zone'),
  wechatOpenId: text('wechat_open_id'),
  updatedAt: ts('updated_at').notNull(),
  version: integer('version').notNull(),
})
export type PreferencesRow = typeof notificationPreferences.$inferSelect

export const notifications = pgTable('notifications', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  userId: uuid('user_id').notNull(),
  eventId: uuid('event_id'),
  eventType: text('event_type').notNull(),
  title: text('title').notNull(),
  body: text('body').notNull(),
  link: text('link'),
  ticketId: uuid('ticket_id'),
  dedupeKey: text('dedupe_key').notNull(),
  readAt: ts('read_at'),
  createdAt: ts('created_at').notNull(),
})
export type NotificationRow = typeof notifications.$inferSelect

export const notificationDeliveries = pgTable('notification_deliveries', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  eventId: uuid('event_id'),
  eventType: text('event_type').notNull(),
  channel: text('channel').$type<Exclude<NotificationChannel, 'in_app'>>().notNull(),
  channelId: uuid('channel_id'),
  recipientKind: text('recipient_kind').$type<'user' | 'contact' | 'address' | 'group'>().notNull(),
  recipientId: uuid('recipient_id'),
  address: text('address'),
  locale: text('locale').$type<Locale>().notNull(),
  subject: text('subject').notNull(),
  body: text('body').notNull(),
  payload: jsonb('payload').$type<DeliveryPayload>().notNull(),
  dedupeKey: text('dedupe_key').notNull(),
  status: text('status').$type<DeliveryStatus>().notNull(),
  attempts: integer('attempts').notNull(),
  maxAttempts: integer('max_attempts').notNull(),
  nextAttemptAt: ts('next_attempt_at'),
  leaseUntil: ts('lease_until'),
  lastAttemptAt: ts('last_attempt_at'),
  lastError: text('last_error'),
  providerRef: text('provider_ref'),
  receipt: text('receipt'),
  receiptAt: ts('receipt_at'),
  sentAt: ts('sent_at'),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
})
export type DeliveryRow = typeof notificationDeliveries.$inferSelect
export type NewDelivery = typeof notificationDeliveries.$inferInsert

/** What a delivery keeps besides subject and body, for the adapter. */
export interface DeliveryPayload {
  params?: Record<string, string>
  externalId?: string | null
  ticketId?: string | null
  link?: string | null
  /** The body shown in the log (one-time codes are hidden there). */
  redacted?: boolean
}
