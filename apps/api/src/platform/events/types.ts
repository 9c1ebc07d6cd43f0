// What modules see of the event bus: events as delivered after commit, and listeners.
import type { DbOrTx } from '../db/index.ts'

/** An outbox event as a listener receives it (at least once; listeners are idempotent). */
export interface DeliveredEvent {
  id: string
  tenantId: string
  type: string
  aggregateType: string | null
  aggregateId: string | null
  payload: Record<string, unknown>
  actorId: string | null
  createdAt: Date
}

/**
 * A reaction to domain events, declared by the module that reacts. The worker calls
 * `handle` once per event and listener until it succeeds (retries with backoff, then
 * dead letter); `name` is stable because delivery is tracked per listener.
 */
export interface EventListener {
  name: string
  /** Event types heard, e.g. `['ticket.created']`; `'*'` for all. */
  events: readonly string[] | '*'
  /** Throw to retry (platform backoff), return when done. Use `processedOnce` to make effects exactly-once. */
  handle(event: DeliveredEvent): Promise<void>
  /**
   * Optional: several events at once (of different aggregates, in the order they were published),
   * e.g. in one transaction. All or nothing for the worker: when it throws, each event is delivered
   * again alone through `handle` (so what it already did must be harmless to redo, as for any retry).
   */
  handleMany?(events: readonly DeliveredEvent[]): Promise<void>
  /** Attempts before the delivery is dead-lettered (platform default 10, about 2 hours of backoff). */
  maxAttempts?: number
}

export type { DbOrTx }
