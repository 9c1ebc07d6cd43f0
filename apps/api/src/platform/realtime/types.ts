// What modules see of realtime: publish to a topic; declare who may subscribe to a topic family.
import type { Actor } from '../http/access.ts'

/**
 * Topics are `family` or `family:id`: `ticket:8c1…` (one ticket), `ticket` (every ticket of the tenant),
 * `queue:…`. Every domain event is pushed, with no module code, to `<aggregateType>:<aggregateId>` and
 * `<aggregateType>` as `{id, type, aggregateType, aggregateId}` (no payload: clients refetch), so a module
 * whose events use aggregateType `ticket` declares one TopicAuthorizer for the family `ticket`.
 * Publish here only what events do not carry (progress, presence, computed views), after commit.
 */
export interface RealtimePublisher {
  /** Fans the message out to every subscribed client of the tenant, on every server. */
  publish(tenantId: string, topic: string, message: Record<string, unknown>): Promise<void>
  /** Several messages of a tenant: the small ones (nearly all) in one round trip and in order, any too large for a notification after them. */
  publishMany(tenantId: string, messages: readonly { topic: string; message: Record<string, unknown> }[]): Promise<void>
}

export interface TopicAuthorizer {
  /** The part before ':' (or the whole topic when it has no id): lower-case letters, digits, `_`, `-`. */
  family: string
  /** May this actor subscribe to `family:id` (`id` null for the whole family)? Unknown families are always refused. */
  authorize(actor: Actor, id: string | null): Promise<boolean>
  /**
   * Domain event types (of aggregate `family`) that may change who may receive `family:id`, e.g. a
   * reassignment: before such an event is pushed, the subscribers of `family:id` are authorised
   * again, and those who lost the right are unsubscribed instead of told (RELIABILITY B-ENGINEER).
   */
  reauthorizeOn?: readonly string[]
}
