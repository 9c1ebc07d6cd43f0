import { z } from 'zod'
import { Line, Locale } from './common.ts'

// Notification center (R14): domain events → templates (event × channel × language × audience)
// → channels. Every route lives under /api/notifications. Secrets of channels are write-only.

// ─── Enumerations ────────────────────────────────────────────────────────────────────────────

/** Where a notification goes. Personal channels reach one person; the others post to a group or system. */
export const NotificationChannel = z.enum(['in_app', 'email', 'sms', 'wechat_mp', 'wecom_robot', 'dingtalk_robot', 'webhook'])
export type NotificationChannel = z.infer<typeof NotificationChannel>
export const PersonalChannel = z.enum(['in_app', 'email', 'sms', 'wechat_mp'])
export type PersonalChannel = z.infer<typeof PersonalChannel>
/** Channels configured per tenant (in-app needs no configuration). */
export const ConfigurableChannel = z.enum(['email', 'sms', 'wechat_mp', 'wecom_robot', 'dingtalk_robot', 'webhook'])
export type ConfigurableChannel = z.infer<typeof ConfigurableChannel>
/** Channels that post to a group (robot) or another system: they subscribe to events and have no quiet hours. */
export const groupChannels = ['wecom_robot', 'dingtalk_robot', 'webhook'] as const

/** The events the notification center reacts to. */
export const NotificationEventType = z.enum([
  'ticket.created',
  'ticket.assigned',
  'ticket.mentioned',
  'ticket.message_added',
  'ticket.status_changed',
  'sla.warning',
  'sla.breached',
  'notification.otp_requested',
  'webhook.disabled',
])
export type NotificationEventType = z.infer<typeof NotificationEventType>

/** Staff templates go to staff only; customer templates to customer contacts only. */
export const TemplateAudience = z.enum(['staff', 'customer'])
export type TemplateAudience = z.infer<typeof TemplateAudience>

// ─── Events this module hears that no other contract defines ────────────────────────────────

/**
 * `notification.otp_requested` (any module, e.g. the QR fault report): send a one-time code now,
 * by SMS or email, ignoring preferences and quiet hours. `to` is the mobile number or email address.
 */
export const OtpRequestedEvent = z.object({
  channel: z.enum(['sms', 'email']),
  to: z.string().min(3).max(254),
  code: z.string().regex(/^[0-9A-Za-z]{4,10}$/),
  /** Minutes the code stays valid (shown in the message). */
  ttlMinutes: z.number().int().min(1).max(1440).default(10),
  /** Why, e.g. `device_report` (free text shown to nobody; kept in the log). */
  purpose: z.string().max(60).default('verification'),
  locale: Locale.default('zh-CN'),
  /** The contact or user the code is for, when known (dedupes per code and recipient). */
  recipientId: z.uuid().nullable().default(null),
})
export type OtpRequestedEvent = z.input<typeof OtpRequestedEvent>

// ─── Templates ───────────────────────────────────────────────────────────────────────────────

/**
 * A template. `subject` and `body` use `{{ path }}` placeholders (e.g. `{{ticket.number}}`), nothing else:
 * no logic, no code. SMS uses `externalId` (the approved Alibaba TemplateCode, `SMS_…`) and `params`
 * (TemplateParam: name → template string); WeChat template messages use `externalId` (template_id) and
 * `params` (data keys such as `thing1`, `time2` → template string). Built-in defaults exist for every
 * event × channel × locale × audience that makes sense; a tenant's own template overrides the default.
 */
export const NotificationTemplate = z.object({
  /** null for a built-in default the tenant has not overridden. */
  id: z.uuid().nullable(),
  eventType: NotificationEventType,
  channel: NotificationChannel,
  locale: Locale,
  audience: TemplateAudience,
  subject: z.string(),
  body: z.string(),
  externalId: z.string().nullable(),
  params: z.record(z.string(), z.string()),
  active: z.boolean(),
  isDefault: z.boolean(),
  /** The variables this event offers, for the editor. */
  variables: z.array(z.string()),
  version: z.number().int(),
  updatedAt: z.iso.datetime().nullable(),
})
export type NotificationTemplate = z.infer<typeof NotificationTemplate>
export const NotificationTemplateList = z.object({ items: z.array(NotificationTemplate) })

export const TemplateKeyQuery = z.object({
  eventType: NotificationEventType.optional(),
  channel: NotificationChannel.optional(),
  locale: Locale.optional(),
  audience: TemplateAudience.optional(),
})

const TemplateText = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(s), { message: 'must not contain control characters' })

/** PUT /notifications/templates: create or replace the tenant's template for this key (If-Match honoured on replace). */
export const UpsertTemplateBody = z.object({
  eventType: NotificationEventType,
  channel: NotificationChannel,
  locale: Locale,
  audience: TemplateAudience,
  subject: TemplateText(200).default(''),
  body: TemplateText(5000),
  externalId: z
    .string()
    .trim()
    .max(100)
    .regex(/^[\w-]*$/, 'letters, digits, _ and - only')
    .nullable()
    .default(null),
  params: z
    .record(z.string().regex(/^[A-Za-z][\w.]{0,39}$/, 'a parameter name is letters, digits, _ and .'), TemplateText(500))
    .default({})
    .refine((p) => Object.keys(p).length <= 20, { message: 'at most 20 parameters' }),
  active: z.boolean().default(true),
})
export type UpsertTemplateBody = z.input<typeof UpsertTemplateBody>

/** POST /notifications/templates/preview: renders unsaved text with sample values (or the given ones). */
export const PreviewTemplateBody = z.object({
  eventType: NotificationEventType,
  locale: Locale.default('zh-CN'),
  subject: TemplateText(200).default(''),
  body: TemplateText(5000),
  params: z.record(z.string(), TemplateText(500)).default({}),
  /** Overrides of the sample values, by variable path. */
  values: z.record(z.string(), z.string().max(2000)).default({}),
})
export const TemplatePreview = z.object({
  subject: z.string(),
  body: z.string(),
  params: z.record(z.string(), z.string()),
  /** Placeholders that name no variable of this event (rendered empty). */
  unknownVariables: z.array(z.string()),
})
export type TemplatePreview = z.infer<typeof TemplatePreview>

// ─── In-app notifications ────────────────────────────────────────────────────────────────────

export const InAppNotification = z.object({
  id: z.uuid(),
  eventType: z.string(),
  title: z.string(),
  body: z.string(),
  /** Where the web app opens it, e.g. `/tickets/<id>` (relative). */
  link: z.string().nullable(),
  ticketId: z.uuid().nullable(),
  readAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
})
export type InAppNotification = z.infer<typeof InAppNotification>
export const InAppNotificationList = z.object({
  items: z.array(InAppNotification),
  nextCursor: z.string().nullable(),
  unread: z.number().int(),
})
export type InAppNotificationList = z.infer<typeof InAppNotificationList>
export const InAppListQuery = z.object({
  unreadOnly: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
})
export const UnreadCount = z.object({ unread: z.number().int() })
/** POST /notifications/read: the given ids, or all of the caller's when `all` is true. */
export const MarkReadBody = z
  .object({ ids: z.array(z.uuid()).max(200).optional(), all: z.boolean().optional() })
  .refine((b) => b.all === true || (b.ids?.length ?? 0) > 0, { message: 'give ids or all: true', path: ['ids'] })
export const MarkReadResult = z.object({ updated: z.number().int(), unread: z.number().int() })

/** Pushed to the realtime topic `user:<id>` when a notification arrives or is read. */
export const NotificationRealtimeMessage = z.object({
  type: z.enum(['notification.created', 'notification.read']),
  notificationId: z.uuid().nullable(),
  unread: z.number().int(),
})

// ─── Preferences ─────────────────────────────────────────────────────────────────────────────

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:mm, 24-hour')

/** Quiet hours: email, SMS and WeChat wait until `end` (in-app still arrives). `start` > `end` spans midnight. */
export const QuietHours = z.object({ start: ClockTime, end: ClockTime, timeZone: z.string().min(1).max(64).default('Asia/Shanghai') })
export type QuietHours = z.infer<typeof QuietHours>

/** The caller's preferences: for each event, the personal channels that reach them (empty: muted). */
export const NotificationPreferences = z.object({
  events: z.record(NotificationEventType, z.array(PersonalChannel)),
  quietHours: QuietHours.nullable(),
  /** The caller's WeChat official-account openid (for template messages), when bound. */
  wechatOpenId: z.string().nullable(),
  version: z.number().int(),
})
export type NotificationPreferences = z.infer<typeof NotificationPreferences>
export const UpdatePreferencesBody = z.object({
  events: z.partialRecord(NotificationEventType, z.array(PersonalChannel).max(4)).optional(),
  quietHours: QuietHours.nullable().optional(),
  wechatOpenId: z
    .string()
    .trim()
    .regex(/^[\w-]{6,64}$/, 'an openid is 6–64 letters, digits, _ or -')
    .nullable()
    .optional(),
})
export type UpdatePreferencesBody = z.input<typeof UpdatePreferencesBody>

// ─── Channel configuration (per tenant) ──────────────────────────────────────────────────────

const HttpUrl = z
  .url()
  .max(500)
  .refine((u) => /^https?:\/\//.test(u), { message: 'must be an http(s) URL' })

/** Non-secret settings per channel kind. `endpoint` overrides the vendor's URL (a proxy or a private deployment). */
export const EmailSettings = z.object({
  from: Line(200),
  replyTo: z.email().max(254).nullable().default(null),
  /** Domain of the Message-IDs (threading); defaults to the From address's domain. */
  messageIdDomain: z
    .string()
    .regex(/^[a-z0-9.-]{1,200}$/i)
    .nullable()
    .default(null),
})
export const SmsSettings = z.object({
  accessKeyId: Line(100),
  signName: Line(40),
  regionId: z.string().max(40).default('cn-hangzhou'),
  endpoint: HttpUrl.default('https://dysmsapi.aliyuncs.com/'),
})
export const WechatMpSettings = z.object({
  appId: z.string().regex(/^wx[0-9a-f]{16}$/i, 'an AppID looks like wx followed by 16 hex digits'),
  endpoint: HttpUrl.default('https://api.weixin.qq.com'),
  /** Opens from the template message (ticket link) when set: `{{ticket.url}}` is built from PUBLIC_URL. */
  linkTickets: z.boolean().default(true),
})
export const WecomRobotSettings = z.object({ endpoint: HttpUrl.default('https://qyapi.weixin.qq.com/cgi-bin/webhook/send') })
export const DingtalkRobotSettings = z.object({ endpoint: HttpUrl.default('https://oapi.dingtalk.com/robot/send') })
export const WebhookChannelSettings = z.object({ url: HttpUrl })

/**
 * Secrets, write-only: email `{ smtpUrl }` (smtp(s)://user:pass@host:port); sms `{ accessKeySecret }`;
 * wechat_mp `{ appSecret }`; wecom_robot `{ key }`; dingtalk_robot `{ accessToken, signSecret? }` (SEC…);
 * webhook `{ signingSecret }`. Sealed with the server's SECRET_KEY (AES-256-GCM); never returned.
 */
export const ChannelSecrets = z.record(z.string().regex(/^[a-zA-Z]{1,40}$/), z.string().min(1).max(2000))

const channelBody = <K extends string, S extends z.ZodType>(kind: K, settings: S) =>
  z.object({
    kind: z.literal(kind),
    name: Line(100),
    settings,
    secrets: ChannelSecrets.optional(),
    /** Group channels: events posted to it. Personal channels ignore it. */
    events: z.array(NotificationEventType).max(20).default([]),
    enabled: z.boolean().default(true),
  })

export const CreateChannelBody = z.discriminatedUnion('kind', [
  channelBody('email', EmailSettings),
  channelBody('sms', SmsSettings),
  channelBody('wechat_mp', WechatMpSettings),
  channelBody('wecom_robot', WecomRobotSettings),
  channelBody('dingtalk_robot', DingtalkRobotSettings),
  channelBody('webhook', WebhookChannelSettings),
])
export type CreateChannelBody = z.input<typeof CreateChannelBody>
/** PATCH /notifications/channels/:id (If-Match honoured). Secrets given replace the stored ones key by key. */
export const UpdateChannelBody = z.object({
  name: Line(100).optional(),
  settings: z.record(z.string(), z.unknown()).optional(),
  secrets: ChannelSecrets.optional(),
  events: z.array(NotificationEventType).max(20).optional(),
  enabled: z.boolean().optional(),
})
export type UpdateChannelBody = z.input<typeof UpdateChannelBody>

export const ChannelConfig = z.object({
  id: z.uuid(),
  kind: ConfigurableChannel,
  name: z.string(),
  settings: z.record(z.string(), z.unknown()),
  /** The names of the secrets stored (never their values). */
  secretKeys: z.array(z.string()),
  events: z.array(NotificationEventType),
  enabled: z.boolean(),
  /** SMS delivery receipts (Alibaba SmsReport): POST here; unguessable, shown to admins only. */
  receiptUrl: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int(),
})
export type ChannelConfig = z.infer<typeof ChannelConfig>
export const ChannelConfigList = z.object({ items: z.array(ChannelConfig) })

/** POST /notifications/channels/:id/test: sends a test message to `to` (or to the group) now. */
export const TestChannelBody = z.object({ to: z.string().trim().max(254).optional() })
export const TestChannelResult = z.object({ ok: z.boolean(), providerRef: z.string().nullable(), error: z.string().nullable() })

// ─── Delivery log ────────────────────────────────────────────────────────────────────────────

/**
 * queued → sending → sent; a retryable failure → retrying (backoff) → … → dead after the last attempt;
 * a permanent failure (bad number, unsubscribed user, interrupted non-idempotent send) → failed.
 */
export const DeliveryStatus = z.enum(['queued', 'sending', 'sent', 'retrying', 'failed', 'dead'])
export type DeliveryStatus = z.infer<typeof DeliveryStatus>

export const Delivery = z.object({
  id: z.uuid(),
  eventId: z.uuid().nullable(),
  eventType: z.string(),
  channel: NotificationChannel,
  channelId: z.uuid().nullable(),
  recipientKind: z.enum(['user', 'contact', 'address', 'group']),
  recipientId: z.uuid().nullable(),
  /** Masked: 138****8000, z***@example.com. */
  address: z.string().nullable(),
  subject: z.string(),
  body: z.string(),
  status: DeliveryStatus,
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  nextAttemptAt: z.iso.datetime().nullable(),
  lastError: z.string().nullable(),
  providerRef: z.string().nullable(),
  /** Carrier receipt for SMS: delivered / failed (with the carrier's code). */
  receipt: z.string().nullable(),
  sentAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
})
export type Delivery = z.infer<typeof Delivery>
export const DeliveryList = z.object({ items: z.array(Delivery), nextCursor: z.string().nullable() })
export const DeliveryListQuery = z.object({
  status: DeliveryStatus.optional(),
  channel: NotificationChannel.optional(),
  eventType: z.string().max(60).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
})

/** Alibaba Cloud SmsReport push: a JSON array; the answer is `{ code: 0, msg }`. */
export const SmsReportItem = z.object({
  phone_number: z.string(),
  send_time: z.string(),
  report_time: z.string(),
  success: z.boolean(),
  err_code: z.string(),
  err_msg: z.string(),
  sms_size: z.string().optional(),
  biz_id: z.string(),
  out_id: z.string().optional(),
})
export const SmsReportBody = z.array(SmsReportItem).max(1000)
export const SmsReportAck = z.object({ code: z.number().int(), msg: z.string() })
