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
  const inserted = await rows<{ event_id: string }>(
    tx,
    sql`insert into processed_events (tenant_id, listener, event_id) values (${event.tenantId}, ${listener}, ${event.id})
      on conflict do nothing returning event_id`,
  )
  return inserted.length === 1
}
