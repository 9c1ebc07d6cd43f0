import type {
  CustomFieldDef,
  CustomFieldValues,
  MessageAuthorType,
  MessageVisibility,
  SupportTier,
  TicketChannel,
  TicketMacroActions,
  TicketPriority,
  TicketResolution,
  TicketStatus,
} from '@aftercare/contracts'
import { bigint, boolean, integer, jsonb, pgTable, smallint, text, timestamp, uuid } from 'drizzle-orm/pg-core'

const ts = (name: string) => timestamp(name, { withTimezone: true })

export const ticketSettings = pgTable('ticket_settings', {
  tenantId: uuid('tenant_id').primaryKey(),
  numberFormat: text('number_format').notNull(),
  reopenDays: integer('reopen_days').notNull(),
  maxAttachmentBytes: bigint('max_attachment_bytes', { mode: 'number' }).notNull(),
  maxTicketAttachmentBytes: bigint('max_ticket_attachment_bytes', { mode: 'number' }).notNull(),
  priorityMatrix: jsonb('priority_matrix').$type<TicketPriority[][]>().notNull(),
  updatedAt: ts('updated_at').notNull(),
  version: integer('version').notNull(),
})
export type TicketSettingsRow = typeof ticketSettings.$inferSelect

export const ticketTypes = pgTable('ticket_types', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  code: text('code').notNull(),
  name: text('name').notNull(),
  description: text('description'),
  active: boolean('active').notNull(),
  sortOrder: integer('sort_order').notNull(),
  createdAt: ts('created_at').notNull(),
})
export type TicketTypeRow = typeof ticketTypes.$inferSelect

export const ticketQueues = pgTable('ticket_queues', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  name: text('name').notNull(),
  description: text('description'),
  tier: text('tier').$type<SupportTier>().notNull(),
  active: boolean('active').notNull(),
  createdAt: ts('created_at').notNull(),
})
export type TicketQueueRow = typeof ticketQueues.$inferSelect

export const ticketQueueMembers = pgTable('ticket_queue_members', {
  tenantId: uuid('tenant_id').notNull(),
  queueId: uuid('queue_id').notNull(),
  userId: uuid('user_id').notNull(),
})

export const ticketCategories = pgTable('ticket_categories', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  parentId: uuid('parent_id'),
  name: text('name').notNull(),
  typeId: uuid('type_id'),
  defaultQueueId: uuid('default_queue_id'),
  form: jsonb('form').$type<CustomFieldDef[]>().notNull(),
  active: boolean('active').notNull(),
  sortOrder: integer('sort_order').notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
  version: integer('version').notNull(),
})
export type TicketCategoryRow = typeof ticketCategories.$inferSelect

export const tickets = pgTable('tickets', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  number: text('number').notNull(),
  subject: text('subject').notNull(),
  description: text('description').notNull(),
  status: text('status').$type<TicketStatus>().notNull(),
  priority: text('priority').$type<TicketPriority>().notNull(),
  impact: smallint('impact').notNull(),
  urgency: smallint('urgency').notNull(),
  tier: text('tier').$type<SupportTier>().notNull(),
  channel: text('channel').$type<TicketChannel>().notNull(),
  typeId: uuid('type_id').notNull(),
  categoryId: uuid('category_id'),
  customerId: uuid('customer_id').notNull(),
  deviceId: uuid('device_id'),
  queueId: uuid('queue_id'),
  assigneeId: uuid('assignee_id'),
  requesterId: uuid('requester_id'),
  requesterName: text('requester_name'),
  requesterPhone: text('requester_phone'),
  requesterEmail: text('requester_email'),
  tags: text('tags').array().notNull(),
  customFields: jsonb('custom_fields').$type<CustomFieldValues>().notNull(),
  resolution: jsonb('resolution').$type<TicketResolution>(),
  mergedIntoId: uuid('merged_into_id'),
  reopenCount: integer('reopen_count').notNull(),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
  firstResponseAt: ts('first_response_at'),
  resolvedAt: ts('resolved_at'),
  closedAt: ts('closed_at'),
  version: integer('version').notNull(),
  searchPublic: text('search_public').notNull(),
  searchInternal: text('search_internal').notNull(),
})
export type TicketRow = typeof tickets.$inferSelect
export type NewTicketRow = typeof tickets.$inferInsert

export const ticketWatchers = pgTable('ticket_watchers', {
  tenantId: uuid('tenant_id').notNull(),
  ticketId: uuid('ticket_id').notNull(),
  userId: uuid('user_id').notNull(),
  createdAt: ts('created_at').notNull(),
})

export const ticketMessages = pgTable('ticket_messages', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  ticketId: uuid('ticket_id').notNull(),
  body: text('body').notNull(),
  visibility: text('visibility').$type<MessageVisibility>().notNull(),
  authorType: text('author_type').$type<MessageAuthorType>().notNull(),
  authorId: uuid('author_id'),
  authorName: text('author_name'),
  mentionUserIds: uuid('mention_user_ids').array().notNull(),
  createdAt: ts('created_at').notNull(),
})
export type TicketMessageRow = typeof ticketMessages.$inferSelect

export const ticketAttachments = pgTable('ticket_attachments', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  ticketId: uuid('ticket_id').notNull(),
  messageId: uuid('message_id'),
  visibility: text('visibility').$type<MessageVisibility>().notNull(),
  uploadedBy: uuid('uploaded_by'),
  createdAt: ts('created_at').notNull(),
})
/** An attachment with its file facts (from the platform files table). */
export type TicketAttachmentRow = typeof ticketAttachments.$inferSelect & {
  storageKey: string
  fileName: string
  contentType: string
  size: number
  sha256: string
}

export const ticketLinks = pgTable('ticket_links', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  fromTicketId: uuid('from_ticket_id').notNull(),
  toTicketId: uuid('to_ticket_id').notNull(),
  kind: text('kind').$type<'parent_child' | 'related'>().notNull(),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull(),
})
export type TicketLinkRow = typeof ticketLinks.$inferSelect

export const ticketTimeline = pgTable('ticket_timeline', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  ticketId: uuid('ticket_id').notNull(),
  kind: text('kind').notNull(),
  visibility: text('visibility').$type<MessageVisibility>().notNull(),
  actorType: text('actor_type').$type<MessageAuthorType>().notNull(),
  actorId: uuid('actor_id'),
  actorName: text('actor_name'),
  data: jsonb('data').$type<Record<string, unknown>>().notNull(),
  at: ts('at').notNull(),
  seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
})
export type TicketTimelineRow = typeof ticketTimeline.$inferSelect

export const ticketViews = pgTable('ticket_views', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  ownerId: uuid('owner_id').notNull(),
  name: text('name').notNull(),
  shared: boolean('shared').notNull(),
  filters: jsonb('filters').$type<Record<string, unknown>>().notNull(),
  sort: text('sort').notNull(),
  sortOrder: text('sort_order').$type<'asc' | 'desc'>().notNull(),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
})
export type TicketViewRow = typeof ticketViews.$inferSelect

export const ticketMacros = pgTable('ticket_macros', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  /** null: shared by the desk. */
  ownerId: uuid('owner_id'),
  name: text('name').notNull(),
  body: text('body').notNull(),
  actions: jsonb('actions').$type<TicketMacroActions>().notNull(),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull(),
  updatedAt: ts('updated_at').notNull(),
  version: integer('version').notNull(),
})
export type TicketMacroRow = typeof ticketMacros.$inferSelect
