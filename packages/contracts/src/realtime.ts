// The realtime protocol on the WebSocket at /api/ws: JSON text frames, one message per frame.
import { z } from 'zod'

/**
 * `family` or `family:id`. The family names who may subscribe (a module declares it);
 * the id narrows it to one record, e.g. `ticket:3f1c…`, `user:…`, `tenant`.
 */
export const RealtimeTopic = z
  .string()
  .max(256)
  .regex(/^[a-z][a-z0-9_-]{0,62}(?::[\w.-]{1,190})?$/, 'a topic is family or family:id (lower-case family, id of letters, digits, _ . -)')
export type RealtimeTopic = z.infer<typeof RealtimeTopic>

/** What the browser (or any client) sends. */
export const RealtimeClientMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribe'), topic: z.string().max(256) }),
  z.object({ type: z.literal('unsubscribe'), topic: z.string().max(256) }),
  /** Application-level keepalive: browsers cannot see protocol pings, so they ask. */
  z.object({ type: z.literal('ping') }),
])
export type RealtimeClientMessage = z.infer<typeof RealtimeClientMessage>

export const RealtimeErrorCode = z.enum(['forbidden', 'unknown_topic', 'invalid_message', 'too_many_topics'])
export type RealtimeErrorCode = z.infer<typeof RealtimeErrorCode>

/**
 * A domain event as realtime pushes it: which record changed and how, never its payload —
 * the client refetches through the REST API, which applies the reader's permissions.
 */
export const RealtimeDomainEvent = z.object({
  id: z.string(),
  type: z.string(),
  aggregateType: z.string().nullable(),
  aggregateId: z.string().nullable(),
})
export type RealtimeDomainEvent = z.infer<typeof RealtimeDomainEvent>

/** What the server sends. */
export const RealtimeServerMessage = z.discriminatedUnion('type', [
  z.object({ type: z.literal('subscribed'), topic: z.string() }),
  z.object({ type: z.literal('unsubscribed'), topic: z.string() }),
  z.object({ type: z.literal('error'), topic: z.string().optional(), code: RealtimeErrorCode, message: z.string() }),
  /** `event` is a RealtimeDomainEvent for domain events, or what a module published to the topic. */
  z.object({ type: z.literal('event'), topic: z.string(), event: z.record(z.string(), z.unknown()) }),
  z.object({ type: z.literal('pong') }),
])
export type RealtimeServerMessage = z.infer<typeof RealtimeServerMessage>

/** Close codes beyond the standard ones: the client should not reconnect with the same credentials. */
export const RealtimeCloseCode = {
  /** The session ended (expired, revoked, user disabled) while connected. */
  sessionEnded: 4401,
  /** The client did not read fast enough; it may reconnect. */
  tooSlow: 4408,
} as const

/**
 * The domain event (aggregate `user`, topic `user:<id>`) announced whenever a user's sessions or
 * tokens are revoked or their status, roles, teams or customer organisation change: servers check
 * that user's connections again at once, the user's own pages refetch who they are.
 */
export const CREDENTIALS_CHANGED = 'user.credentials_changed'
