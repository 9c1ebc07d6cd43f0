// What every ticket write shares: who is acting, loading a ticket the actor may see (404 otherwise)
// under a row lock with the If-Match check (412), and writing the timeline entry, audit entry and
// outbox event in the same transaction.
import type {
  CustomerTier,
  MessageAuthorType,
  MessageVisibility,
  TicketEventPayload,
  TicketEventType,
  TimelineKind,
} from '@aftercare/contracts'
import type { SQL } from 'drizzle-orm'
import type { AuditActorType } from '../../platform/audit/audit-log.ts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { NotFoundError, PreconditionFailedError } from '../../platform/errors.ts'
import type { Actor, RequestContext } from '../../platform/http/access.ts'
import type { ModuleDeps } from '../../modules.ts'
import { findUserSummary } from '../identity/index.ts'
import { ticketRepository as repo } from './tickets.repository.ts'
import { canReadTicket, isCustomerContact } from './tickets.policy.ts'
import type { TicketRow } from './tickets.tables.ts'

/** What tickets asks of the customers and devices modules (wired in modules.ts). */
export interface TicketNeighbours {
  /** A customer of the tenant, or undefined. */
  findCustomer(tx: DbOrTx, tenantId: string, id: string): Promise<{ id: string; name: string; tier: CustomerTier } | undefined>
  /** Customers of the tenant by id (absent ids are missing from the map). */
  findCustomers(
    tx: DbOrTx,
    tenantId: string,
    ids: readonly string[],
  ): Promise<Map<string, { id: string; name: string; tier: CustomerTier }>>
  /** A device of the tenant with its owner (and, for the service report, what it is), or undefined. */
  findDevice(
    tx: DbOrTx,
    tenantId: string,
    id: string,
  ): Promise<
    | {
        id: string
        customerId: string
        serialNumber?: string
        product?: { name: string; model: string }
        warrantyState?: string
      }
    | undefined
  >
}

export interface TicketDeps extends ModuleDeps {
  neighbours: TicketNeighbours
}

/** The author of a change, as the timeline, the audit log and messages record it. */
export interface Who {
  type: MessageAuthorType
  userId: string | null
  name: string | null
  auditType: AuditActorType
  requestId?: string
  ip?: string
  /** The request's actor, when the change comes through the API. */
  actor?: Actor
}

export const systemWho: Who = { type: 'system', userId: null, name: null, auditType: 'system' }

export async function whoOf(tx: DbOrTx, ctx: RequestContext): Promise<Who> {
  const a = ctx.actor
  const name = a.name ?? (await findUserSummary(tx, a.tenantId, a.userId))?.name
  const contact = isCustomerContact(a)
  return {
    type: contact ? 'customer' : 'agent',
    userId: a.userId,
    name: name ?? null,
    auditType: contact ? 'customer' : a.kind === 'token' ? 'token' : 'user',
    requestId: ctx.requestId,
    ip: ctx.ip,
    actor: a,
  }
}

/** The ticket if the actor may read it; a hidden ticket is exactly as missing as an absent one. */
export async function readableTicket(tx: DbOrTx, actor: Actor, id: string, opts: { lock?: boolean } = {}): Promise<TicketRow> {
  const row = opts.lock ? await repo.lock(tx, id) : await repo.findById(tx, id)
  if (!row) throw new NotFoundError('ticket', id)
  const watching = row.assigneeId === actor.userId ? false : (await repo.watcherIds(tx, id)).includes(actor.userId)
  if (!canReadTicket(actor, row, watching)) throw new NotFoundError('ticket', id)
  return row
}

/** Locks the ticket for a write; `ifMatch` (the version the client saw) must be current. */
export async function ticketForWrite(tx: DbOrTx, actor: Actor, id: string, ifMatch?: number): Promise<TicketRow> {
  const row = await readableTicket(tx, actor, id, { lock: true })
  if (ifMatch !== undefined && ifMatch !== row.version)
    throw new PreconditionFailedError(
      `Ticket ${row.number} was changed by someone else (now version ${row.version}); reload it and try again`,
    )
  return row
}

export function createTicketRecorder({ audit, outbox, clock }: Pick<ModuleDeps, 'audit' | 'outbox' | 'clock'>) {
  const timelineValues = (
    t: Pick<TicketRow, 'id' | 'tenantId'>,
    who: Who,
    kind: TimelineKind,
    data: Record<string, unknown>,
    visibility: MessageVisibility,
    at: Date,
  ) => ({
    tenantId: t.tenantId,
    ticketId: t.id,
    kind,
    visibility,
    actorType: who.type,
    actorId: who.userId,
    actorName: who.name,
    data,
    at,
  })
  const auditEntry = (t: Pick<TicketRow, 'id' | 'tenantId'>, who: Who, action: string, before?: unknown, after?: unknown) => ({
    tenantId: t.tenantId,
    actorType: who.auditType,
    actorId: who.userId,
    action,
    entityType: 'ticket',
    entityId: t.id,
    before,
    after,
    requestId: who.requestId,
    ip: who.ip,
  })
  const event = (t: Pick<TicketRow, 'id' | 'tenantId'>, who: Who, type: TicketEventType, payload: Record<string, unknown>) => ({
    tenantId: t.tenantId,
    type,
    aggregateType: 'ticket',
    aggregateId: t.id,
    payload,
    actorId: who.userId,
  })

  /** The changes of several tickets (a group commit's) in one statement, each as `change` writes it. */
  async function changes<T extends TicketEventType>(
    tx: DbOrTx,
    list: readonly { t: Pick<TicketRow, 'id' | 'tenantId'>; who: Who; parts: ChangeParts<T> }[],
  ) {
    const timelines = list.flatMap(({ t, who, parts: { timeline: tl } }) =>
      tl ? [timelineValues(t, who, tl.kind, tl.data, tl.visibility ?? 'public', tl.at ?? clock.now())] : [],
    )
    const audits = list.flatMap(({ t, who, parts: { audit: a } }) => (a ? [auditEntry(t, who, a.action, a.before, a.after)] : []))
    const alongside: SQL[] = []
    if (timelines.length) alongside.push(repo.timelineSql(tx, timelines))
    if (audits.length) alongside.push(audit.entrySql(audits))
    await outbox.publishAll(
      tx,
      list.map(({ t, who, parts }) => event(t, who, parts.event.type, parts.event.payload)),
      { alongside },
    )
  }

  return {
    async timeline(
      tx: DbOrTx,
      t: Pick<TicketRow, 'id' | 'tenantId'>,
      who: Who,
      kind: TimelineKind,
      data: Record<string, unknown>,
      visibility: MessageVisibility = 'public',
      at = clock.now(),
    ) {
      await repo.addTimeline(tx, timelineValues(t, who, kind, data, visibility, at))
    },

    async audit(tx: DbOrTx, t: Pick<TicketRow, 'id' | 'tenantId'>, who: Who, action: string, before?: unknown, after?: unknown) {
      await audit.record(tx, auditEntry(t, who, action, before, after))
    },

    async publish<T extends TicketEventType>(
      tx: DbOrTx,
      t: Pick<TicketRow, 'id' | 'tenantId'>,
      who: Who,
      type: T,
      payload: TicketEventPayload<T>,
    ) {
      await outbox.publish(tx, event(t, who, type, payload))
    },

    /** A change's timeline entry, audit entry and event in one statement: one round trip instead of three. */
    async change<T extends TicketEventType>(tx: DbOrTx, t: Pick<TicketRow, 'id' | 'tenantId'>, who: Who, parts: ChangeParts<T>) {
      await changes(tx, [{ t, who, parts }])
    },

    changes,
  }
}
/** What one change writes: its timeline entry and audit entry (optional) and its event. */
export interface ChangeParts<T extends TicketEventType> {
  timeline?: { kind: TimelineKind; data: Record<string, unknown>; visibility?: MessageVisibility; at?: Date }
  audit?: { action: string; before?: unknown; after?: unknown }
  event: { type: T; payload: TicketEventPayload<T> }
}
export type TicketRecorder = ReturnType<typeof createTicketRecorder>

/** The fields whose values differ, for timelines and `ticket.updated`. */
export function changedFields<T extends Record<string, unknown>>(
  before: T,
  after: Partial<T>,
): { field: string; from: unknown; to: unknown }[] {
  return Object.entries(after)
    .filter(([k, v]) => v !== undefined && JSON.stringify(before[k]) !== JSON.stringify(v))
    .map(([field, to]) => ({ field, from: before[field], to }))
}
