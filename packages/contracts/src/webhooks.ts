import { z } from 'zod'
import { Line } from './common.ts'
import { TicketChannel, TicketPriority } from './tickets.ts'

// Public API webhooks (R14): outgoing subscriptions to domain events, and signed inbound webhooks that
// create tickets. Routes live under /api/webhooks.
//
// Signing (both directions): headers
//   X-Aftercare-Timestamp: <unix seconds>
//   X-Aftercare-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>
// Receivers reject a timestamp more than 5 minutes away from their clock. Outgoing requests also carry
// X-Aftercare-Event (the event type) and X-Aftercare-Delivery (a UUID, the same on every retry and
// replay of one delivery: deduplicate on it).

/** `ticket.created`, a family `ticket.*`, or `*` for every event. */
export const EventPattern = z
  .string()
  .regex(/^(\*|[a-z][a-z_]*\.(\*|[a-z][a-z_]*))$/, 'an event type (ticket.created), a family (ticket.*) or *')
  .max(80)

export const HttpsUrl = z
  .url()
  .max(500)
  .refine((u) => /^https?:\/\//.test(u), { message: 'must be an http(s) URL' })

export const WebhookSubscription = z.object({
  id: z.uuid(),
  name: z.string(),
  url: z.string(),
  events: z.array(EventPattern),
  enabled: z.boolean(),
  /** Why it was switched off automatically (after persistent failure), if it was. */
  disabledReason: z.string().nullable(),
  consecutiveFailures: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int(),
})
export type WebhookSubscription = z.infer<typeof WebhookSubscription>
export const WebhookSubscriptionList = z.object({ items: z.array(WebhookSubscription) })

export const CreateWebhookBody = z.object({
  name: Line(100),
  url: HttpsUrl,
  events: z.array(EventPattern).min(1).max(50),
  enabled: z.boolean().default(true),
})
export type CreateWebhookBody = z.input<typeof CreateWebhookBody>
/** PATCH (If-Match honoured). Enabling again resets the failure count. */
export const UpdateWebhookBody = z.object({
  name: Line(100).optional(),
  url: HttpsUrl.optional(),
  events: z.array(EventPattern).min(1).max(50).optional(),
  enabled: z.boolean().optional(),
})
/** The signing secret is shown once: at creation and when rotated. */
export const WebhookWithSecret = z.object({ subscription: WebhookSubscription, secret: z.string() })
export type WebhookWithSecret = z.infer<typeof WebhookWithSecret>

export const WebhookDeliveryStatus = z.enum(['queued', 'sending', 'sent', 'retrying', 'failed', 'dead'])
export type WebhookDeliveryStatus = z.infer<typeof WebhookDeliveryStatus>
export const WebhookDelivery = z.object({
  id: z.uuid(),
  subscriptionId: z.uuid(),
  eventId: z.uuid().nullable(),
  eventType: z.string(),
  status: WebhookDeliveryStatus,
  attempts: z.number().int(),
  nextAttemptAt: z.iso.datetime().nullable(),
  responseStatus: z.number().int().nullable(),
  /** The first 500 characters of the last response or error. */
  lastError: z.string().nullable(),
  /** Set on a replay: the delivery it repeats. */
  replayOf: z.uuid().nullable(),
  sentAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
})
export type WebhookDelivery = z.infer<typeof WebhookDelivery>
export const WebhookDeliveryList = z.object({ items: z.array(WebhookDelivery), nextCursor: z.string().nullable() })
export const WebhookDeliveryQuery = z.object({
  status: WebhookDeliveryStatus.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
})

/** The JSON body of every outgoing webhook request. */
export const WebhookPayload = z.object({
  id: z.uuid(),
  type: z.string(),
  createdAt: z.iso.datetime(),
  data: z.record(z.string(), z.unknown()),
})
export type WebhookPayload = z.infer<typeof WebhookPayload>

/** `webhook.disabled` (outbox, aggregateType 'webhook'): a subscription was switched off after persistent failure. */
export const WebhookDisabledEvent = z.object({
  subscriptionId: z.uuid(),
  name: z.string(),
  url: z.string(),
  failures: z.number().int(),
  lastError: z.string().nullable(),
})

// ─── Inbound: other systems create tickets ───────────────────────────────────────────────────

/**
 * How an inbound JSON document becomes a ticket. Text fields are `{{ path }}` templates over the document
 * (e.g. `订单 {{order.id}}：{{order.remark}}`). `priority` may render P0–P4; anything else falls back to
 * `defaultPriority`. `externalId` identifies the document: the same value from the same source never creates
 * a second ticket (retries are answered with the first ticket).
 */
export const InboundMapping = z.object({
  subject: z.string().min(1).max(500),
  description: z.string().max(5000).default(''),
  externalId: z.string().max(200).default(''),
  priority: z.string().max(200).default(''),
  requesterName: z.string().max(200).default(''),
  requesterPhone: z.string().max(200).default(''),
  requesterEmail: z.string().max(200).default(''),
  tags: z.array(z.string().max(100)).max(10).default([]),
})
export type InboundMapping = z.infer<typeof InboundMapping>

export const InboundSource = z.object({
  id: z.uuid(),
  name: z.string(),
  /** POST signed JSON here. */
  url: z.string(),
  customerId: z.uuid(),
  typeId: z.uuid(),
  queueId: z.uuid().nullable(),
  defaultPriority: TicketPriority,
  channel: TicketChannel,
  mapping: InboundMapping,
  enabled: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int(),
})
export type InboundSource = z.infer<typeof InboundSource>
export const InboundSourceList = z.object({ items: z.array(InboundSource) })
export const CreateInboundSourceBody = z.object({
  name: Line(100),
  customerId: z.uuid(),
  typeId: z.uuid(),
  queueId: z.uuid().nullable().default(null),
  defaultPriority: TicketPriority.default('P3'),
  channel: TicketChannel.default('api'),
  mapping: InboundMapping,
  enabled: z.boolean().default(true),
})
export type CreateInboundSourceBody = z.input<typeof CreateInboundSourceBody>
export const UpdateInboundSourceBody = CreateInboundSourceBody.partial()
export const InboundSourceWithSecret = z.object({ source: InboundSource, secret: z.string() })
export type InboundSourceWithSecret = z.infer<typeof InboundSourceWithSecret>

/**
 * POST /inbound-sources/:id/test: what the mapping makes of a sample document (nothing is created). `mapping`
 * and `defaultPriority`, when given, replace the saved ones: the editor previews changes before saving them.
 */
export const InboundTestBody = z.object({
  document: z.record(z.string(), z.unknown()),
  mapping: InboundMapping.optional(),
  defaultPriority: TicketPriority.optional(),
})
export const InboundTicketDraft = z.object({
  subject: z.string(),
  description: z.string(),
  externalId: z.string(),
  priority: TicketPriority,
  requesterName: z.string().nullable(),
  requesterPhone: z.string().nullable(),
  requesterEmail: z.string().nullable(),
  tags: z.array(z.string()),
})
export type InboundTicketDraft = z.infer<typeof InboundTicketDraft>
export const InboundAccepted = z.object({ ticketId: z.uuid(), number: z.string(), duplicate: z.boolean() })
