// Administration of the platform itself: the audit log and deliveries that failed every attempt.
import { z } from 'zod'
import { Page } from './common.ts'

export const AuditActorType = z.enum(['user', 'token', 'system', 'customer', 'anonymous'])
export type AuditActorType = z.infer<typeof AuditActorType>

export const AuditQuery = Page.extend({
  actorId: z.uuid().optional(),
  /** An action, or its prefix ending in a dot (`ticket.` finds every ticket action). */
  action: z.string().trim().min(1).max(100).optional(),
  entityType: z.string().trim().min(1).max(60).optional(),
  entityId: z.string().trim().min(1).max(100).optional(),
  from: z.iso.datetime({ offset: true }).optional(),
  to: z.iso.datetime({ offset: true }).optional(),
})
export type AuditQuery = z.infer<typeof AuditQuery>

export const AuditEntry = z.object({
  id: z.number().int(),
  occurredAt: z.string(),
  actorType: AuditActorType,
  actorId: z.string().nullable(),
  /** The actor's display name when the actor is a user of this tenant. */
  actorName: z.string().nullable(),
  action: z.string(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
  requestId: z.string().nullable(),
  ip: z.string().nullable(),
  /** Position in the tenant's hash chain; null until the worker seals the entry (seconds). */
  seq: z.number().int().nullable(),
})
export type AuditEntry = z.infer<typeof AuditEntry>

export const AuditPage = z.object({ items: z.array(AuditEntry), nextCursor: z.string().nullable() })
export type AuditPage = z.infer<typeof AuditPage>

export const AuditVerifyResult = z.object({
  ok: z.boolean(),
  sealed: z.number().int(),
  pending: z.number().int(),
  head: z.object({ seq: z.number().int(), hash: z.string() }).nullable(),
  broken: z.object({ seq: z.number().int().nullable(), id: z.number().int().nullable(), reason: z.string() }).nullable(),
})
export type AuditVerifyResult = z.infer<typeof AuditVerifyResult>

/** A domain event one listener failed to handle on every attempt (this tenant's only). */
export const DeadLetter = z.object({
  eventId: z.string(),
  listener: z.string(),
  type: z.string(),
  /** `type:id` of the aggregate the event is about. */
  aggregate: z.string().nullable(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  at: z.string(),
})
export type DeadLetter = z.infer<typeof DeadLetter>

export const DeadLetterList = z.object({ items: z.array(DeadLetter) })
export type DeadLetterList = z.infer<typeof DeadLetterList>

export const RedeliverBody = z.object({
  /** One event; all of this tenant's dead events when neither is given. */
  eventId: z.uuid().optional(),
  listener: z.string().trim().min(1).max(100).optional(),
})
export type RedeliverBody = z.infer<typeof RedeliverBody>

export const RedeliverResult = z.object({ redelivered: z.number().int() })
export type RedeliverResult = z.infer<typeof RedeliverResult>
