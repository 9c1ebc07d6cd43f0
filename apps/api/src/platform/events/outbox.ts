import { sql } from 'drizzle-orm'
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
  /** Writes the event in the producer's transaction; the worker delivers it after commit. Returns the event id. */
  publish(tx: DbOrTx, event: DomainEvent): Promise<string>
}

export function createOutbox(): Outbox {
  return {
    async publish(tx, e) {
      const res = (await tx.execute(sql`insert into outbox (tenant_id, type, aggregate_type, aggregate_id, payload, actor_id)
        values (${e.tenantId}, ${e.type}, ${e.aggregateType ?? null}, ${e.aggregateId ?? null},
          ${JSON.stringify(e.payload ?? {})}::jsonb, ${e.actorId ?? null})
        returning id`)) as unknown as { rows: { id: string }[] }
      return res.rows[0]!.id
    },
  }
}
