// What administrators see of event delivery: dead letters (deliveries that failed every attempt),
// redelivery once the cause is fixed, and the backlog the metrics report.
import { sql } from 'drizzle-orm'
import type { Clock } from '../clock.ts'
import { rows, type Database, type DbOrTx } from '../db/index.ts'
import { ts } from './delivery.ts'

export interface DeadDelivery {
  eventId: string
  tenantId: string
  listener: string
  type: string
  aggregateType: string | null
  aggregateId: string | null
  attempts: number
  lastError: string | null
  createdAt: Date
}

/** Dead deliveries, newest events first; one tenant's when `tenantId` is given. */
export async function listDeadDeliveries(database: Database, opts: { tenantId?: string; limit?: number } = {}): Promise<DeadDelivery[]> {
  const found = await rows<{
    event_id: string
    tenant_id: string
    listener: string
    type: string
    aggregate_type: string | null
    aggregate_id: string | null
    attempts: number
    last_error: string | null
    created_at: Date
  }>(
    database.db,
    sql`select d.event_id, d.tenant_id, d.listener, o.type, o.aggregate_type, o.aggregate_id, d.attempts, d.last_error, o.created_at
      from outbox_deliveries d join outbox o on o.id = d.event_id
      where d.status = 'dead' ${opts.tenantId ? sql`and d.tenant_id = ${opts.tenantId}` : sql``}
      order by d.event_seq desc limit ${opts.limit ?? 100}`,
  )
  return found.map((r) => ({
    eventId: r.event_id,
    tenantId: r.tenant_id,
    listener: r.listener,
    type: r.type,
    aggregateType: r.aggregate_type,
    aggregateId: r.aggregate_id,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    createdAt: new Date(r.created_at),
  }))
}

/**
 * Puts dead deliveries back in line with fresh attempts (after the cause was fixed); returns how many.
 * `record` runs in the same transaction (the caller's audit entry).
 */
export async function redeliverDead(
  database: Database,
  clock: Clock,
  filter: { tenantId?: string; listener?: string; eventId?: string } = {},
  record?: (tx: DbOrTx, count: number) => Promise<void>,
) {
  return database.transaction(async (tx) => {
    const revived = await rows<{ event_id: string }>(
      tx,
      sql`update outbox_deliveries set status = 'pending', attempts = 0, available_at = ${ts(clock.now())}, last_error = null
        where status = 'dead'
          ${filter.tenantId ? sql`and tenant_id = ${filter.tenantId}` : sql``}
          ${filter.listener ? sql`and listener = ${filter.listener}` : sql``}
          ${filter.eventId ? sql`and event_id = ${filter.eventId}` : sql``}
        returning event_id`,
    )
    const ids = JSON.stringify([...new Set(revived.map((r) => r.event_id))])
    await tx.execute(sql`update outbox set delivered_at = null where id in (select (jsonb_array_elements_text(${ids}::jsonb))::uuid)`)
    if (record) await record(tx, revived.length)
    return revived.length
  })
}

/** Events not yet delivered to every listener, and dead deliveries (all tenants): for /metrics. */
export async function outboxBacklog(database: Database): Promise<{ pending: number; dead: number }> {
  const [row] = await rows<{ pending: string | number; dead: string | number }>(
    database.db,
    sql`select (select count(*) from outbox where delivered_at is null) as pending,
      (select count(*) from outbox_deliveries where status = 'dead') as dead`,
  )
  return { pending: Number(row?.pending ?? 0), dead: Number(row?.dead ?? 0) }
}
