// What administrators see of the platform itself: the tenant's audit log (browse and verify the
// hash chain) and domain events a listener failed to handle on every attempt (inspect, redeliver).
import type { AuditEntry, AuditPage, AuditQuery, AuditVerifyResult, DeadLetterList, RedeliverBody } from '@aftercare/contracts'
import { sql } from 'drizzle-orm'
import { ENTRY_COLUMNS, verifyAuditChain, type EntryRow } from '../../platform/audit/chain.ts'
import { rows } from '../../platform/db/index.ts'
import { listDeadDeliveries, redeliverDead } from '../../platform/events/dead-letters.ts'
import { invalidCursor } from '../../platform/http/pagination.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import type { ModuleDeps } from '../../modules.ts'
import { findUserSummary } from '../identity/index.ts'

const encodeCursor = (id: string) => Buffer.from(`a:${id}`).toString('base64url')
function decodeCursor(cursor: string): string {
  const text = /^[A-Za-z0-9_-]+$/.test(cursor) ? Buffer.from(cursor, 'base64url').toString('utf8') : ''
  const m = /^a:(\d{1,18})$/.exec(text)
  if (!m) throw invalidCursor()
  return m[1]!
}

const iso = (d: Date | string) => new Date(d).toISOString()

export function createSystemService({ database, clock, audit }: Pick<ModuleDeps, 'database' | 'clock' | 'audit'>) {
  return {
    /** Newest entries first, filtered; one page and the cursor for the next. */
    async auditLog(ctx: RequestContext, q: AuditQuery): Promise<AuditPage> {
      const tenantId = ctx.actor.tenantId
      const before = q.cursor ? decodeCursor(q.cursor) : undefined
      const action = q.action?.endsWith('.')
        ? sql`action like ${q.action.replace(/[\\%_]/g, '\\$&') + '%'}`
        : q.action
          ? sql`action = ${q.action}`
          : undefined
      const where = [
        sql`tenant_id = ${tenantId}`,
        before ? sql`id < ${before}::bigint` : undefined,
        q.actorId ? sql`actor_id = ${q.actorId}` : undefined,
        action,
        q.entityType ? sql`entity_type = ${q.entityType}` : undefined,
        q.entityId ? sql`entity_id = ${q.entityId}` : undefined,
        q.from ? sql`occurred_at >= ${q.from}::timestamptz` : undefined,
        q.to ? sql`occurred_at < ${q.to}::timestamptz` : undefined,
      ].filter((c) => c !== undefined)
      return database.withTenant(tenantId, async (tx) => {
        const found = await rows<EntryRow>(
          tx,
          sql`select ${ENTRY_COLUMNS}
            from audit_log where ${sql.join(where, sql` and `)} order by audit_log.id desc limit ${q.limit + 1}`,
        )
        const page = found.slice(0, q.limit)
        const names = new Map<string, string | null>()
        for (const id of new Set(page.map((r) => r.actor_id).filter((a) => a !== null)))
          names.set(id, (await findUserSummary(tx, tenantId, id))?.name ?? null)
        const last = page.at(-1)
        return {
          items: page.map((r) => ({
            id: Number(r.id),
            occurredAt: iso(r.occurred_at),
            actorType: r.actor_type as AuditEntry['actorType'],
            actorId: r.actor_id,
            actorName: r.actor_id ? (names.get(r.actor_id) ?? null) : null,
            action: r.action,
            entityType: r.entity_type,
            entityId: r.entity_id,
            before: r.before ?? null,
            after: r.after ?? null,
            requestId: r.request_id,
            ip: r.ip,
            seq: r.seq === null ? null : Number(r.seq),
          })),
          nextCursor: found.length > q.limit && last ? encodeCursor(last.id) : null,
        }
      })
    },

    /** Walks this tenant's hash chain: OK, or the first entry that was edited, removed, added or moved. */
    async verifyAuditLog(ctx: RequestContext): Promise<AuditVerifyResult> {
      const result = await verifyAuditChain(database, ctx.actor.tenantId)
      const chain = result.tenants[0]
      return {
        ok: result.ok,
        sealed: chain?.sealed ?? 0,
        pending: chain?.pending ?? 0,
        head: chain?.head ?? null,
        broken: result.ok ? null : { seq: result.broken.seq, id: result.broken.id, reason: result.broken.reason },
      }
    },

    async deadLetters(ctx: RequestContext): Promise<DeadLetterList> {
      const dead = await listDeadDeliveries(database, { tenantId: ctx.actor.tenantId, limit: 200 })
      return {
        items: dead.map((d) => ({
          eventId: d.eventId,
          listener: d.listener,
          type: d.type,
          aggregate: d.aggregateType ? `${d.aggregateType}:${d.aggregateId ?? ''}` : null,
          attempts: d.attempts,
          lastError: d.lastError,
          at: d.createdAt.toISOString(),
        })),
      }
    },

    /** Gives dead deliveries (one event, one listener's, or all of the tenant's) fresh attempts. */
    async redeliver(ctx: RequestContext, body: RedeliverBody): Promise<{ redelivered: number }> {
      const tenantId = ctx.actor.tenantId
      const redelivered = await redeliverDead(
        database,
        clock,
        { tenantId, ...(body.listener ? { listener: body.listener } : {}), ...(body.eventId ? { eventId: body.eventId } : {}) },
        async (tx, count) => {
          if (!count) return
          await audit.record(tx, {
            tenantId,
            actorType: ctx.actor.kind === 'token' ? 'token' : 'user',
            actorId: ctx.actor.userId,
            action: 'outbox.redelivered',
            entityType: 'outbox',
            entityId: body.eventId ?? null,
            after: { count, ...body },
            requestId: ctx.requestId,
            ip: ctx.ip,
          })
        },
      )
      return { redelivered }
    },
  }
}

export type SystemService = ReturnType<typeof createSystemService>
