import { sql, type SQL } from 'drizzle-orm'
import type { DbOrTx } from '../db/index.ts'

export type AuditActorType = 'user' | 'token' | 'system' | 'customer' | 'anonymous'

export interface AuditEntry {
  tenantId: string
  actorType: AuditActorType
  actorId: string | null
  /** Verb in dotted form: `user.created`, `session.revoked`, `auth.login_failed`. */
  action: string
  entityType: string
  entityId: string | null
  before?: unknown
  after?: unknown
  requestId?: string | null
  ip?: string | null
}

export interface AuditLog {
  /** Writes an entry in the caller's transaction; the worker seals it into the chain after commit. */
  record(tx: DbOrTx, entry: AuditEntry): Promise<void>
  /** The insert of entries, to run inside another statement (see Outbox.publish's `alongside`). */
  entrySql(entry: AuditEntry | readonly AuditEntry[]): SQL
}

export function createAuditLog(): AuditLog {
  const values = (e: AuditEntry) => sql`(${e.tenantId}, ${e.actorType}, ${e.actorId}, ${e.action}, ${e.entityType}, ${e.entityId},
          ${e.before === undefined ? null : JSON.stringify(e.before)}::jsonb,
          ${e.after === undefined ? null : JSON.stringify(e.after)}::jsonb,
          ${e.requestId ?? null}, ${e.ip ?? null})`
  // several entries: one multi-row insert, in the order given (the order the chain seals them)
  const entrySql = (e: AuditEntry | readonly AuditEntry[]) => sql`insert into audit_log
        (tenant_id, actor_type, actor_id, action, entity_type, entity_id, before, after, request_id, ip)
        values ${sql.join((Array.isArray(e) ? e : [e]).map(values), sql`, `)}`
  return {
    async record(tx, e) {
      await tx.execute(entrySql(e))
    },
    entrySql,
  }
}
