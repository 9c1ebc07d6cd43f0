// Macros (宏): saved replies with {{variables}} and optional actions. Shared macros are the desk's
// (managed with tickets.configure); personal ones are their owner's alone — anyone else gets 404.
// Rendering fills the variables from one ticket; applying runs the actions in one transaction.
import type { CreateTicketMacroBody, MacroVariable, TicketMacroActions, UpdateTicketMacroBody } from '@aftercare/contracts'
import { macroVariables } from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts'
import type { Actor, RequestContext } from '../../platform/http/access.ts'
import { findUserSummary } from '../identity/index.ts'
import type { TicketLifecycle } from './lifecycle.ts'
import { macroRepository as repo } from './macros.repository.ts'
import { ticketConfigRepository as config } from './ticket-config.repository.ts'
import { readableTicket, ticketForWrite, whoOf, type TicketDeps } from './ticket-writes.ts'
import { isStaff } from './tickets.policy.ts'
import type { TicketMacroRow, TicketRow } from './tickets.tables.ts'

const placeholder = /\{\{\s*([^{}]*?)\s*\}\}/g
const known = new Set<string>(macroVariables)

/** The variables a body uses that do not exist, each once. */
export function unknownVariables(body: string): string[] {
  return [...new Set([...body.matchAll(placeholder)].map((m) => m[1]!).filter((v) => !known.has(v)))]
}

/** Fills `{{variable}}` placeholders; a missing value renders as an empty string. */
export function renderMacroBody(body: string, values: Partial<Record<MacroVariable, string | null>>): string {
  return body.replace(placeholder, (_, name: string) => values[name as MacroVariable] ?? '')
}

function assertKnownVariables(body: string) {
  const unknown = unknownVariables(body)
  if (unknown.length)
    throw ValidationError.field(
      'body',
      `unknown variable ${unknown.map((v) => `{{${v}}}`).join(', ')}; known: ${macroVariables.join(', ')}`,
    )
}

export function createTicketMacros(deps: TicketDeps, lifecycle: TicketLifecycle) {
  const { database, audit, clock, neighbours } = deps

  const staffOnly = (actor: Actor) => {
    if (!isStaff(actor)) throw new ForbiddenError('Macros are for the service desk')
  }
  /** A macro the actor may see: shared, or their own. */
  async function visibleMacro(tx: DbOrTx, actor: Actor, id: string): Promise<TicketMacroRow> {
    const m = await repo.findById(tx, id)
    if (!m || (m.ownerId !== null && m.ownerId !== actor.userId)) throw new NotFoundError('macro', id)
    return m
  }
  /** Changing a macro: its owner, or for a shared one whoever configures tickets. */
  async function editableMacro(tx: DbOrTx, actor: Actor, id: string): Promise<TicketMacroRow> {
    const m = await visibleMacro(tx, actor, id)
    if (m.ownerId === null && !actor.permissions.has('tickets.configure'))
      throw new ForbiddenError('Shared macros are managed by those who configure tickets')
    return m
  }
  async function checkActions(tx: DbOrTx, actions: TicketMacroActions | undefined) {
    if (actions?.queueId) {
      const queue = await config.findQueue(tx, actions.queueId)
      if (!queue || !queue.active) throw ValidationError.field('actions.queueId', 'no such queue')
    }
  }
  const record = (tx: DbOrTx, ctx: RequestContext, action: string, id: string, before: unknown, after: unknown) =>
    audit.record(tx, {
      tenantId: ctx.actor.tenantId,
      actorType: ctx.actor.kind === 'token' ? 'token' : 'user',
      actorId: ctx.actor.userId,
      action,
      entityType: 'ticket_macro',
      entityId: id,
      before,
      after,
      requestId: ctx.requestId,
      ip: ctx.ip,
    })

  async function valuesFor(tx: DbOrTx, actor: Actor, t: TicketRow): Promise<Record<MacroVariable, string | null>> {
    const customer = await neighbours.findCustomer(tx, t.tenantId, t.customerId)
    const agent = await findUserSummary(tx, t.tenantId, actor.userId)
    const assignee = t.assigneeId ? await findUserSummary(tx, t.tenantId, t.assigneeId) : undefined
    const requester = t.requesterName ?? (t.requesterId ? ((await findUserSummary(tx, t.tenantId, t.requesterId))?.name ?? null) : null)
    return {
      'customer.name': customer?.name ?? null,
      'ticket.number': t.number,
      'ticket.subject': t.subject,
      'ticket.priority': t.priority,
      'requester.name': requester,
      'agent.name': agent?.name ?? null,
      'assignee.name': assignee?.name ?? null,
    }
  }

  return {
    /** The shared macros and the actor's own. */
    list: (ctx: RequestContext) => {
      staffOnly(ctx.actor)
      return database.withTenant(ctx.actor.tenantId, (tx) => repo.listVisible(tx, ctx.actor.userId))
    },

    /** A personal macro, or a shared one (tickets.configure). A taken name answers 409 from the unique index. */
    async create(ctx: RequestContext, body: CreateTicketMacroBody): Promise<TicketMacroRow> {
      staffOnly(ctx.actor)
      const shared = body.shared ?? false
      if (shared && !ctx.actor.permissions.has('tickets.configure'))
        throw new ForbiddenError('Shared macros are managed by those who configure tickets')
      assertKnownVariables(body.body)
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        await checkActions(tx, body.actions)
        const now = clock.now()
        const row = await repo.insert(tx, {
          tenantId: ctx.actor.tenantId,
          ownerId: shared ? null : ctx.actor.userId,
          name: body.name,
          body: body.body,
          actions: body.actions ?? {},
          createdBy: ctx.actor.userId,
          createdAt: now,
          updatedAt: now,
          version: 1,
        })
        await record(tx, ctx, 'ticket_macro.created', row.id, undefined, { name: row.name, shared })
        return row
      })
    },

    async update(ctx: RequestContext, id: string, body: UpdateTicketMacroBody): Promise<TicketMacroRow> {
      staffOnly(ctx.actor)
      if (body.body !== undefined) assertKnownVariables(body.body)
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const before = await editableMacro(tx, ctx.actor, id)
        await checkActions(tx, body.actions)
        const row = await repo.update(tx, id, { ...body, updatedAt: clock.now() })
        await record(tx, ctx, 'ticket_macro.updated', id, { name: before.name, body: before.body }, body)
        return row
      })
    },

    async remove(ctx: RequestContext, id: string): Promise<void> {
      staffOnly(ctx.actor)
      await database.withTenant(ctx.actor.tenantId, async (tx) => {
        const before = await editableMacro(tx, ctx.actor, id)
        await repo.remove(tx, id)
        await record(tx, ctx, 'ticket_macro.deleted', id, { name: before.name }, undefined)
      })
    },

    /** The macro's text for this ticket, variables filled (nothing is written). */
    async render(ctx: RequestContext, ticketId: string, macroId: string) {
      staffOnly(ctx.actor)
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const t = await readableTicket(tx, ctx.actor, ticketId)
        const m = await visibleMacro(tx, ctx.actor, macroId)
        assertKnownVariables(m.body)
        return { macroId: m.id, body: renderMacroBody(m.body, await valuesFor(tx, ctx.actor, t)), actions: m.actions }
      })
    },

    /** A text not saved yet (the editor's preview), variables filled from this ticket (nothing is written). */
    async preview(ctx: RequestContext, ticketId: string, body: string) {
      staffOnly(ctx.actor)
      assertKnownVariables(body)
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const t = await readableTicket(tx, ctx.actor, ticketId)
        return { body: renderMacroBody(body, await valuesFor(tx, ctx.actor, t)) }
      })
    },

    /** Runs the macro's actions on the ticket in one transaction: tags, queue, then status (the macro's name is the reason). */
    async apply(ctx: RequestContext, ticketId: string, macroId: string, ifMatch?: number): Promise<TicketRow> {
      staffOnly(ctx.actor)
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        let t = await ticketForWrite(tx, ctx.actor, ticketId, ifMatch)
        lifecycle.assertWork(ctx.actor, t)
        const m = await visibleMacro(tx, ctx.actor, macroId)
        const who = await whoOf(tx, ctx)
        const { addTags, queueId, status } = m.actions
        if (addTags?.length) t = await lifecycle.applyUpdate(tx, t, who, { tags: [...t.tags, ...addTags] })
        if (queueId && queueId !== t.queueId) t = await lifecycle.applyAssignment(tx, t, who, { queueId })
        if (status && status !== t.status) t = await lifecycle.applyTransition(tx, t, who, status, `宏：${m.name}`)
        return t
      })
    },
  }
}
