import { sql } from 'drizzle-orm'
import { rows, type DbOrTx } from '../db/index.ts'
import type { DeliveredEvent } from './types.ts'

/**
 * Makes a listener's effect exactly-once on top of at-least-once delivery: call it in the
 * transaction of the effect; it returns true the first time this listener sees the event and false
 * on every redelivery (then skip the effect). If the transaction rolls back, so does the record.
 *
 * ```ts
 * await database.withTenant(event.tenantId, async (tx) => {
 *   if (!(await processedOnce(tx, 'sla.startClocks', event))) return
 *   await startClocks(tx, event.aggregateId)
 * })
 * ```
 */
export async function processedOnce(tx: DbOrTx, listener: string, event: Pick<DeliveredEvent, 'id' | 'tenantId'>): Promise<boolean> {
  return (await processedFirstTime(tx, listener, [event])).has(event.id)
}

/** processedOnce for several events in one statement: the ids of those seen for the first time. */
export async function processedFirstTime(
  tx: DbOrTx,
  listener: string,
  events: readonly Pick<DeliveredEvent, 'id' | 'tenantId'>[],
): Promise<Set<string>> {
  if (!events.length) return new Set()
  const values = events.map((e) => sql`(${e.tenantId}, ${listener}, ${e.id})`)
  const inserted = await rows<{ event_id: string }>(
    tx,
    sql`insert into processed_events (tenant_id, listener, event_id) values ${sql.join(values, sql`, `)}
      on conflict do nothing returning event_id`,
  )
  return new Set(inserted.map((r) => r.event_id))
}
