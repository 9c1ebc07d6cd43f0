import { z } from 'zod'
import { Line } from './common.ts'
import { CustomerTier } from './customers.ts'
import { TicketPriority, TicketStatus } from './tickets.ts'

// SLA (R4): business calendars, policies (customer tier / contract SLA tier × priority, optionally
// category or type), per-ticket clocks, warnings and breaches, escalation, compensation (赔付) with a
// per-customer credit ledger, complaints graded A/B/C and disputes with staged deadlines.
// Every route lives under /api/sla. Durations are minutes of business time of the policy's calendar
// unless a target says `workingDays` ("within N working days": the close of the N-th working day).

// ─── Calendars ───────────────────────────────────────────────────────────────────────────────

const HHMM = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a time HH:MM (00:00–24:00)')
export const SlaTimeRange = z.object({ start: HHMM, end: HHMM })
export type SlaTimeRange = z.infer<typeof SlaTimeRange>
const DayHours = z.array(SlaTimeRange).max(8)

export const SlaWeekHours = z.object({
  mon: DayHours,
  tue: DayHours,
  wed: DayHours,
  thu: DayHours,
  fri: DayHours,
  sat: DayHours,
  sun: DayHours,
})
export type SlaWeekHours = z.infer<typeof SlaWeekHours>

const CalendarDate = z.iso.date()
/** A dated exception: a holiday (no work, or reduced `hours`) or a make-up working day (调休). */
export const SlaCalendarDay = z.object({
  date: CalendarDate,
  kind: z.enum(['holiday', 'workday']),
  name: z.string().trim().max(100).nullable().default(null),
  /** Working hours that day; null: none for a holiday, the calendar's make-up hours for a workday. */
  hours: DayHours.nullable().default(null),
})
export type SlaCalendarDay = z.infer<typeof SlaCalendarDay>
export type SlaCalendarDayInput = z.input<typeof SlaCalendarDay>

export const SlaCalendar = z.object({
  id: z.uuid(),
  name: z.string(),
  /** IANA time zone, e.g. Asia/Shanghai. */
  timeZone: z.string(),
  /** 7×24: every minute counts; week and days are ignored. */
  alwaysOpen: z.boolean(),
  week: SlaWeekHours,
  /** Hours of a make-up working day without its own; null: the first worked weekday's. */
  makeUpHours: DayHours.nullable(),
  days: z.array(SlaCalendarDay),
  isDefault: z.boolean(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int(),
})
export type SlaCalendar = z.infer<typeof SlaCalendar>
export const SlaCalendarList = z.object({ items: z.array(SlaCalendar) })

const officeHours = [
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '18:00' },
]
export const CreateSlaCalendarBody = z.object({
  name: Line(100),
  timeZone: z.string().trim().min(1).max(64).default('Asia/Shanghai'),
  alwaysOpen: z.boolean().default(false),
  week: SlaWeekHours.default({
    mon: officeHours,
    tue: officeHours,
    wed: officeHours,
    thu: officeHours,
    fri: officeHours,
    sat: [],
    sun: [],
  }),
  makeUpHours: DayHours.nullable().default(null),
  days: z.array(SlaCalendarDay).max(2000).default([]),
  /** Import these years' Chinese public holidays and make-up days (chinese-days). */
  importChineseHolidays: z.array(z.number().int().min(2004).max(2100)).max(10).default([]),
  isDefault: z.boolean().default(false),
})
export type CreateSlaCalendarBody = z.infer<typeof CreateSlaCalendarBody>

/** PATCH: `days`, when given, replaces the whole list. */
export const UpdateSlaCalendarBody = z.object({
  name: Line(100).optional(),
  timeZone: z.string().trim().min(1).max(64).optional(),
  alwaysOpen: z.boolean().optional(),
  week: SlaWeekHours.optional(),
  makeUpHours: DayHours.nullable().optional(),
  days: z.array(SlaCalendarDay).max(2000).optional(),
  isDefault: z.literal(true).optional(),
})
export type UpdateSlaCalendarBody = z.infer<typeof UpdateSlaCalendarBody>

/** PUT /calendars/:id/days/:date — add or change one exception. */
export const PutSlaCalendarDayBody = SlaCalendarDay.omit({ date: true })
export const SlaCalendarDayParams = z.object({ id: z.uuid(), date: CalendarDate })

export const ImportSlaHolidaysBody = z.object({
  year: z.number().int().min(2004).max(2100),
  /** Replace this year's existing exceptions (default) or keep the ones already there. */
  replace: z.boolean().default(true),
})
export const ImportSlaHolidaysResult = z.object({ year: z.number().int(), imported: z.number().int(), calendar: SlaCalendar })

// ─── Policies ────────────────────────────────────────────────────────────────────────────────

export const SlaTargetSpec = z.union([
  z
    .object({
      minutes: z
        .number()
        .int()
        .min(1)
        .max(60 * 24 * 365),
    })
    .strict(),
  z.object({ workingDays: z.number().int().min(1).max(365) }).strict(),
])
export type SlaTargetSpec = z.infer<typeof SlaTargetSpec>

export const SlaTargetKind = z.enum(['first_response', 'next_update', 'resolution'])
export type SlaTargetKind = z.infer<typeof SlaTargetKind>

export const PriorityTargets = z.object({
  firstResponse: SlaTargetSpec.nullable().default(null),
  /** After the first response, an agent's public update is due this often (restarts on each one). */
  nextUpdate: SlaTargetSpec.nullable().default(null),
  resolution: SlaTargetSpec.nullable().default(null),
})
export type PriorityTargets = z.infer<typeof PriorityTargets>

/** Targets per priority; a priority missing here falls through to the next matching policy. */
export const PolicyTargets = z.partialRecord(TicketPriority, PriorityTargets)
export type PolicyTargets = z.infer<typeof PolicyTargets>

export const SlaEscalationAction = z.enum(['notify_supervisor', 'raise_tier', 'reassign_queue', 'raise_priority'])
export type SlaEscalationAction = z.infer<typeof SlaEscalationAction>
export const SlaEscalationRule = z
  .object({
    on: z.enum(['warning', 'breach']),
    /** Which target's warning/breach; `any` for all. */
    target: z.union([SlaTargetKind, z.literal('any')]).default('any'),
    action: SlaEscalationAction,
    /** For reassign_queue (and, for raise_tier, the next tier's queue; null keeps the ticket's). */
    queueId: z.uuid().nullable().default(null),
    /** For raise_priority: one step up per escalation, never above this. */
    maxPriority: TicketPriority.default('P1'),
  })
  .refine((r) => r.action !== 'reassign_queue' || r.queueId !== null, { message: 'reassign_queue needs a queueId', path: ['queueId'] })
export type SlaEscalationRule = z.infer<typeof SlaEscalationRule>
export type SlaEscalationRuleInput = z.input<typeof SlaEscalationRule>

/** An escalation action carried out on a ticket (once per clock, cycle, threshold and action). */
export const SlaEscalation = z.object({
  id: z.uuid(),
  ticketId: z.uuid(),
  target: SlaTargetKind,
  cycle: z.number().int(),
  trigger: z.enum(['warning', 'breach']),
  action: SlaEscalationAction,
  /** skipped: nothing to do (already at the top tier / priority, ticket finished, no supervisor, queue inactive). */
  outcome: z.enum(['done', 'skipped']),
  detail: z.record(z.string(), z.unknown()),
  createdAt: z.iso.datetime(),
})
export type SlaEscalation = z.infer<typeof SlaEscalation>
export const SlaEscalationList = z.object({ items: z.array(SlaEscalation) })

/**
 * Compensation on breach (赔付), computed when the breached target stops:
 * - percent_per_hour: `percentPerHour`% of the monthly fee per started hour late (seed: 0.5%);
 * - major_fault: affected hours (start to resolution) × `percentPerHour`% of the monthly fee (seed: 0.8%);
 * - service_extension: `hoursPerHourLate` hours of service added per hour late (一般故障: service time);
 * - credit_points: `pointsPerHour` points per hour late (seed: 1 h = 50 points).
 * Amounts are capped at `capPercent`% of the monthly fee.
 */
export const CompensationKind = z.enum(['percent_per_hour', 'major_fault', 'service_extension', 'credit_points'])
export type CompensationKind = z.infer<typeof CompensationKind>
export const CompensationRule = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('percent_per_hour'),
    percentPerHour: z.number().min(0).max(100).default(0.5),
    capPercent: z.number().min(0).max(1000).default(100),
  }),
  z.object({
    kind: z.literal('major_fault'),
    percentPerHour: z.number().min(0).max(100).default(0.8),
    capPercent: z.number().min(0).max(1000).default(100),
  }),
  z.object({ kind: z.literal('service_extension'), hoursPerHourLate: z.number().min(0).max(1000).default(1) }),
  z.object({ kind: z.literal('credit_points'), pointsPerHour: z.number().int().min(0).max(100_000).default(50) }),
])
export type CompensationRule = z.infer<typeof CompensationRule>
export const CompensationPolicy = z.object({
  rules: z.array(CompensationRule).max(4),
  /** Breaches of these targets are compensated. */
  targets: z.array(SlaTargetKind).min(1).default(['resolution']),
})
export type CompensationPolicy = z.infer<typeof CompensationPolicy>

export const SlaPauseStatus = TicketStatus.extract(['pending_customer', 'pending_parts', 'pending_third_party'])

export const SlaPolicy = z.object({
  id: z.uuid(),
  name: z.string(),
  description: z.string().nullable(),
  /** Customer tier or service-contract SLA tier; empty: any. */
  tiers: z.array(CustomerTier),
  /** Ticket categories; empty: any. */
  categoryIds: z.array(z.uuid()),
  /** Ticket types; empty: any. */
  typeIds: z.array(z.uuid()),
  /** Lower rank is tried first; the first matching policy with targets for the priority applies. */
  rank: z.number().int(),
  calendarId: z.uuid(),
  /** Warning when this fraction of a target is used (0.8 = 80%). */
  warningFraction: z.number(),
  /** Ticket statuses in which the clocks pause. */
  pauseStatuses: z.array(SlaPauseStatus),
  targets: PolicyTargets,
  escalations: z.array(SlaEscalationRule),
  compensation: CompensationPolicy.nullable(),
  active: z.boolean(),
  /** The preset it was made from, if any. */
  preset: z.string().nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  version: z.number().int(),
})
export type SlaPolicy = z.infer<typeof SlaPolicy>
export const SlaPolicyList = z.object({ items: z.array(SlaPolicy) })

export const CreateSlaPolicyBody = z.object({
  name: Line(100),
  description: z.string().trim().max(1000).nullable().default(null),
  tiers: z.array(CustomerTier).max(4).default([]),
  categoryIds: z.array(z.uuid()).max(200).default([]),
  typeIds: z.array(z.uuid()).max(50).default([]),
  rank: z.number().int().min(0).max(10_000).default(100),
  /** Default: the tenant's default calendar. */
  calendarId: z.uuid().optional(),
  warningFraction: z.number().gt(0).lt(1).default(0.8),
  pauseStatuses: z.array(SlaPauseStatus).max(3).default(['pending_customer']),
  targets: PolicyTargets,
  escalations: z.array(SlaEscalationRule).max(20).default([]),
  compensation: CompensationPolicy.nullable().default(null),
  active: z.boolean().default(true),
})
export type CreateSlaPolicyBody = z.infer<typeof CreateSlaPolicyBody>
export const UpdateSlaPolicyBody = CreateSlaPolicyBody.partial().extend({ calendarId: z.uuid().optional() })
export type UpdateSlaPolicyBody = z.infer<typeof UpdateSlaPolicyBody>

/** A ready-made policy from the seeds (basic <15 min / 4 h …). */
export const SlaPreset = z.object({
  key: z.string(),
  name: z.string(),
  description: z.string(),
  /** `office`: the default business calendar; `always`: 7×24. */
  calendar: z.enum(['office', 'always']),
  policy: CreateSlaPolicyBody.omit({ calendarId: true }),
})
export type SlaPreset = z.infer<typeof SlaPreset>
export const SlaPresetList = z.object({ items: z.array(SlaPreset) })
export const FromPresetBody = z.object({ preset: z.string().max(50), name: Line(100).optional(), calendarId: z.uuid().optional() })

/** "What would the due time be": a policy (or explicit target) on a calendar from a start time. */
export const SlaPreviewBody = z
  .object({
    start: z.iso.datetime({ offset: true }),
    policyId: z.uuid().optional(),
    priority: TicketPriority.optional(),
    /** Instead of a policy: one target on `calendarId` (or the policy's calendar when both are given). */
    target: SlaTargetSpec.optional(),
    calendarId: z.uuid().optional(),
    /** A calendar not saved yet (the admin form being edited). */
    calendar: CreateSlaCalendarBody.omit({ name: true, isDefault: true }).optional(),
    warningFraction: z.number().gt(0).lt(1).optional(),
  })
  .refine((b) => b.policyId !== undefined || b.target !== undefined, { message: 'give policyId or target', path: ['policyId'] })
  .refine((b) => b.policyId === undefined || b.priority !== undefined, { message: 'required with policyId', path: ['priority'] })
export type SlaPreviewBody = z.infer<typeof SlaPreviewBody>
export const SlaPreviewItem = z.object({
  target: z.union([SlaTargetKind, z.literal('custom')]),
  spec: SlaTargetSpec,
  businessMinutes: z.number(),
  warnAt: z.iso.datetime(),
  dueAt: z.iso.datetime(),
})
export const SlaPreview = z.object({
  calendarId: z.uuid().nullable(),
  timeZone: z.string(),
  start: z.iso.datetime(),
  items: z.array(SlaPreviewItem),
})
export type SlaPreview = z.infer<typeof SlaPreview>

// ─── Clocks and ticket SLA state ───────────────────────────────────────────────────────────────

export const SlaClockTarget = z.enum([
  'first_response',
  'next_update',
  'resolution',
  'complaint_response',
  'complaint_plan',
  'dispute_review',
  'dispute_decision',
])
export type SlaClockTarget = z.infer<typeof SlaClockTarget>
export const SlaClockState = z.enum(['running', 'paused', 'stopped'])

export const SlaClock = z.object({
  id: z.uuid(),
  target: SlaClockTarget,
  /** next_update restarts after every public update: one cycle each. */
  cycle: z.number().int(),
  state: SlaClockState,
  spec: SlaTargetSpec,
  targetMinutes: z.number(),
  consumedMinutes: z.number(),
  /** Negative once breached. */
  remainingMinutes: z.number(),
  startedAt: z.iso.datetime(),
  /** Null while paused (the time left is frozen) or once stopped short of it. */
  dueAt: z.iso.datetime().nullable(),
  warnAt: z.iso.datetime().nullable(),
  warned: z.boolean(),
  breached: z.boolean(),
  /** Stopped within target. */
  met: z.boolean().nullable(),
  stoppedAt: z.iso.datetime().nullable(),
  stopReason: z.string().nullable(),
})
export type SlaClock = z.infer<typeof SlaClock>

/** Worst state across a ticket's live clocks, for badges and list columns. */
export const SlaSummaryState = z.enum(['none', 'ok', 'warning', 'breached', 'paused', 'met', 'missed'])
export type SlaSummaryState = z.infer<typeof SlaSummaryState>

export const TicketSla = z.object({
  ticketId: z.uuid(),
  number: z.string().nullable(),
  priority: TicketPriority,
  status: TicketStatus,
  policy: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  calendar: z.object({ id: z.uuid(), name: z.string(), timeZone: z.string() }).nullable(),
  summary: SlaSummaryState,
  /** The live clock closest to its deadline (what a badge counts down). */
  next: SlaClock.nullable(),
  clocks: z.array(SlaClock),
  /** Server time of the reading, so a client counts down from it. */
  now: z.iso.datetime(),
})
export type TicketSla = z.infer<typeof TicketSla>
export const TicketSlaList = z.object({ items: z.array(TicketSla) })
export const TicketSlaQuery = z.object({
  ids: z
    .string()
    .transform((s) => s.split(',').filter(Boolean))
    .pipe(z.array(z.uuid()).min(1).max(200)),
})

export const AtRiskQuery = z.object({
  /** Clocks due within this many minutes, plus everything warned or breached and still open. */
  withinMinutes: z.coerce
    .number()
    .int()
    .min(0)
    .max(60 * 24 * 30)
    .default(120),
  state: z.enum(['all', 'warning', 'breached']).default('all'),
  limit: z.coerce.number().int().min(1).max(500).default(100),
})
export const AtRiskItem = z.object({
  ticketId: z.uuid(),
  number: z.string().nullable(),
  priority: TicketPriority,
  status: TicketStatus,
  customerId: z.uuid().nullable(),
  queueId: z.uuid().nullable(),
  assigneeId: z.uuid().nullable(),
  policyName: z.string().nullable(),
  clock: SlaClock,
})
export type AtRiskItem = z.infer<typeof AtRiskItem>
export const AtRiskList = z.object({ items: z.array(AtRiskItem), now: z.iso.datetime() })

// ─── Compensation and credit ledger ───────────────────────────────────────────────────────────

export const CompensationStatus = z.enum(['proposed', 'approved', 'rejected'])
export const Compensation = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  ticketId: z.uuid().nullable(),
  ticketNumber: z.string().nullable(),
  clockTarget: SlaClockTarget,
  kind: CompensationKind,
  /** Hours the formula counts (late, or affected for a major fault), whole hours started. */
  hours: z.number(),
  amountCents: z.number().int().nullable(),
  points: z.number().int().nullable(),
  serviceHours: z.number().nullable(),
  /** The formula with its numbers, e.g. "3 h × 0.5% × ¥20,000.00". */
  formula: z.string(),
  status: CompensationStatus,
  decidedBy: z.uuid().nullable(),
  decidedAt: z.iso.datetime().nullable(),
  decisionNote: z.string().nullable(),
  createdAt: z.iso.datetime(),
  version: z.number().int(),
})
export type Compensation = z.infer<typeof Compensation>
export const CompensationList = z.object({ items: z.array(Compensation), total: z.number().int() })
export const CompensationListQuery = z.object({
  status: CompensationStatus.optional(),
  customerId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
})
export const DecideCompensationBody = z.object({
  decision: z.enum(['approve', 'reject']),
  note: z.string().trim().max(1000).optional(),
  /** Approve a different amount / points / hours than proposed. */
  amountCents: z.number().int().min(0).optional(),
  points: z.number().int().min(0).optional(),
  serviceHours: z.number().min(0).optional(),
})
export type DecideCompensationBody = z.infer<typeof DecideCompensationBody>

export const CreditKind = z.enum(['amount', 'points', 'service_hours'])
export type CreditKind = z.infer<typeof CreditKind>
export const CreditEntry = z.object({
  id: z.uuid(),
  kind: CreditKind,
  /** Cents for amount, points, or hours. Negative: redeemed. */
  delta: z.number(),
  balanceAfter: z.number(),
  compensationId: z.uuid().nullable(),
  note: z.string().nullable(),
  actorId: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
})
export const CustomerCredit = z.object({
  customerId: z.uuid(),
  monthlyFeeCents: z.number().int().nullable(),
  currency: z.string(),
  balances: z.object({ amountCents: z.number(), points: z.number(), serviceHours: z.number() }),
  entries: z.array(CreditEntry),
  version: z.number().int(),
})
export type CustomerCredit = z.infer<typeof CustomerCredit>
export const SlaCustomerParams = z.object({ customerId: z.uuid() })
export const PutCreditAccountBody = z.object({
  monthlyFeeCents: z.number().int().min(0).max(1e13),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/)
    .default('CNY'),
})
export const CreditAdjustmentBody = z.object({
  kind: CreditKind,
  /** Negative to redeem; the balance may not go below zero. */
  delta: z.number().refine((n) => n !== 0, 'must not be zero'),
  note: Line(500),
})

// ─── Complaints and disputes ─────────────────────────────────────────────────────────────────

/** A: data loss or outage ≥ 1 h; B: billing error ≥ ¥10,000; C: information. */
export const ComplaintGrade = z.enum(['A', 'B', 'C'])
export type ComplaintGrade = z.infer<typeof ComplaintGrade>
/** open → responded → planned; resolved (with the resolution) from any of them, and final. */
export const ComplaintStatus = z.enum(['open', 'responded', 'planned', 'resolved'])
export const Complaint = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  ticketId: z.uuid().nullable(),
  grade: ComplaintGrade,
  summary: z.string(),
  status: ComplaintStatus,
  response: z.string().nullable(),
  plan: z.string().nullable(),
  respondedAt: z.iso.datetime().nullable(),
  plannedAt: z.iso.datetime().nullable(),
  resolution: z.string().nullable(),
  resolvedAt: z.iso.datetime().nullable(),
  /** The user who resolved it. */
  resolvedBy: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  clocks: z.array(SlaClock),
  version: z.number().int(),
})
export type Complaint = z.infer<typeof Complaint>
export const ComplaintList = z.object({ items: z.array(Complaint), total: z.number().int() })
export const CreateComplaintBody = z.object({
  customerId: z.uuid(),
  ticketId: z.uuid().optional(),
  grade: ComplaintGrade,
  summary: Line(2000),
})
export const ComplaintActionBody = z.object({ action: z.enum(['respond', 'plan']), text: z.string().trim().min(1).max(5000) })
/** POST /sla/complaints/:id/resolve (If-Match): an empty resolution answers 422 naming `resolution`. */
export const ResolveComplaintBody = z.object({ resolution: z.string().trim().max(5000) })
export const ComplaintListQuery = z.object({
  status: ComplaintStatus.optional(),
  grade: ComplaintGrade.optional(),
  customerId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
})

export const DisputeStage = z.enum(['review', 'investigation', 'decided', 'arbitration', 'closed'])
export type DisputeStage = z.infer<typeof DisputeStage>
export const Dispute = z.object({
  id: z.uuid(),
  customerId: z.uuid(),
  ticketId: z.uuid().nullable(),
  compensationId: z.uuid().nullable(),
  /** The complaint whose outcome this dispute appeals, if any. */
  complaintId: z.uuid().nullable(),
  summary: z.string(),
  evidence: z.array(z.string()),
  stage: DisputeStage,
  decision: z.string().nullable(),
  history: z.array(z.object({ stage: DisputeStage, at: z.iso.datetime(), note: z.string().nullable(), actorId: z.uuid().nullable() })),
  clocks: z.array(SlaClock),
  createdAt: z.iso.datetime(),
  version: z.number().int(),
})
export type Dispute = z.infer<typeof Dispute>
export const DisputeList = z.object({ items: z.array(Dispute), total: z.number().int() })
export const CreateDisputeBody = z.object({
  customerId: z.uuid(),
  ticketId: z.uuid().optional(),
  compensationId: z.uuid().optional(),
  /** Appeals this complaint (of the same customer): 404 naming `complaintId` when there is none. */
  complaintId: z.uuid().optional(),
  summary: Line(2000),
  /** Ticket screenshots, timestamps, proof of impact: file ids or links. */
  evidence: z.array(Line(500)).min(1).max(20),
})
/** review → investigation → decided → (arbitration) → closed. */
export const AdvanceDisputeBody = z.object({ to: DisputeStage.exclude(['review']), note: z.string().trim().max(5000).optional() })
export const DisputeListQuery = z.object({
  stage: DisputeStage.optional(),
  customerId: z.uuid().optional(),
  complaintId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).default(0),
})

/** Tenant SLA settings: complaint and dispute targets (defaults from the seeds). */
const ComplaintGradeTargets = z.object({ response: SlaTargetSpec, plan: SlaTargetSpec })
const DisputeTargets = z.object({ review: SlaTargetSpec, decision: SlaTargetSpec })
export const SlaSettings = z.object({
  complaintTargets: z.record(ComplaintGrade, ComplaintGradeTargets),
  disputeTargets: DisputeTargets,
  /** Calendar for complaints and disputes; null: the default calendar. */
  calendarId: z.uuid().nullable(),
  version: z.number().int(),
})
export type SlaSettings = z.infer<typeof SlaSettings>
/** PATCH /sla/settings (If-Match): grades not given keep their targets. */
export const UpdateSlaSettingsBody = z.object({
  complaintTargets: z.partialRecord(ComplaintGrade, ComplaintGradeTargets).optional(),
  disputeTargets: DisputeTargets.optional(),
  calendarId: z.uuid().nullable().optional(),
})
export type UpdateSlaSettingsBody = z.infer<typeof UpdateSlaSettingsBody>

// ─── Events (outbox, aggregateType 'ticket' | 'complaint' | 'dispute') ────────────────────────

export const SlaThresholdEvent = z.object({
  clockId: z.uuid(),
  subjectType: z.enum(['ticket', 'complaint', 'dispute']),
  subjectId: z.uuid(),
  /** The ticket, when the subject is one. */
  ticketId: z.uuid().nullable(),
  target: SlaClockTarget,
  cycle: z.number().int(),
  dueAt: z.iso.datetime().nullable(),
  policyId: z.uuid().nullable(),
  at: z.iso.datetime(),
})
/**
 * `sla.escalation_requested`: an escalation rule fired. `notify_supervisor` is for notifications;
 * `raise_tier`, `reassign_queue` and `raise_priority` ask the tickets module to act.
 */
export const SlaEscalationEvent = z.object({
  ticketId: z.uuid(),
  clockId: z.uuid(),
  trigger: z.enum(['warning', 'breach']),
  target: SlaClockTarget,
  action: SlaEscalationAction,
  queueId: z.uuid().nullable(),
  at: z.iso.datetime(),
})
export const slaEvents = {
  'sla.warning': SlaThresholdEvent,
  'sla.breached': SlaThresholdEvent,
  'sla.escalation_requested': SlaEscalationEvent,
  'sla.compensation_proposed': z.object({ compensationId: z.uuid(), customerId: z.uuid(), ticketId: z.uuid().nullable() }),
  'sla.compensation_decided': z.object({ compensationId: z.uuid(), customerId: z.uuid(), decision: z.enum(['approved', 'rejected']) }),
} as const
