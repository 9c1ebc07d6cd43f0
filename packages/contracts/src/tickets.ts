import { z } from 'zod'
import { Line } from './common.ts'
import { CustomerTier } from './customers.ts'

// Tickets (R2): the service request from creation to closure. Every route lives under /api/tickets.
// Dates are ISO-8601 strings; ids are UUIDs; writes on a ticket may carry `If-Match: "v<version>"`
// (the ETag of GET /tickets/:id) and answer 412 when someone else changed it first.

// ─── Enumerations ────────────────────────────────────────────────────────────────────────────

/**
 * Lifecycle: new → assigned → in_progress → pending_customer | pending_parts | pending_third_party
 * → in_progress … → resolved → closed; reopen from resolved/closed within the tenant's window; cancel.
 */
export const TicketStatus = z.enum([
  'new',
  'assigned',
  'in_progress',
  'pending_customer',
  'pending_parts',
  'pending_third_party',
  'resolved',
  'closed',
  'cancelled',
])
export type TicketStatus = z.infer<typeof TicketStatus>
/** Statuses the workbench tabs count as open work. */
export const openTicketStatuses = ['new', 'assigned', 'in_progress', 'pending_customer', 'pending_parts', 'pending_third_party'] as const

/** P0 is the most urgent. */
export const TicketPriority = z.enum(['P0', 'P1', 'P2', 'P3', 'P4'])
export type TicketPriority = z.infer<typeof TicketPriority>

/** Impact 1 (whole business down, 全局影响) … 5 (cosmetic, 轻微). */
export const TicketImpact = z.number().int().min(1).max(5)
/** Urgency 1 (high, 紧急) … 3 (low, 一般). */
export const TicketUrgency = z.number().int().min(1).max(3)

/** Support tier working the ticket: first, second, third line (一线/二线/三线). */
export const SupportTier = z.enum(['L1', 'L2', 'L3'])
export type SupportTier = z.infer<typeof SupportTier>

export const TicketChannel = z.enum(['workbench', 'portal', 'email', 'phone', 'chat', 'wechat', 'qr', 'web_form', 'api', 'iot'])
export type TicketChannel = z.infer<typeof TicketChannel>

export const MessageVisibility = z.enum(['public', 'internal'])
export type MessageVisibility = z.infer<typeof MessageVisibility>
export const MessageAuthorType = z.enum(['agent', 'customer', 'system'])
export type MessageAuthorType = z.infer<typeof MessageAuthorType>

// ─── Configuration: types, categories with form templates, queues, priority matrix, settings ──

export const CustomFieldType = z.enum(['text', 'number', 'select', 'multi_select', 'date', 'file', 'address'])
export type CustomFieldType = z.infer<typeof CustomFieldType>

const FieldKey = z.string().regex(/^[a-z][a-z0-9_]{0,39}$/, 'lower-case letters, digits and _, starting with a letter (max 40)')

export const CustomFieldOption = z.object({ value: Line(100), label: Line(100) })

/** One field of a category's form. `options` for select / multi_select; `min`/`max` for number; `maxLength` for text. */
export const CustomFieldDef = z.object({
  key: FieldKey,
  label: Line(100),
  type: CustomFieldType,
  required: z.boolean().default(false),
  helpText: z.string().trim().max(300).optional(),
  options: z.array(CustomFieldOption).max(200).optional(),
  min: z.number().finite().optional(),
  max: z.number().finite().optional(),
  maxLength: z.number().int().min(1).max(10_000).optional(),
  /** Shown to customer contacts in the portal / QR form (false: staff-only field). */
  visibleToCustomer: z.boolean().default(true),
})
export type CustomFieldDef = z.infer<typeof CustomFieldDef>
export type CustomFieldDefInput = z.input<typeof CustomFieldDef>

/** The value of an `address` field: codes from @vant/area-data (province 2+4 zeros, city, district) and the street. */
export const AddressValue = z.object({
  provinceCode: z.string().regex(/^\d{6}$/),
  cityCode: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  districtCode: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  detail: z.string().trim().max(300).default(''),
})
export type AddressValue = z.infer<typeof AddressValue>

/**
 * Custom field values by key. Per type: text → string; number → number; select → option value;
 * multi_select → option values; date → 'YYYY-MM-DD'; file → attachment ids; address → AddressValue.
 * Validated on the server against the category's form (422 naming `customFields.<key>`).
 */
export const CustomFieldValues = z.record(z.string(), z.unknown())
export type CustomFieldValues = z.infer<typeof CustomFieldValues>

export const TicketType = z.object({
  id: z.uuid(),
  /** Stable code, e.g. `repair`, `consult`. */
  code: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  active: z.boolean(),
  sortOrder: z.number().int(),
})
export type TicketType = z.infer<typeof TicketType>
export const CreateTicketTypeBody = z.object({
  code: FieldKey,
  name: Line(100),
  description: z.string().trim().max(500).optional(),
  sortOrder: z.number().int().min(0).max(10_000).default(0),
})
export const UpdateTicketTypeBody = z.object({
  name: Line(100).optional(),
  description: z.string().trim().max(500).nullable().optional(),
  active: z.boolean().optional(),
  sortOrder: z.number().int().min(0).max(10_000).optional(),
})

/** A node of the category tree (problem category, 问题分类); `form` is its custom-field template. */
export const TicketCategory = z.object({
  id: z.uuid(),
  parentId: z.uuid().nullable(),
  name: z.string(),
  /** Restricts the category to one ticket type; null = any type. */
  typeId: z.uuid().nullable(),
  /** Default queue for new tickets of this category. */
  defaultQueueId: z.uuid().nullable(),
  form: z.array(CustomFieldDef),
  active: z.boolean(),
  sortOrder: z.number().int(),
  version: z.number().int(),
})
export type TicketCategory = z.infer<typeof TicketCategory>
export const CreateTicketCategoryBody = z.object({
  parentId: z.uuid().nullable().default(null),
  name: Line(100),
  typeId: z.uuid().nullable().default(null),
  defaultQueueId: z.uuid().nullable().default(null),
  form: z.array(CustomFieldDef).max(50).default([]),
  sortOrder: z.number().int().min(0).max(10_000).default(0),
})
export type CreateTicketCategoryBody = z.input<typeof CreateTicketCategoryBody>
/** PATCH /tickets/categories/:id (If-Match honoured): the admin's form editor sends the whole `form`. */
export const UpdateTicketCategoryBody = z.object({
  parentId: z.uuid().nullable().optional(),
  name: Line(100).optional(),
  typeId: z.uuid().nullable().optional(),
  defaultQueueId: z.uuid().nullable().optional(),
  form: z.array(CustomFieldDef).max(50).optional(),
  active: z.boolean().optional(),
  sortOrder: z.number().int().min(0).max(10_000).optional(),
})

/** A queue (服务组): a group of agents sharing work. */
export const TicketQueue = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  tier: SupportTier,
  memberIds: z.array(z.uuid()),
  active: z.boolean(),
})
export type TicketQueue = z.infer<typeof TicketQueue>
/**
 * A member of the service desk as agents see each other (assignee picker, @mentions): no email or
 * phone. `tier` from the agent roles (agent_l1 → L1 …), `queueIds` the queues they belong to,
 * `assignable` whether tickets may be assigned to them.
 */
export const TicketAgent = z.object({
  id: z.uuid(),
  name: z.string(),
  tier: SupportTier.nullable(),
  queueIds: z.array(z.uuid()),
  assignable: z.boolean(),
})
export type TicketAgent = z.infer<typeof TicketAgent>
export const TicketAgentList = z.object({ items: z.array(TicketAgent) })
export type TicketAgentList = z.infer<typeof TicketAgentList>
export const CreateTicketQueueBody = z.object({
  name: Line(100),
  description: z.string().trim().max(500).optional(),
  tier: SupportTier.default('L1'),
  memberIds: z.array(z.uuid()).max(500).default([]),
})
export const UpdateTicketQueueBody = z.object({
  name: Line(100).optional(),
  description: z.string().trim().max(500).nullable().optional(),
  tier: SupportTier.optional(),
  memberIds: z.array(z.uuid()).max(500).optional(),
  active: z.boolean().optional(),
})

/** `matrix[impact-1][urgency-1]` is the priority: 5 rows (impact 1–5) × 3 columns (urgency 1–3). */
export const PriorityMatrix = z.object({
  matrix: z.array(z.array(TicketPriority).length(3)).length(5),
})
export type PriorityMatrix = z.infer<typeof PriorityMatrix>

/** Per-tenant ticket settings. `numberFormat` tokens: {year} {yy} {month} {seq:N} (N = zero-padded width) or {seq}. */
export const TicketSettings = z.object({
  numberFormat: z
    .string()
    .trim()
    .min(1)
    .max(60)
    .refine((s) => /\{seq(?::\d{1,2})?\}/.test(s), { message: 'must contain {seq} or {seq:N}' })
    .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { message: 'must not contain control characters' }),
  /** Days after resolution/closure during which the ticket may be reopened. */
  reopenDays: z.number().int().min(0).max(365),
  maxAttachmentBytes: z
    .number()
    .int()
    .min(1)
    .max(1024 * 1024 * 1024),
  maxTicketAttachmentBytes: z
    .number()
    .int()
    .min(1)
    .max(10 * 1024 * 1024 * 1024),
})
export type TicketSettings = z.infer<typeof TicketSettings>
export const UpdateTicketSettingsBody = TicketSettings.partial()

// ─── The ticket ──────────────────────────────────────────────────────────────────────────────

export const TicketResolution = z.object({
  /** Root cause (故障原因). */
  cause: z.string().trim().min(1).max(5000),
  /** Actions taken (处理措施). */
  actions: z.string().trim().min(1).max(5000),
  /** Improvement suggestions for the customer (改进建议). */
  suggestions: z.string().trim().max(5000).default(''),
})
export type TicketResolution = z.infer<typeof TicketResolution>
export type TicketResolutionInput = z.input<typeof TicketResolution>

export const Ticket = z.object({
  id: z.uuid(),
  /** Human number, e.g. SR-2026-000123. */
  number: z.string(),
  subject: z.string(),
  description: z.string(),
  status: TicketStatus,
  priority: TicketPriority,
  impact: z.number().int(),
  urgency: z.number().int(),
  tier: SupportTier,
  channel: TicketChannel,
  typeId: z.uuid(),
  categoryId: z.uuid().nullable(),
  customerId: z.uuid(),
  deviceId: z.uuid().nullable(),
  queueId: z.uuid().nullable(),
  assigneeId: z.uuid().nullable(),
  /** The customer contact (user) who asked, when known. */
  requesterId: z.uuid().nullable(),
  /** Name / phone / email given by the reporter (QR scans, phone calls, webhooks). */
  requesterName: z.string().nullable(),
  requesterPhone: z.string().nullable(),
  requesterEmail: z.string().nullable(),
  tags: z.array(z.string()),
  customFields: CustomFieldValues,
  resolution: TicketResolution.nullable(),
  /** Set when this ticket was merged into another one (it is then closed). */
  mergedIntoId: z.uuid().nullable(),
  reopenCount: z.number().int(),
  createdBy: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  firstResponseAt: z.iso.datetime().nullable(),
  resolvedAt: z.iso.datetime().nullable(),
  closedAt: z.iso.datetime().nullable(),
  version: z.number().int(),
  /** The caller watches this ticket. */
  watching: z.boolean(),
  /** The caller may start watching it (engineers and service providers are added by the service desk). */
  mayWatch: z.boolean(),
  watcherIds: z.array(z.uuid()),
  /**
   * The statuses the caller may move this ticket to now (the state machine's guards, narrowed to
   * what the caller may do): staff through `/transition`, a customer contact through `/confirm`
   * (→ closed) and `/reopen` (→ in_progress or new). Reasons and resolutions are still asked for.
   */
  allowedTransitions: z.array(TicketStatus),
})
export type Ticket = z.infer<typeof Ticket>

/** A row of the workbench list (no description, no custom fields). */
export const TicketListItem = Ticket.pick({
  id: true,
  number: true,
  subject: true,
  status: true,
  priority: true,
  tier: true,
  channel: true,
  typeId: true,
  categoryId: true,
  customerId: true,
  deviceId: true,
  queueId: true,
  assigneeId: true,
  tags: true,
  createdAt: true,
  updatedAt: true,
  version: true,
})
export type TicketListItem = z.infer<typeof TicketListItem>

/**
 * POST /tickets. Staff must give `customerId`; a customer contact's ticket always belongs to their
 * organisation (a different `customerId` answers 404). Priority comes from impact × urgency through
 * the tenant's matrix unless staff set `priority` explicitly.
 */
export const CreateTicketBody = z.object({
  subject: Line(200),
  description: z.string().trim().max(20_000).default(''),
  typeId: z.uuid(),
  categoryId: z.uuid().optional(),
  customerId: z.uuid().optional(),
  deviceId: z.uuid().optional(),
  impact: TicketImpact.default(3),
  urgency: TicketUrgency.default(2),
  priority: TicketPriority.optional(),
  queueId: z.uuid().optional(),
  assigneeId: z.uuid().optional(),
  channel: TicketChannel.optional(),
  tags: z.array(Line(50)).max(30).default([]),
  customFields: CustomFieldValues.default({}),
  requesterName: Line(100).optional(),
  requesterPhone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 -]{5,20}$/)
    .optional(),
  requesterEmail: z.string().trim().max(254).pipe(z.email()).optional(),
  watcherIds: z.array(z.uuid()).max(50).default([]),
})
export type CreateTicketBody = z.input<typeof CreateTicketBody>

/** PATCH /tickets/:id with `If-Match` — only the given fields change. */
export const UpdateTicketBody = z.object({
  subject: Line(200).optional(),
  description: z.string().trim().max(20_000).optional(),
  typeId: z.uuid().optional(),
  categoryId: z.uuid().nullable().optional(),
  deviceId: z.uuid().nullable().optional(),
  impact: TicketImpact.optional(),
  urgency: TicketUrgency.optional(),
  /** Explicit priority; otherwise a changed impact/urgency recomputes it. */
  priority: TicketPriority.optional(),
  tags: z.array(Line(50)).max(30).optional(),
  /** Merged into the current values; a key set to null is removed. */
  customFields: CustomFieldValues.optional(),
})
export type UpdateTicketBody = z.input<typeof UpdateTicketBody>

/**
 * POST /tickets/:id/transition. `reason` is required for pending_*, cancelled and reopening;
 * `resolution` for resolved. An illegal move answers 409 `illegal_transition` with `allowed`.
 */
export const TransitionTicketBody = z.object({
  to: TicketStatus,
  reason: z.string().trim().max(2000).optional(),
  resolution: TicketResolution.optional(),
})
export type TransitionTicketBody = z.input<typeof TransitionTicketBody>

/** POST /tickets/:id/assign: to a user, a queue, or both (transfer). `null` clears. At least one key. */
export const AssignTicketBody = z
  .object({
    assigneeId: z.uuid().nullable().optional(),
    queueId: z.uuid().nullable().optional(),
    note: z.string().trim().max(2000).optional(),
  })
  .refine((b) => b.assigneeId !== undefined || b.queueId !== undefined, { message: 'give assigneeId or queueId', path: ['assigneeId'] })
export type AssignTicketBody = z.input<typeof AssignTicketBody>

/** POST /tickets/:id/escalate: L1 → L2 → L3 (409 `already_top_tier` at L3); optionally into a queue / to a person. */
export const EscalateTicketBody = z.object({
  reason: z.string().trim().min(1).max(2000),
  queueId: z.uuid().optional(),
  assigneeId: z.uuid().optional(),
})
export type EscalateTicketBody = z.input<typeof EscalateTicketBody>

/** POST /tickets/:id/watchers — without `userId` the caller watches. DELETE /tickets/:id/watchers/:userId. */
export const WatchTicketBody = z.object({ userId: z.uuid().optional() })

export const TicketWatchers = z.object({ watcherIds: z.array(z.uuid()) })

/** POST /tickets/:id/confirm (customer): accepts the resolution → closed. */
export const ConfirmTicketBody = z.object({ comment: z.string().trim().max(2000).optional() })
/** POST /tickets/:id/reopen (customer or staff) within the reopen window. */
export const ReopenTicketBody = z.object({ reason: z.string().trim().min(1).max(2000) })

// ─── Messages, timeline, links, merge, split ─────────────────────────────────────────────────

/** POST /tickets/:id/messages. Customer contacts can only post public replies. */
export const AddMessageBody = z.object({
  body: z.string().trim().min(1).max(20_000),
  visibility: MessageVisibility.default('public'),
  /** Users @mentioned (they get an in-app notification through `ticket.mentioned`). */
  mentionUserIds: z.array(z.uuid()).max(20).default([]),
  /** Attachments uploaded to the ticket beforehand (POST /tickets/:id/attachments) that belong to this message. */
  attachmentIds: z.array(z.uuid()).max(20).default([]),
})
export type AddMessageBody = z.input<typeof AddMessageBody>

/**
 * POST /tickets/:id/attachments — multipart/form-data: one or more `file` parts (≤ the tenant's
 * per-file limit, 50 MB by default; all of a ticket's files ≤ 200 MB by default: 413 / 422 naming
 * `file`), and an optional `visibility` field ('public' default; 'internal' for staff only). The type
 * is sniffed from the bytes and names are sanitised. Answers 201 TicketAttachmentList. Downloads:
 * GET `downloadUrl` (images inline, everything else as attachment; `?download=1` forces it).
 */
export const TicketAttachment = z.object({
  id: z.uuid(),
  ticketId: z.uuid(),
  messageId: z.uuid().nullable(),
  fileName: z.string(),
  contentType: z.string(),
  size: z.number().int(),
  visibility: MessageVisibility,
  uploadedBy: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  /** GET this path to download (permission-checked). */
  downloadUrl: z.string(),
})
export type TicketAttachment = z.infer<typeof TicketAttachment>
export const TicketAttachmentList = z.object({ items: z.array(TicketAttachment) })

export const TicketMessage = z.object({
  id: z.uuid(),
  ticketId: z.uuid(),
  body: z.string(),
  visibility: MessageVisibility,
  authorType: MessageAuthorType,
  authorId: z.uuid().nullable(),
  authorName: z.string().nullable(),
  mentionUserIds: z.array(z.uuid()),
  attachments: z.array(TicketAttachment),
  createdAt: z.iso.datetime(),
})
export type TicketMessage = z.infer<typeof TicketMessage>
export const TicketMessageList = z.object({ items: z.array(TicketMessage) })

export const TimelineKind = z.enum([
  'created',
  'message',
  'field_changed',
  'status_changed',
  'assigned',
  'escalated',
  'attachment_added',
  'watcher_added',
  'watcher_removed',
  'linked',
  'unlinked',
  'merged',
  'split',
  'resolution',
  'confirmed',
])
export type TimelineKind = z.infer<typeof TimelineKind>

/**
 * One entry of a ticket's timeline. `data` per kind: field_changed {changes: [{field, from, to}]};
 * status_changed {from, to, reason}; assigned {assigneeId, previousAssigneeId, queueId, previousQueueId};
 * message {messageId}; escalated {from, to, reason}; attachment_added {attachmentId, fileName};
 * linked/unlinked {ticketId, kind}; merged {intoId | fromId}; split {toId | fromId}; watcher_* {userId}.
 */
export const TimelineEntry = z.object({
  id: z.uuid(),
  kind: TimelineKind,
  visibility: MessageVisibility,
  actorType: MessageAuthorType,
  actorId: z.uuid().nullable(),
  actorName: z.string().nullable(),
  data: z.record(z.string(), z.unknown()),
  at: z.iso.datetime(),
})
export type TimelineEntry = z.infer<typeof TimelineEntry>
export const Timeline = z.object({ items: z.array(TimelineEntry) })

export const TicketLinkKind = z.enum(['parent', 'child', 'related'])
/** POST /tickets/:id/links: `kind` says what the other ticket is to this one. */
export const LinkTicketBody = z.object({ ticketId: z.uuid(), kind: TicketLinkKind })
export const TicketLink = z.object({
  id: z.uuid(),
  kind: TicketLinkKind,
  ticket: z.object({ id: z.uuid(), number: z.string(), subject: z.string(), status: TicketStatus }),
})
export type TicketLink = z.infer<typeof TicketLink>
export const TicketLinkList = z.object({ items: z.array(TicketLink) })

/** POST /tickets/:id/merge: this ticket (the duplicate) goes into `intoId`; it is closed, keeps a pointer, its messages and attachments move. */
export const MergeTicketBody = z.object({ intoId: z.uuid() })
/** POST /tickets/:id/split: a new ticket for the same customer, linked as related; chosen messages move to it. */
export const SplitTicketBody = z.object({
  subject: Line(200),
  description: z.string().trim().max(20_000).default(''),
  messageIds: z.array(z.uuid()).max(200).default([]),
})

// ─── List, counts, saved views, bulk, similar ────────────────────────────────────────────────

/** Comma-separated list in a query string (`status=new,assigned`) or a repeated parameter. */
const csv = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => (typeof v === 'string' ? v.split(',').filter(Boolean) : v), z.array(item).max(20))

export const TicketTab = z.enum(['all', 'my', 'unassigned', 'queue', 'watching'])
export type TicketTab = z.infer<typeof TicketTab>
export const TicketSortField = z.enum(['createdAt', 'updatedAt', 'priority', 'number'])

const filterShape = (list: <T extends z.ZodType>(item: T) => z.ZodType<z.infer<T>[], unknown>) => ({
  /** my = open and assigned to me; unassigned = open without assignee; queue = open in my queues; watching = open and watched. */
  tab: TicketTab.optional(),
  status: list(TicketStatus).optional(),
  priority: list(TicketPriority).optional(),
  typeId: list(z.uuid()).optional(),
  categoryId: list(z.uuid()).optional(),
  queueId: list(z.uuid()).optional(),
  /** A user id, `me`, or `none` (unassigned). */
  assigneeId: z.union([z.uuid(), z.enum(['me', 'none'])]).optional(),
  customerId: z.uuid().optional(),
  deviceId: z.uuid().optional(),
  tag: z.string().trim().max(50).optional(),
  tier: SupportTier.optional(),
  createdFrom: z.iso.datetime({ offset: true }).optional(),
  createdTo: z.iso.datetime({ offset: true }).optional(),
  updatedFrom: z.iso.datetime({ offset: true }).optional(),
  updatedTo: z.iso.datetime({ offset: true }).optional(),
  /** Keyword in Chinese or English over subject, description and messages; a ticket number matches exactly. */
  q: z.string().trim().max(200).optional(),
})

/** The filters of GET /tickets, as a query string (lists comma-separated or repeated). */
export const TicketFilters = z.object(filterShape(csv))
/** The same filters as JSON (what a saved view stores and returns). */
export const TicketFilterValues = z.object(filterShape((item) => z.array(item).max(20)))
export type TicketFilters = z.infer<typeof TicketFilters>
export type TicketFiltersInput = z.input<typeof TicketFilters>

export const TicketListQuery = TicketFilters.extend({
  sort: TicketSortField.default('updatedAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  /** From the previous page's `nextCursor`. */
  cursor: z.string().max(500).optional(),
  /** Apply a saved view's filters (explicit filters in the query add to them). */
  viewId: z.uuid().optional(),
})
export type TicketListQuery = z.input<typeof TicketListQuery>
export const TicketList = z.object({ items: z.array(TicketListItem), nextCursor: z.string().nullable() })
export type TicketList = z.infer<typeof TicketList>

/** GET /tickets/counts: the workbench tab badges. */
export const TicketTabCounts = z.object({
  my: z.number().int(),
  unassigned: z.number().int(),
  queue: z.number().int(),
  watching: z.number().int(),
})
export type TicketTabCounts = z.infer<typeof TicketTabCounts>

export const SavedView = z.object({
  id: z.uuid(),
  name: z.string(),
  ownerId: z.uuid(),
  /** Shared views are visible to every agent of the tenant; only the owner (or tickets.configure) edits them. */
  shared: z.boolean(),
  filters: TicketFilterValues,
  sort: TicketSortField,
  order: z.enum(['asc', 'desc']),
  createdAt: z.iso.datetime(),
})
export type SavedView = z.infer<typeof SavedView>
export const CreateSavedViewBody = z.object({
  name: Line(100),
  shared: z.boolean().default(false),
  filters: TicketFilterValues.default({}),
  sort: TicketSortField.default('updatedAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
})
export const UpdateSavedViewBody = CreateSavedViewBody.partial()
export const SavedViewList = z.object({ items: z.array(SavedView) })

/** POST /tickets/bulk: one action on up to 200 tickets; each ticket succeeds or fails on its own. */
export const BulkTicketAction = z.discriminatedUnion('type', [
  z.object({ type: z.literal('assign'), assigneeId: z.uuid().nullable().optional(), queueId: z.uuid().nullable().optional() }),
  z.object({
    type: z.literal('status'),
    to: TicketStatus,
    reason: z.string().trim().max(2000).optional(),
    resolution: TicketResolution.optional(),
  }),
  z.object({ type: z.literal('tag'), add: z.array(Line(50)).max(30).default([]), remove: z.array(Line(50)).max(30).default([]) }),
])
export const BulkTicketBody = z.object({ ticketIds: z.array(z.uuid()).min(1).max(200), action: BulkTicketAction })
export type BulkTicketBody = z.input<typeof BulkTicketBody>
export const BulkTicketResult = z.object({
  results: z.array(z.object({ ticketId: z.uuid(), ok: z.boolean(), code: z.string().optional(), message: z.string().optional() })),
})

/** GET /tickets/similar?customerId=&subject= : open tickets of the same customer that look alike (shown on the create form). */
export const SimilarTicketsQuery = z.object({
  customerId: z.uuid().optional(),
  subject: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).optional(),
  deviceId: z.uuid().optional(),
})
export const SimilarTickets = z.object({
  items: z.array(z.object({ ticket: TicketListItem, score: z.number() })),
})

// ─── Domain events (outbox, aggregateType 'ticket', aggregateId = ticketId) ──────────────────

export const TicketCreatedEvent = z.object({
  ticketId: z.uuid(),
  number: z.string(),
  status: TicketStatus,
  priority: TicketPriority,
  typeId: z.uuid(),
  categoryId: z.uuid().nullable(),
  customerId: z.uuid(),
  customerTier: CustomerTier.nullable(),
  deviceId: z.uuid().nullable(),
  queueId: z.uuid().nullable(),
  assigneeId: z.uuid().nullable(),
  channel: TicketChannel,
  createdAt: z.iso.datetime(),
})
export const TicketStatusChangedEvent = z.object({
  ticketId: z.uuid(),
  from: TicketStatus,
  to: TicketStatus,
  reason: z.string().nullable(),
  at: z.iso.datetime(),
})
export const TicketPriorityChangedEvent = z.object({ ticketId: z.uuid(), from: TicketPriority, to: TicketPriority, at: z.iso.datetime() })
export const TicketAssignedEvent = z.object({
  ticketId: z.uuid(),
  assigneeId: z.uuid().nullable(),
  queueId: z.uuid().nullable(),
  previousAssigneeId: z.uuid().nullable(),
  at: z.iso.datetime(),
})
export const TicketMessageAddedEvent = z.object({
  ticketId: z.uuid(),
  messageId: z.uuid(),
  visibility: MessageVisibility,
  authorType: MessageAuthorType,
  at: z.iso.datetime(),
})
/** Fields changed by an update (names as in the Ticket DTO). */
export const TicketUpdatedEvent = z.object({ ticketId: z.uuid(), fields: z.array(z.string()) })
export const TicketMentionedEvent = z.object({ ticketId: z.uuid(), messageId: z.uuid(), userIds: z.array(z.uuid()) })

/** Event type → payload schema, for listeners (`ticketEvents['ticket.created'].parse(event.payload)`). */
export const ticketEvents = {
  'ticket.created': TicketCreatedEvent,
  'ticket.status_changed': TicketStatusChangedEvent,
  'ticket.priority_changed': TicketPriorityChangedEvent,
  'ticket.assigned': TicketAssignedEvent,
  'ticket.message_added': TicketMessageAddedEvent,
  'ticket.updated': TicketUpdatedEvent,
  'ticket.mentioned': TicketMentionedEvent,
} as const
export type TicketEventType = keyof typeof ticketEvents
export type TicketEventPayload<T extends TicketEventType> = z.infer<(typeof ticketEvents)[T]>

/**
 * Realtime (WebSocket, see contracts/realtime.ts): every event above reaches the topics `ticket:<id>`
 * (subscribers who may read that ticket) and `ticket` (staff who read every ticket: live workbench
 * lists) as a RealtimeDomainEvent `{ id, type, aggregateType: 'ticket', aggregateId: ticketId }`;
 * refetch the ticket or list on it.
 */

// ─── macros (宏): saved replies with variables and optional actions ───

/** The variables a macro body may use, as `{{name}}`. */
export const macroVariables = [
  'customer.name',
  'ticket.number',
  'ticket.subject',
  'ticket.priority',
  'requester.name',
  'agent.name',
  'assignee.name',
] as const
export type MacroVariable = (typeof macroVariables)[number]

/** The statuses a macro may set: those needing no resolution notes (the macro's name is the reason). */
export const MacroStatus = z.enum(['in_progress', 'pending_customer', 'pending_parts', 'pending_third_party'])

export const TicketMacroActions = z.object({
  status: MacroStatus.optional(),
  addTags: z.array(z.string().trim().min(1).max(50)).max(20).optional(),
  queueId: z.uuid().optional(),
})
export type TicketMacroActions = z.infer<typeof TicketMacroActions>

export const TicketMacro = z.object({
  id: z.uuid(),
  name: z.string(),
  body: z.string(),
  actions: TicketMacroActions,
  /** Shared by the desk (managed with tickets.configure), or personal (only the owner sees it). */
  shared: z.boolean(),
  ownerId: z.uuid().nullable(),
  updatedAt: z.iso.datetime(),
  version: z.number().int(),
})
export type TicketMacro = z.infer<typeof TicketMacro>
export const TicketMacroList = z.object({ items: z.array(TicketMacro) })

export const CreateTicketMacroBody = z.object({
  name: Line(100),
  /** Text with `{{variable}}` placeholders (see macroVariables); an unknown one answers 422 naming it. */
  body: z.string().trim().min(1).max(10000),
  actions: TicketMacroActions.default({}),
  shared: z.boolean().default(false),
})
export type CreateTicketMacroBody = z.input<typeof CreateTicketMacroBody>
export const UpdateTicketMacroBody = z.object({
  name: Line(100).optional(),
  body: z.string().trim().min(1).max(10000).optional(),
  actions: TicketMacroActions.optional(),
})
export type UpdateTicketMacroBody = z.input<typeof UpdateTicketMacroBody>

/** A macro rendered for one ticket: the text to put in the reply box, and the actions it would apply. */
export const RenderedMacro = z.object({
  macroId: z.uuid(),
  body: z.string(),
  actions: TicketMacroActions,
})
export type RenderedMacro = z.infer<typeof RenderedMacro>

export const MacroParams = z.object({ id: z.uuid(), macroId: z.uuid() })

/** A macro text not saved yet, rendered for one ticket (the editor's preview); an unknown variable answers 422 naming it. */
export const PreviewMacroBody = z.object({ body: z.string().trim().min(1).max(10000) })
export type PreviewMacroBody = z.infer<typeof PreviewMacroBody>
export const PreviewedMacro = z.object({ body: z.string() })
export type PreviewedMacro = z.infer<typeof PreviewedMacro>
