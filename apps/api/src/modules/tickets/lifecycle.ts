// Working a ticket: field updates, status transitions (with the customer's confirm / reopen),
// assignment and transfer, tier escalation. Every write: row lock, If-Match, timeline, audit, event.
import type { SupportTier, TicketResolutionInput, TicketStatus, UpdateTicketBody } from '@aftercare/contracts'
import { TicketResolution } from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { ConflictError, ForbiddenError, ValidationError } from '../../platform/errors.ts'
import type { Actor, RequestContext } from '../../platform/http/access.ts'
import { isActiveWithRole } from '../identity/index.ts'
import { assignableRoles } from './create.ts'
import { validateCustomFields } from './custom-fields.ts'
import { priorityOf } from './priority.ts'
import { appendTokens } from './search.ts'
import { checkTransition, isReopen, needsAssignee, statusAfterAssignment } from './status.ts'
import { ticketConfigRepository as config } from './ticket-config.repository.ts'
import { changedFields, createTicketRecorder, ticketForWrite, whoOf, type TicketDeps, type Who } from './ticket-writes.ts'
import { canAssignTicket, canConfirmTicket, canWorkTicket, isCustomerContact } from './tickets.policy.ts'
import { ticketRepository as repo } from './tickets.repository.ts'
import type { NewTicketRow, TicketRow } from './tickets.tables.ts'

const nextTier: Record<SupportTier, SupportTier | undefined> = { L1: 'L2', L2: 'L3', L3: undefined }

export function createTicketLifecycle(deps: TicketDeps) {
  const { database, clock } = deps
  const record = createTicketRecorder(deps)

  function assertWork(actor: Actor, t: TicketRow) {
    if (!canWorkTicket(actor, t)) throw new ForbiddenError('Only the service desk or the ticket’s assignee may change it')
  }

  /** Changes assignee and/or queue; moves new ↔ assigned as needed. Publishes ticket.assigned (and status_changed). */
  async function applyAssignment(
    tx: DbOrTx,
    t: TicketRow,
    who: Who,
    change: { assigneeId?: string | null; queueId?: string | null; note?: string },
    extra: Partial<NewTicketRow> = {},
  ) {
    const assigneeId = change.assigneeId === undefined ? t.assigneeId : change.assigneeId
    const queueId = change.queueId === undefined ? t.queueId : change.queueId
    if (
      change.assigneeId &&
      change.assigneeId !== t.assigneeId &&
      !(await isActiveWithRole(tx, t.tenantId, change.assigneeId, assignableRoles))
    )
      throw ValidationError.field('assigneeId', 'the assignee is not an active agent')
    if (change.queueId && change.queueId !== t.queueId) {
      const queue = await config.findQueue(tx, change.queueId)
      if (!queue || !queue.active) throw ValidationError.field('queueId', 'no such queue')
    }
    if (assigneeId === t.assigneeId && queueId === t.queueId && Object.keys(extra).length === 0) return t
    const now = clock.now()
    const status = statusAfterAssignment(t.status, assigneeId !== null)
    const row = await repo.update(tx, t.id, { assigneeId, queueId, status, updatedAt: now, ...extra })
    if (assigneeId !== t.assigneeId || queueId !== t.queueId) {
      const data = {
        assigneeId,
        previousAssigneeId: t.assigneeId,
        queueId,
        previousQueueId: t.queueId,
        ...(change.note ? { note: change.note } : {}),
      }
      await record.change(tx, row, who, {
        timeline: { kind: 'assigned', data, visibility: 'internal', at: now },
        audit: { action: 'ticket.assigned', before: { assigneeId: t.assigneeId, queueId: t.queueId }, after: { assigneeId, queueId } },
        event: {
          type: 'ticket.assigned',
          payload: { ticketId: row.id, assigneeId, queueId, previousAssigneeId: t.assigneeId, at: now.toISOString() },
        },
      })
    }
    if (status !== t.status) await statusRecorded(tx, row, who, t.status, status, null)
    return row
  }

  async function statusRecorded(tx: DbOrTx, row: TicketRow, who: Who, from: TicketStatus, to: TicketStatus, reason: string | null) {
    const now = clock.now()
    await record.change(tx, row, who, {
      timeline: { kind: 'status_changed', data: { from, to, reason }, at: now },
      audit: { action: 'ticket.status_changed', before: { status: from }, after: { status: to, reason } },
      event: { type: 'ticket.status_changed', payload: { ticketId: row.id, from, to, reason, at: now.toISOString() } },
    })
  }

  /**
   * Moves a ticket to `to` after the state machine's checks. An agent starting work on an
   * unowned ticket takes it (self-assignment) first. Refusals: 409 with `allowed`, or 422 naming
   * `reason` / `resolution`.
   */
  async function applyTransition(
    tx: DbOrTx,
    t0: TicketRow,
    who: Who,
    to: TicketStatus,
    reason?: string,
    resolutionInput?: TicketResolutionInput,
  ) {
    let t = t0
    const now = clock.now()
    if (
      needsAssignee(to) &&
      !t.assigneeId &&
      who.userId &&
      who.type === 'agent' &&
      who.actor?.roles.some((r) => assignableRoles.includes(r))
    )
      t = await applyAssignment(tx, t, who, { assigneeId: who.userId })
    const settings = await config.settings(tx, t.tenantId, now)
    const resolution = resolutionInput ? TicketResolution.parse(resolutionInput) : undefined
    const check = checkTransition(t.status, to, {
      hasAssignee: t.assigneeId !== null,
      reason,
      hasResolution: resolution !== undefined,
      resolvedAt: t.resolvedAt,
      closedAt: t.closedAt,
      now,
      reopenDays: settings.reopenDays,
    })
    if (!check.ok) {
      if (check.code === 'reason_required') throw ValidationError.field('reason', check.message.replace(/^reason: /, ''))
      if (check.code === 'resolution_required') throw ValidationError.field('resolution', check.message.replace(/^resolution: /, ''))
      throw new ConflictError(check.code, check.message, check.allowed)
    }
    const reopen = isReopen(t.status, to)
    const patch: Partial<NewTicketRow> = { status: to, updatedAt: now }
    if (to === 'resolved') Object.assign(patch, { resolution, resolvedAt: now })
    if (to === 'closed') patch.closedAt = now
    if (reopen) Object.assign(patch, { resolvedAt: null, closedAt: null, resolution: null, reopenCount: t.reopenCount + 1 })
    const row = await repo.update(tx, t.id, patch)
    if (resolution) await record.timeline(tx, row, who, 'resolution', resolution, 'public', now)
    await statusRecorded(tx, row, who, t.status, to, reason?.trim() || null)
    return row
  }

  /** Changes fields; a new impact/urgency recomputes the priority unless one is given. Unchanged values write nothing. */
  async function applyUpdate(tx: DbOrTx, t: TicketRow, who: Who, body: UpdateTicketBody): Promise<TicketRow> {
    const now = clock.now()
    if (body.typeId && body.typeId !== t.typeId) {
      const type = await config.findType(tx, body.typeId)
      if (!type || !type.active) throw ValidationError.field('typeId', 'no such ticket type')
    }
    const categoryId = body.categoryId === undefined ? t.categoryId : body.categoryId
    const typeId = body.typeId ?? t.typeId
    const category = categoryId ? await config.findCategory(tx, categoryId) : undefined
    if (categoryId && categoryId !== t.categoryId && (!category || !category.active))
      throw ValidationError.field('categoryId', 'no such category')
    if (category?.typeId && category.typeId !== typeId)
      throw ValidationError.field('categoryId', `category ${category.name} does not belong to the ticket's type`)
    if (body.deviceId) {
      const device = await deps.neighbours.findDevice(tx, t.tenantId, body.deviceId)
      if (!device) throw ValidationError.field('deviceId', 'no such device')
      if (device.customerId !== t.customerId) throw ValidationError.field('deviceId', 'the device belongs to another customer')
    }
    let customFields = t.customFields
    if (body.customFields !== undefined || categoryId !== t.categoryId) {
      const form = category?.form ?? []
      // values of a previous category's form are dropped when the category changes
      const kept = Object.fromEntries(Object.entries(t.customFields).filter(([k]) => form.some((f) => f.key === k)))
      const merged = Object.fromEntries(Object.entries({ ...kept, ...body.customFields }).filter(([, v]) => v !== null))
      const { values, issues } = validateCustomFields(form, merged, 'staff')
      if (issues.length) throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues)
      customFields = values
    }
    const impact = body.impact ?? t.impact
    const urgency = body.urgency ?? t.urgency
    const settings = await config.settings(tx, t.tenantId, now)
    const priority =
      body.priority ?? (impact !== t.impact || urgency !== t.urgency ? priorityOf(settings.priorityMatrix, impact, urgency) : t.priority)
    const next = {
      subject: body.subject,
      description: body.description,
      typeId,
      categoryId,
      deviceId: body.deviceId,
      impact,
      urgency,
      priority,
      tags: body.tags ? [...new Set(body.tags)] : undefined,
      customFields,
    }
    const changes = changedFields(t as unknown as Record<string, unknown>, next)
    if (!changes.length) return t
    const searchPublic =
      body.subject !== undefined || body.description !== undefined
        ? appendTokens(t.searchPublic, `${body.subject ?? ''}\n${body.description ?? ''}`)
        : undefined
    const row = await repo.update(tx, t.id, { ...next, updatedAt: now, ...(searchPublic !== undefined ? { searchPublic } : {}) })
    const fields = changes.map((c) => c.field)
    await record.timeline(tx, row, who, 'field_changed', { changes }, 'public', now)
    await record.audit(
      tx,
      row,
      who,
      'ticket.updated',
      Object.fromEntries(changes.map((c) => [c.field, c.from])),
      Object.fromEntries(changes.map((c) => [c.field, c.to])),
    )
    await record.publish(tx, row, who, 'ticket.updated', { ticketId: row.id, fields })
    if (row.priority !== t.priority)
      await record.publish(tx, row, who, 'ticket.priority_changed', {
        ticketId: row.id,
        from: t.priority,
        to: row.priority,
        at: now.toISOString(),
      })
    return row
  }

  return {
    applyAssignment,
    applyUpdate,
    applyTransition,
    assertWork,

    /** Changes fields (If-Match honoured). */
    async update(ctx: RequestContext, id: string, body: UpdateTicketBody, ifMatch?: number): Promise<TicketRow> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const t = await ticketForWrite(tx, ctx.actor, id, ifMatch)
        assertWork(ctx.actor, t)
        return applyUpdate(tx, t, await whoOf(tx, ctx), body)
      })
    },

    /** Moves the ticket through its lifecycle (staff). */
    async transition(
      ctx: RequestContext,
      id: string,
      body: { to: TicketStatus; reason?: string; resolution?: TicketResolutionInput },
      ifMatch?: number,
    ): Promise<TicketRow> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const t = await ticketForWrite(tx, ctx.actor, id, ifMatch)
        if (isCustomerContact(ctx.actor)) throw new ForbiddenError('Customers confirm or reopen; the service desk moves tickets')
        assertWork(ctx.actor, t)
        return applyTransition(tx, t, await whoOf(tx, ctx), body.to, body.reason, body.resolution)
      })
    },

    /** The customer accepts the resolution: resolved → closed. */
    async confirm(ctx: RequestContext, id: string, comment?: string): Promise<TicketRow> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const t = await ticketForWrite(tx, ctx.actor, id)
        if (!canConfirmTicket(ctx.actor, t)) throw new ForbiddenError()
        const who = await whoOf(tx, ctx)
        const row = await applyTransition(tx, t, who, 'closed', comment)
        await record.timeline(tx, row, who, 'confirmed', comment ? { comment } : {}, 'public')
        return row
      })
    },

    /** Reopens a resolved or closed ticket within the tenant's window (customer or staff). */
    async reopen(ctx: RequestContext, id: string, reason: string): Promise<TicketRow> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const t = await ticketForWrite(tx, ctx.actor, id)
        if (!canConfirmTicket(ctx.actor, t)) throw new ForbiddenError()
        return applyTransition(tx, t, await whoOf(tx, ctx), t.assigneeId ? 'in_progress' : 'new', reason)
      })
    },

    /** Assigns or transfers to a person and/or a queue (If-Match honoured). */
    async assign(
      ctx: RequestContext,
      id: string,
      body: { assigneeId?: string | null; queueId?: string | null; note?: string },
      ifMatch?: number,
    ): Promise<TicketRow> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const t = await ticketForWrite(tx, ctx.actor, id, ifMatch)
        if (!canAssignTicket(ctx.actor)) throw new ForbiddenError()
        if (t.status === 'closed' || t.status === 'cancelled')
          throw new ConflictError('ticket_finished', `Ticket ${t.number} is ${t.status}; reopen it first`)
        return applyAssignment(tx, t, await whoOf(tx, ctx), body)
      })
    },

    /** Hands the ticket to the next support tier (L1 → L2 → L3), optionally to a queue or person there. */
    async escalate(
      ctx: RequestContext,
      id: string,
      body: { reason: string; queueId?: string; assigneeId?: string },
      ifMatch?: number,
    ): Promise<TicketRow> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const t = await ticketForWrite(tx, ctx.actor, id, ifMatch)
        assertWork(ctx.actor, t)
        if (t.status === 'resolved' || t.status === 'closed' || t.status === 'cancelled')
          throw new ConflictError('ticket_finished', `Ticket ${t.number} is ${t.status}; only open tickets are escalated`)
        const to = nextTier[t.tier]
        if (!to) throw new ConflictError('already_top_tier', `Ticket ${t.number} is already at ${t.tier}`, [])
        const who = await whoOf(tx, ctx)
        // the next tier picks it up: the current assignee lets go unless a new one is named
        const row = await applyAssignment(
          tx,
          t,
          who,
          { assigneeId: body.assigneeId ?? null, queueId: body.queueId ?? t.queueId },
          { tier: to },
        )
        await record.change(tx, row, who, {
          timeline: { kind: 'escalated', data: { from: t.tier, to, reason: body.reason }, visibility: 'internal' },
          audit: { action: 'ticket.escalated', before: { tier: t.tier }, after: { tier: to, reason: body.reason } },
          event: { type: 'ticket.updated', payload: { ticketId: row.id, fields: ['tier'] } },
        })
        return row
      })
    },
  }
}
export type TicketLifecycle = ReturnType<typeof createTicketLifecycle>
