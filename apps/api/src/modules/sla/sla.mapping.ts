// Rows → DTOs (contracts). No I/O.
import {
  SlaEscalationRule,
  type Compensation,
  type Complaint,
  type CustomerCredit,
  type Dispute,
  type SlaCalendar,
  type SlaClock,
  type SlaPolicy,
} from '@aftercare/contracts'
import type {
  CalendarDayRow,
  CalendarRow,
  CompensationRow,
  ComplaintRow,
  CreditAccountRow,
  DisputeRow,
  LedgerRow,
  PolicyRow,
} from './sla.tables.ts'

export function toCalendarDto(row: CalendarRow, days: readonly CalendarDayRow[]): SlaCalendar {
  return {
    id: row.id,
    name: row.name,
    timeZone: row.timeZone,
    alwaysOpen: row.alwaysOpen,
    week: row.week,
    makeUpHours: row.makeUpHours,
    days: days.map((d) => ({ date: d.date, kind: d.kind, name: d.name, hours: d.hours })),
    isDefault: row.isDefault,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  }
}

export function toPolicyDto(row: PolicyRow): SlaPolicy {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tiers: row.tiers,
    categoryIds: row.categoryIds,
    typeIds: row.typeIds,
    rank: row.rank,
    calendarId: row.calendarId,
    warningFraction: row.warningFraction,
    pauseStatuses: row.pauseStatuses,
    targets: row.targets,
    // rules saved before maxPriority existed read with its default
    escalations: row.escalations.map((r) => SlaEscalationRule.parse(r)),
    compensation: row.compensation,
    active: row.active,
    preset: row.preset,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  }
}

export function toCompensationDto(row: CompensationRow): Compensation {
  return {
    id: row.id,
    customerId: row.customerId,
    ticketId: row.ticketId,
    ticketNumber: row.ticketNumber,
    clockTarget: row.clockTarget,
    kind: row.kind,
    hours: row.hours,
    amountCents: row.amountCents,
    points: row.points,
    serviceHours: row.serviceHours,
    formula: row.formula,
    status: row.status,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    decisionNote: row.decisionNote,
    createdAt: row.createdAt.toISOString(),
    version: row.version,
  }
}

export function toCreditDto(customerId: string, account: CreditAccountRow | undefined, entries: readonly LedgerRow[]): CustomerCredit {
  return {
    customerId,
    monthlyFeeCents: account?.monthlyFeeCents ?? null,
    currency: account?.currency ?? 'CNY',
    balances: { amountCents: account?.amountCents ?? 0, points: account?.points ?? 0, serviceHours: account?.serviceHours ?? 0 },
    entries: entries.map((e) => ({
      id: e.id,
      kind: e.kind,
      delta: e.delta,
      balanceAfter: e.balanceAfter,
      compensationId: e.compensationId,
      note: e.note,
      actorId: e.actorId,
      createdAt: e.createdAt.toISOString(),
    })),
    version: account?.version ?? 0,
  }
}

export function toComplaintDto(row: ComplaintRow, clocks: SlaClock[]): Complaint {
  return {
    id: row.id,
    customerId: row.customerId,
    ticketId: row.ticketId,
    grade: row.grade,
    summary: row.summary,
    status: row.status,
    response: row.response,
    plan: row.plan,
    respondedAt: row.respondedAt?.toISOString() ?? null,
    plannedAt: row.plannedAt?.toISOString() ?? null,
    resolution: row.resolution,
    resolvedAt: row.resolvedAt?.toISOString() ?? null,
    resolvedBy: row.resolvedBy,
    createdAt: row.createdAt.toISOString(),
    clocks,
    version: row.version,
  }
}

export function toDisputeDto(row: DisputeRow, clocks: SlaClock[]): Dispute {
  return {
    id: row.id,
    customerId: row.customerId,
    ticketId: row.ticketId,
    compensationId: row.compensationId,
    complaintId: row.complaintId,
    summary: row.summary,
    evidence: row.evidence,
    stage: row.stage,
    decision: row.decision,
    history: row.history,
    clocks,
    createdAt: row.createdAt.toISOString(),
    version: row.version,
  }
}
