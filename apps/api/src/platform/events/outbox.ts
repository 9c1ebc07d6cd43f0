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

/** NOTIFY payloads must stay under 8000 bytes; an envelope that would not fit is not announced. */
const fitsNotify = (e: DomainEvent) => Buffer.byteLength(`${e.type}${e.aggregateType ?? ''}${e.aggregateId ?? ''}`) < 7000

export function createOutbox(): Outbox {
  return {
    async publish(tx, e, opts = {}) {
      const insert = sql`insert into outbox (tenant_id, type, aggregate_type, aggregate_id, payload, actor_id)
        values (${e.tenantId}, ${e.type}, ${e.aggregateType ?? null}, ${e.aggregateId ?? null},
          ${JSON.stringify(e.payload ?? {})}::jsonb, ${e.actorId ?? null})
        returning id, tenant_id, type, aggregate_type, aggregate_id`
      // PostgreSQL runs every data-modifying CTE of a statement, referenced or not
      const others = (opts.alongside ?? []).map((w, i) => sql`${sql.raw(`w${i}`)} as (${w}), `)
      const query = fitsNotify(e)
        ? sql`with ${sql.join(others)}ins as (${insert})
          select id, pg_notify(${OUTBOX_CHANNEL}, json_build_object('id', id, 'tenantId', tenant_id, 'type', type,
            'aggregateType', aggregate_type, 'aggregateId', aggregate_id)::text) from ins`
        : others.length
          ? sql`with ${sql.join(others)}ins as (${insert}) select id from ins`
          : insert
      const res = (await tx.execute(query)) as unknown as { rows: { id: string }[] }
      return res.rows[0]!.id
    },
  }
}
