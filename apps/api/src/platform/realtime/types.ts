// What modules see of realtime: publish to a topic; declare who may subscribe to a topic family.
import type { Actor } from '../http/access.ts'

/** Topics are `family:id`, e.g. `ticket:8c1…`, `queue:…`, `tickets` (a family without id). */
export interface RealtimePublisher {
  /** Fans the message out to every subscribed client of the tenant, on every server. */
  publish(tenantId: string, topic: string, message: Record<string, unknown>): Promise<void>
}

export interface TopicAuthorizer {
  /** The part before ':' (or the whole topic when it has no id). */
  family: string
  /** May this actor subscribe to `family:id`? Unknown families are always refused. */
  authorize(actor: Actor, id: string | null): Promise<boolean>
}
