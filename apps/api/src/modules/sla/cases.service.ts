// Complaints graded A / B / C and disputes with staged deadlines, on the same clock engine.
// A complaint runs two clocks: response and plan (A: 2 h / 24 h; B: 4 h / 72 h; C: 8 h / 5 working
// days). A dispute runs review (3 working days from the appeal) then decision (10 working days from
// the start of the investigation), after which the customer may go to arbitration. A complaint ends
// resolved, with its resolution; a dispute may appeal a complaint's outcome and keeps its id.
import type { Complaint, ComplaintGrade, Dispute, DisputeStage, SlaClockTarget, SlaTargetSpec } from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { AppError, ConflictError, NotFoundError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import type { ModuleDeps } from '../../modules.ts'
import { assertVersion, findCustomerSummary } from '../customers/index.ts'
import type { CalendarLoader } from './calendar-loader.ts'
import { toClockDto, type ClockEngine } from './engine.ts'
import { ensureSlaDefaults } from './setup.ts'
import {
  calendarRepository,
  clockRepository,
  compensationRepository,
  complaintRepository,
  disputeRepository,
  settingsRepository,
} from './sla.repository.ts'
import { toComplaintDto, toDisputeDto } from './sla.mapping.ts'
import { assertDesk, caseCustomerScope } from './sla.policy.ts'
import type { ClockRow, ComplaintRow, DisputeRow, SubjectType } from './sla.tables.ts'

type Deps = Pick<ModuleDeps, 'database' | 'audit' | 'outbox' | 'clock'> & {
  engine: ClockEngine
  calendars: CalendarLoader
  afterCommit(tenantId: string, touched: ClockRow[]): Promise<void>
}

/** Allowed dispute moves: review → investigation → decided → arbitration / closed. */
const NEXT: Record<DisputeStage, DisputeStage[]> = {
  review: ['investigation', 'closed'],
  investigation: ['decided', 'closed'],
  decided: ['arbitration', 'closed'],
  arbitration: ['closed'],
  closed: [],
}

export function createCaseService({ database, audit, outbox, clock, engine, calendars, afterCommit }: Deps) {
  async function settingsOf(tx: DbOrTx, tenantId: string) {
    await ensureSlaDefaults(tx, tenantId, clock.now(), audit)
    const s = (await settingsRepository.find(tx))!
    const calendarId = s.calendarId ?? (await calendarRepository.findDefault(tx))?.id
    if (!calendarId) throw new ConflictError('no_calendar', 'Set an SLA calendar for complaints and disputes first')
    return { ...s, calendarId }
  }

  async function clocksOf(tx: DbOrTx, type: SubjectType, id: string) {
    const rows = await clockRepository.bySubject(tx, type, id)
    const cals = await calendars.loadMany(
      tx,
      rows.map((r) => r.calendarId),
    )
    return rows.map((r) => toClockDto(r, cals.get(r.calendarId)!.compiled, clock.now()))
  }

  async function startClock(
    tx: DbOrTx,
    tenantId: string,
    type: SubjectType,
    id: string,
    target: SlaClockTarget,
    spec: SlaTargetSpec,
    calendarId: string,
    at: Date,
  ) {
    return engine.create(
      tx,
      { tenantId, subjectType: type, subjectId: id, target, spec, policyId: null, calendarId, warningFraction: 0.8, startedAt: at },
      clock.now(),
    )
  }

  async function assertCustomer(tx: DbOrTx, customerId: string) {
    if (!(await findCustomerSummary(tx, customerId))) throw ValidationError.field('customerId', `no customer ${customerId}`)
  }

  async function record(tx: DbOrTx, ctx: RequestContext, action: string, entityType: string, entityId: string, after: unknown) {
    await audit.record(tx, {
      tenantId: ctx.actor.tenantId,
      actorType: 'user',
      actorId: ctx.actor.userId,
      action,
      entityType,
      entityId,
      after,
      requestId: ctx.requestId,
      ip: ctx.ip,
    })
    await outbox.publish(tx, {
      tenantId: ctx.actor.tenantId,
      type: action,
      aggregateType: entityType,
      aggregateId: entityId,
      payload: { id: entityId, ...(after as object) },
      actorId: ctx.actor.userId,
    })
  }

  /** The complaint, locked, at the version the client read, and not yet resolved. */
  async function openComplaint(tx: DbOrTx, id: string, ifMatch: number | undefined) {
    const row = await complaintRepository.find(tx, id, { lock: true })
    if (!row) throw new NotFoundError('complaint', id)
    assertVersion(ifMatch, row.version)
    if (row.status === 'resolved')
      throw new ConflictError('complaint_resolved', 'The complaint is already resolved; it can no longer be answered or resolved again')
    return row
  }

  async function stopClocks(tx: DbOrTx, id: string, targets: SlaClockTarget[], reason: string, now: Date) {
    const stopped: ClockRow[] = []
    for (const c of await clockRepository.bySubject(tx, 'complaint', id, { lock: true }))
      if (targets.includes(c.target) && c.state !== 'stopped') stopped.push(await engine.stop(tx, c, now, reason, now))
    return stopped
  }

  async function complaintDto(tx: DbOrTx, row: ComplaintRow): Promise<Complaint> {
    return toComplaintDto(row, await clocksOf(tx, 'complaint', row.id))
  }
  async function disputeDto(tx: DbOrTx, row: DisputeRow): Promise<Dispute> {
    return toDisputeDto(row, await clocksOf(tx, 'dispute', row.id))
  }

  /** Runs in the tenant, then schedules the timers of the clocks the change touched. */
  async function withClocks<T>(ctx: RequestContext, fn: (tx: DbOrTx, touched: ClockRow[]) => Promise<T>): Promise<T> {
    assertDesk(ctx.actor)
    const touched: ClockRow[] = []
    const result = await database.withTenant(ctx.actor.tenantId, (tx) => fn(tx, touched))
    await afterCommit(ctx.actor.tenantId, touched)
    return result
  }

  return {
    createComplaint(ctx: RequestContext, body: { customerId: string; ticketId?: string; grade: ComplaintGrade; summary: string }) {
      return withClocks(ctx, async (tx, touched) => {
        const tenantId = ctx.actor.tenantId
        await assertCustomer(tx, body.customerId)
        const settings = await settingsOf(tx, tenantId)
        const now = clock.now()
        const row = await complaintRepository.insert(tx, {
          tenantId,
          customerId: body.customerId,
          ticketId: body.ticketId ?? null,
          grade: body.grade,
          summary: body.summary,
          status: 'open',
          createdBy: ctx.actor.userId,
          createdAt: now,
        })
        const t = settings.complaintTargets[body.grade]
        touched.push(await startClock(tx, tenantId, 'complaint', row.id, 'complaint_response', t.response, settings.calendarId, now))
        touched.push(await startClock(tx, tenantId, 'complaint', row.id, 'complaint_plan', t.plan, settings.calendarId, now))
        await record(tx, ctx, 'sla.complaint_created', 'complaint', row.id, {
          grade: row.grade,
          customerId: row.customerId,
          ticketId: row.ticketId,
        })
        return complaintDto(tx, row)
      })
    },

    /** respond: stops the response clock; plan: stops both (a plan answers too). */
    actOnComplaint(ctx: RequestContext, id: string, action: 'respond' | 'plan', text: string, ifMatch: number | undefined) {
      return withClocks(ctx, async (tx, touched) => {
        const row = await openComplaint(tx, id, ifMatch)
        if (action === 'respond' && row.status !== 'open')
          throw new ConflictError('already_responded', 'The complaint was already answered', ['plan', 'resolve'])
        if (action === 'plan' && row.status === 'planned')
          throw new ConflictError('already_planned', 'The complaint already has a plan', ['resolve'])
        const now = clock.now()
        const stopTargets: SlaClockTarget[] = action === 'respond' ? ['complaint_response'] : ['complaint_response', 'complaint_plan']
        touched.push(...(await stopClocks(tx, id, stopTargets, action === 'plan' ? 'planned' : 'responded', now)))
        const updated = await complaintRepository.update(
          tx,
          id,
          action === 'respond'
            ? { status: 'responded', response: text, respondedAt: now }
            : { status: 'planned', plan: text, plannedAt: now, ...(row.respondedAt ? {} : { respondedAt: now, response: text }) },
        )
        await record(tx, ctx, `sla.complaint_${action === 'respond' ? 'responded' : 'planned'}`, 'complaint', id, {
          status: updated.status,
        })
        return complaintDto(tx, updated)
      })
    },

    /** Resolves a complaint with what was done for the customer: stops the clocks still running; final. */
    resolveComplaint(ctx: RequestContext, id: string, resolution: string, ifMatch: number | undefined) {
      return withClocks(ctx, async (tx, touched) => {
        await openComplaint(tx, id, ifMatch)
        const text = resolution.trim()
        if (!text) throw ValidationError.field('resolution', 'the resolution text is required')
        const now = clock.now()
        touched.push(...(await stopClocks(tx, id, ['complaint_response', 'complaint_plan'], 'resolved', now)))
        const updated = await complaintRepository.update(tx, id, {
          status: 'resolved',
          resolution: text,
          resolvedAt: now,
          resolvedBy: ctx.actor.userId,
        })
        await record(tx, ctx, 'sla.complaint_resolved', 'complaint', id, {
          status: updated.status,
          customerId: updated.customerId,
          resolution: text,
          resolvedBy: ctx.actor.userId,
        })
        return complaintDto(tx, updated)
      })
    },

    async getComplaint(ctx: RequestContext, id: string) {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const row = await complaintRepository.find(tx, id)
        const only = caseCustomerScope(ctx.actor)
        if (!row || only === null || (only && row.customerId !== only)) throw new NotFoundError('complaint', id)
        return complaintDto(tx, row)
      })
    },

    async listComplaints(ctx: RequestContext, f: { status?: string; grade?: string; customerId?: string; limit: number; offset: number }) {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const only = caseCustomerScope(ctx.actor)
        if (only === null || (only && f.customerId && f.customerId !== only)) return { items: [], total: 0 }
        const { items, total } = await complaintRepository.list(tx, { ...f, customerId: only ?? f.customerId })
        const out: Complaint[] = []
        for (const r of items) out.push(await complaintDto(tx, r))
        return { items: out, total }
      })
    },

    createDispute(
      ctx: RequestContext,
      body: { customerId: string; ticketId?: string; compensationId?: string; complaintId?: string; summary: string; evidence: string[] },
    ) {
      return withClocks(ctx, async (tx, touched) => {
        const tenantId = ctx.actor.tenantId
        await assertCustomer(tx, body.customerId)
        if (body.compensationId) {
          const comp = await compensationRepository.find(tx, body.compensationId)
          if (!comp || comp.customerId !== body.customerId)
            throw ValidationError.field('compensationId', `no compensation ${body.compensationId} for this customer`)
        }
        if (body.complaintId) {
          const complaint = await complaintRepository.find(tx, body.complaintId)
          if (!complaint)
            throw new AppError(404, 'not_found', `complaintId: no complaint ${body.complaintId}`, {
              issues: [{ path: 'complaintId', message: `no complaint ${body.complaintId}` }],
            })
          if (complaint.customerId !== body.customerId)
            throw ValidationError.field('complaintId', 'the complaint is of another customer than the dispute')
        }
        const settings = await settingsOf(tx, tenantId)
        const now = clock.now()
        const row = await disputeRepository.insert(tx, {
          tenantId,
          customerId: body.customerId,
          ticketId: body.ticketId ?? null,
          compensationId: body.compensationId ?? null,
          complaintId: body.complaintId ?? null,
          summary: body.summary,
          evidence: body.evidence,
          stage: 'review',
          history: [{ stage: 'review', at: now.toISOString(), note: null, actorId: ctx.actor.userId }],
          createdBy: ctx.actor.userId,
          createdAt: now,
        })
        touched.push(
          await startClock(tx, tenantId, 'dispute', row.id, 'dispute_review', settings.disputeTargets.review, settings.calendarId, now),
        )
        await record(tx, ctx, 'sla.dispute_opened', 'dispute', row.id, {
          customerId: row.customerId,
          compensationId: row.compensationId,
          complaintId: row.complaintId,
        })
        return disputeDto(tx, row)
      })
    },

    advanceDispute(ctx: RequestContext, id: string, to: DisputeStage, note: string | undefined, ifMatch: number | undefined) {
      return withClocks(ctx, async (tx, touched) => {
        const tenantId = ctx.actor.tenantId
        const row = await disputeRepository.find(tx, id, { lock: true })
        if (!row) throw new NotFoundError('dispute', id)
        assertVersion(ifMatch, row.version)
        if (!NEXT[row.stage].includes(to))
          throw new ConflictError('invalid_stage', `A dispute in ${row.stage} cannot move to ${to}`, NEXT[row.stage])
        if (to === 'decided' && !note) throw ValidationError.field('note', 'the decision text is required')
        const now = clock.now()
        const clocks = await clockRepository.bySubject(tx, 'dispute', id, { lock: true })
        for (const c of clocks) if (c.state !== 'stopped') touched.push(await engine.stop(tx, c, now, to, now))
        if (to === 'investigation') {
          const settings = await settingsOf(tx, tenantId)
          touched.push(
            await startClock(tx, tenantId, 'dispute', id, 'dispute_decision', settings.disputeTargets.decision, settings.calendarId, now),
          )
        }
        const updated = await disputeRepository.update(tx, id, {
          stage: to,
          ...(to === 'decided' ? { decision: note ?? null } : {}),
          history: [...row.history, { stage: to, at: now.toISOString(), note: note ?? null, actorId: ctx.actor.userId }],
        })
        await record(tx, ctx, 'sla.dispute_advanced', 'dispute', id, { from: row.stage, to })
        return disputeDto(tx, updated)
      })
    },

    async getDispute(ctx: RequestContext, id: string) {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const row = await disputeRepository.find(tx, id)
        const only = caseCustomerScope(ctx.actor)
        if (!row || only === null || (only && row.customerId !== only)) throw new NotFoundError('dispute', id)
        return disputeDto(tx, row)
      })
    },

    async listDisputes(
      ctx: RequestContext,
      f: { stage?: string; customerId?: string; complaintId?: string; limit: number; offset: number },
    ) {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const only = caseCustomerScope(ctx.actor)
        if (only === null || (only && f.customerId && f.customerId !== only)) return { items: [], total: 0 }
        const { items, total } = await disputeRepository.list(tx, { ...f, customerId: only ?? f.customerId })
        const out: Dispute[] = []
        for (const r of items) out.push(await disputeDto(tx, r))
        return { items: out, total }
      })
    },
  }
}

export type CaseService = ReturnType<typeof createCaseService>
