// Compensation (赔付) on breach: the formulas (pure) and the proposal / decision / credit ledger.
import type { CompensationKind, CompensationRule, CreditKind, DecideCompensationBody } from '@aftercare/contracts'
import type { AuditLog } from '../../platform/audit/audit-log.ts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.ts'
import type { Outbox } from '../../platform/events/outbox.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import { HOUR } from './business-hours.ts'
import type { ClockReading } from './clock.ts'
import { compensationRepository, creditRepository, policyRepository, ticketRepository } from './sla.repository.ts'
import type { ClockRow, CompensationRow } from './sla.tables.ts'

export interface Proposal {
  kind: CompensationKind
  hours: number
  amountCents: number | null
  points: number | null
  serviceHours: number | null
  formula: string
}

const yuan = (cents: number) => `¥${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`
const round2 = (n: number) => Math.round(n * 100) / 100

/**
 * What one rule proposes. Hours count whole started hours: `lateMs` past the target for the
 * per-hour rules, `affectedMs` (start to resolution) for a major fault (受影响时长×0.8%月费).
 */
export function computeCompensation(rule: CompensationRule, lateMs: number, affectedMs: number, monthlyFeeCents: number | null): Proposal {
  const lateHours = Math.max(1, Math.ceil(lateMs / HOUR))
  switch (rule.kind) {
    case 'percent_per_hour':
    case 'major_fault': {
      const hours = rule.kind === 'major_fault' ? Math.max(1, Math.ceil(affectedMs / HOUR)) : lateHours
      const percent = Math.min(hours * rule.percentPerHour, rule.capPercent)
      const capped = percent < hours * rule.percentPerHour ? ` (capped at ${rule.capPercent}%)` : ''
      if (monthlyFeeCents === null)
        return {
          kind: rule.kind,
          hours,
          amountCents: null,
          points: null,
          serviceHours: null,
          formula: `${hours} h × ${rule.percentPerHour}% of the monthly fee${capped} — monthly fee not set`,
        }
      return {
        kind: rule.kind,
        hours,
        amountCents: Math.round((monthlyFeeCents * percent) / 100),
        points: null,
        serviceHours: null,
        formula: `${hours} h × ${rule.percentPerHour}% × ${yuan(monthlyFeeCents)}${capped}`,
      }
    }
    case 'service_extension':
      return {
        kind: rule.kind,
        hours: lateHours,
        amountCents: null,
        points: null,
        serviceHours: round2(lateHours * rule.hoursPerHourLate),
        formula: `${lateHours} h late × ${rule.hoursPerHourLate} h of service`,
      }
    case 'credit_points':
      return {
        kind: rule.kind,
        hours: lateHours,
        amountCents: null,
        points: lateHours * rule.pointsPerHour,
        serviceHours: null,
        formula: `${lateHours} h late × ${rule.pointsPerHour} points`,
      }
  }
}

export function createCompensation({ outbox, audit }: { outbox: Outbox; audit: AuditLog }) {
  /** Adds to one balance and writes the ledger entry; a balance never goes below zero. */
  async function credit(
    tx: DbOrTx,
    tenantId: string,
    customerId: string,
    kind: CreditKind,
    delta: number,
    ref: { compensationId?: string; note: string | null; actorId: string | null },
  ) {
    const account = await creditRepository.ensureLocked(tx, tenantId, customerId)
    const field = kind === 'amount' ? 'amountCents' : kind === 'points' ? 'points' : 'serviceHours'
    const after = round2(account[field] + delta)
    if (after < 0) throw ValidationError.field('delta', `the ${kind} balance is ${account[field]}; it cannot go below zero`)
    const updated = await creditRepository.updateAccount(tx, customerId, { [field]: after })
    await creditRepository.append(tx, {
      tenantId,
      customerId,
      kind,
      delta,
      balanceAfter: after,
      compensationId: ref.compensationId ?? null,
      note: ref.note,
      actorId: ref.actorId,
    })
    return updated
  }

  return {
    /** Engine hook: a breached ticket clock stopped — propose what its policy grants. */
    async proposeForBreach(tx: DbOrTx, clock: ClockRow, reading: ClockReading) {
      if (clock.subjectType !== 'ticket' || clock.stopReason === 'cancelled' || clock.stopReason === 'not_applicable' || !clock.policyId)
        return
      const policy = await policyRepository.find(tx, clock.policyId)
      const comp = policy?.compensation
      if (!comp || !comp.targets.includes(clock.target as 'resolution')) return
      const ticket = await ticketRepository.find(tx, clock.subjectId)
      if (!ticket?.customerId) return
      const account = await creditRepository.account(tx, ticket.customerId)
      const lateMs = -reading.remainingMs
      const affectedMs = (clock.stoppedAt ?? clock.updatedAt).getTime() - clock.startedAt.getTime()
      for (const rule of comp.rules) {
        const p = computeCompensation(rule, lateMs, affectedMs, account?.monthlyFeeCents ?? null)
        const row = await compensationRepository.insertOnce(tx, {
          tenantId: clock.tenantId,
          clockId: clock.id,
          cycle: clock.cycle,
          customerId: ticket.customerId,
          ticketId: ticket.ticketId,
          ticketNumber: ticket.number,
          clockTarget: clock.target,
          status: 'proposed',
          ...p,
        })
        if (!row) continue
        await outbox.publish(tx, {
          tenantId: clock.tenantId,
          type: 'sla.compensation_proposed',
          aggregateType: 'ticket',
          aggregateId: ticket.ticketId,
          payload: { compensationId: row.id, customerId: row.customerId, ticketId: row.ticketId },
        })
        await audit.record(tx, {
          tenantId: clock.tenantId,
          actorType: 'system',
          actorId: null,
          action: 'sla.compensation_proposed',
          entityType: 'sla_compensation',
          entityId: row.id,
          after: { ...p, ticketId: ticket.ticketId },
        })
      }
    },

    /** A supervisor approves (crediting the ledger, possibly a corrected figure) or rejects a proposal. */
    async decide(tx: DbOrTx, ctx: RequestContext, id: string, body: DecideCompensationBody, now: Date): Promise<CompensationRow> {
      const row = await compensationRepository.find(tx, id, { lock: true })
      if (!row) throw new NotFoundError('compensation', id)
      if (row.status !== 'proposed') throw new ConflictError('already_decided', `The compensation was already ${row.status}`, ['proposed'])
      const tenantId = ctx.actor.tenantId
      const approved = body.decision === 'approve'
      const figures = {
        amountCents: body.amountCents ?? row.amountCents,
        points: body.points ?? row.points,
        serviceHours: body.serviceHours ?? row.serviceHours,
      }
      if (approved && (row.kind === 'percent_per_hour' || row.kind === 'major_fault') && figures.amountCents === null)
        throw ValidationError.field('amountCents', 'the monthly fee was not set when this was proposed: give the amount to approve')
      const updated = await compensationRepository.update(tx, id, {
        status: approved ? 'approved' : 'rejected',
        decidedBy: ctx.actor.userId,
        decidedAt: now,
        decisionNote: body.note ?? null,
        ...(approved ? figures : {}),
      })
      if (approved) {
        const ref = { compensationId: id, note: `${row.ticketNumber ?? ''} ${row.formula}`.trim(), actorId: ctx.actor.userId }
        if (figures.amountCents) await credit(tx, tenantId, row.customerId, 'amount', figures.amountCents, ref)
        if (figures.points) await credit(tx, tenantId, row.customerId, 'points', figures.points, ref)
        if (figures.serviceHours) await credit(tx, tenantId, row.customerId, 'service_hours', figures.serviceHours, ref)
      }
      const decision = approved ? 'approved' : 'rejected'
      await outbox.publish(tx, {
        tenantId,
        type: 'sla.compensation_decided',
        aggregateType: row.ticketId ? 'ticket' : 'customer',
        aggregateId: row.ticketId ?? row.customerId,
        payload: { compensationId: id, customerId: row.customerId, decision },
        actorId: ctx.actor.userId,
      })
      await audit.record(tx, {
        tenantId,
        actorType: 'user',
        actorId: ctx.actor.userId,
        action: `sla.compensation_${decision}`,
        entityType: 'sla_compensation',
        entityId: id,
        before: { status: row.status, amountCents: row.amountCents, points: row.points, serviceHours: row.serviceHours },
        after: { status: updated.status, ...figures, note: body.note ?? null },
        requestId: ctx.requestId,
        ip: ctx.ip,
      })
      return updated
    },

    credit,
  }
}

export type CompensationService = ReturnType<typeof createCompensation>
