import { sql, type SQL } from 'drizzle-orm'
import type { DbOrTx } from '../db/index.ts'

export interface DomainEvent {
  tenantId: string
  /** `ticket.created`, `user.disabled` … */
  type: string
  aggregateType?: string
  aggregateId?: string
  payload?: Record<string, unknown>
  actorId?: string | null
}

export interface Outbox {
  /**
   * Writes the event in the producer's transaction; the worker delivers it after commit. Returns the
   * event id. `alongside`: other inserts of the same change (its audit entry, its timeline entry),
   * run in the same statement as data-modifying CTEs: one round trip instead of one each.
   */
  publish(tx: DbOrTx, event: DomainEvent, opts?: { alongside?: readonly SQL[] }): Promise<string>
  /** Several events in one statement (with `alongside` as in publish), e.g. a group commit's. */
  publishAll(tx: DbOrTx, events: readonly DomainEvent[], opts?: { alongside?: readonly SQL[] }): Promise<void>
}

/**
 * Every committed event is also announced on this channel (a transactional NOTIFY, so a rolled
 * back event is never announced) with a small envelope: realtime forwards it to WebSocket
 * subscribers of `<aggregateType>:<aggregateId>` and `<aggregateType>`.
 */
export const OUTBOX_CHANNEL = 'aftercare_outbox'

/** The NOTIFY payload on OUTBOX_CHANNEL: which event, never its payload. */
export interface OutboxNotification {
  id: string
  tenantId: string
  type: string
  aggregateType: string | null
  aggregateId: string | null
}

export function createOutbox(): Outbox {
  async function write(tx: DbOrTx, events: readonly DomainEvent[], alongside: readonly SQL[] = []) {
    const values = events.map(
      (e) => sql`(${e.tenantId}, ${e.type}, ${e.aggregateType ?? null}, ${e.aggregateId ?? null},
          ${JSON.stringify(e.payload ?? {})}::jsonb, ${e.actorId ?? null})`,
    )
    const insert = sql`insert into outbox (tenant_id, type, aggregate_type, aggregate_id, payload, actor_id)
        values ${sql.join(values, sql`, `)}
        returning id, tenant_id, type, aggregate_type, aggregate_id`
    // PostgreSQL runs every data-modifying CTE of a statement, referenced or not
    const others = alongside.map((w, i) => sql`${sql.raw(`w${i}`)} as (${w}), `)
    // an envelope too large for NOTIFY is not announced (pg_notify would fail the statement)
    const query = sql`with ${sql.join(others)}ins as (${insert})
      select id, case when octet_length(type || coalesce(aggregate_type, '') || coalesce(aggregate_id::text, '')) < 7000
        then pg_notify(${OUTBOX_CHANNEL}, json_build_object('id', id, 'tenantId', tenant_id, 'type', type,
          'aggregateType', aggregate_type, 'aggregateId', aggregate_id)::text) end
      from ins`
    return (await tx.execute(query)) as unknown as { rows: { id: string }[] }
  }
  return {
    async publish(tx, e, opts = {}) {
      return (await write(tx, [e], opts.alongside)).rows[0]!.id
    },
    async publishAll(tx, events, opts = {}) {
      if (events.length) await write(tx, events, opts.alongside)
    },
  }
}
