// Drizzle mirrors of the tables in migrations/0040_sla.sql (the SQL file is the source of truth).
import type {
  CompensationKind,
  CompensationPolicy,
  ComplaintGrade,
  DisputeStage,
  PolicyTargets,
  SlaClockTarget,
  SlaEscalationRule,
  SlaTargetSpec,
  SlaTimeRange,
  SlaWeekHours,
} from '@aftercare/contracts'
import { bigint, boolean, date, integer, jsonb, numeric, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import type { Segment } from './clock.ts'

const ts = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' })
const fraction = (name: string) => numeric(name, { precision: 4, scale: 3, mode: 'number' })

export const slaCalendars = pgTable('sla_calendars', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  name: text('name').notNull(),
  timeZone: text('time_zone').notNull(),
  alwaysOpen: boolean('always_open').notNull(),
  week: jsonb('week').$type<SlaWeekHours>().notNull(),
  makeUpHours: jsonb('make_up_hours').$type<SlaTimeRange[] | null>(),
  isDefault: boolean('is_default').notNull(),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  version: integer('version').notNull().default(1),
})
export type CalendarRow = typeof slaCalendars.$inferSelect

export const slaCalendarDays = pgTable('sla_calendar_days', {
  tenantId: uuid('tenant_id').notNull(),
  calendarId: uuid('calendar_id').notNull(),
  date: date('date', { mode: 'string' }).notNull(),
  kind: text('kind').$type<'holiday' | 'workday'>().notNull(),
  name: text('name'),
  hours: jsonb('hours').$type<SlaTimeRange[] | null>(),
})
export type CalendarDayRow = typeof slaCalendarDays.$inferSelect

export const slaPolicies = pgTable('sla_policies', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  name: text('name').notNull(),
  description: text('description'),
  tiers: text('tiers').array().$type<('standard' | 'silver' | 'gold' | 'strategic')[]>().notNull(),
  categoryIds: uuid('category_ids').array().notNull(),
  typeIds: uuid('type_ids').array().notNull(),
  rank: integer('rank').notNull(),
  calendarId: uuid('calendar_id').notNull(),
  warningFraction: fraction('warning_fraction').notNull(),
  pauseStatuses: text('pause_statuses').array().$type<('pending_customer' | 'pending_parts' | 'pending_third_party')[]>().notNull(),
  targets: jsonb('targets').$type<PolicyTargets>().notNull(),
  escalations: jsonb('escalations').$type<SlaEscalationRule[]>().notNull(),
  compensation: jsonb('compensation').$type<CompensationPolicy | null>(),
  active: boolean('active').notNull(),
  preset: text('preset'),
  createdAt: ts('created_at').notNull().defaultNow(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  version: integer('version').notNull().default(1),
})
export type PolicyRow = typeof slaPolicies.$inferSelect

export interface ComplaintTargets {
  A: { response: SlaTargetSpec; plan: SlaTargetSpec }
  B: { response: SlaTargetSpec; plan: SlaTargetSpec }
  C: { response: SlaTargetSpec; plan: SlaTargetSpec }
}
export interface DisputeTargets {
  review: SlaTargetSpec
  decision: SlaTargetSpec
}

export const slaSettings = pgTable('sla_settings', {
  tenantId: uuid('tenant_id').primaryKey(),
  complaintTargets: jsonb('complaint_targets').$type<ComplaintTargets>().notNull(),
  disputeTargets: jsonb('dispute_targets').$type<DisputeTargets>().notNull(),
  calendarId: uuid('calendar_id'),
  version: integer('version').notNull().default(1),
})
export type SettingsRow = typeof slaSettings.$inferSelect

export const slaTickets = pgTable('sla_tickets', {
  ticketId: uuid('ticket_id').primaryKey(),
  tenantId: uuid('tenant_id').notNull(),
  number: text('number'),
  customerId: uuid('customer_id'),
  customerTier: text('customer_tier').$type<'standard' | 'silver' | 'gold' | 'strategic' | null>(),
  contractTier: text('contract_tier').$type<'standard' | 'silver' | 'gold' | 'strategic' | null>(),
  deviceId: uuid('device_id'),
  typeId: uuid('type_id'),
  categoryId: uuid('category_id'),
  queueId: uuid('queue_id'),
  assigneeId: uuid('assignee_id'),
  priority: text('priority').$type<'P0' | 'P1' | 'P2' | 'P3' | 'P4'>().notNull(),
  status: text('status').notNull(),
  policyId: uuid('policy_id'),
  createdAt: ts('created_at').notNull(),
  firstResponseAt: ts('first_response_at'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
})
export type SlaTicketRow = typeof slaTickets.$inferSelect

export type SubjectType = 'ticket' | 'complaint' | 'dispute'

export const slaClocks = pgTable('sla_clocks', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  subjectType: text('subject_type').$type<SubjectType>().notNull(),
  subjectId: uuid('subject_id').notNull(),
  target: text('target').$type<SlaClockTarget>().notNull(),
  cycle: integer('cycle').notNull(),
  policyId: uuid('policy_id'),
  calendarId: uuid('calendar_id').notNull(),
  spec: jsonb('spec').$type<SlaTargetSpec>().notNull(),
  targetMs: bigint('target_ms', { mode: 'number' }).notNull(),
  warningFraction: fraction('warning_fraction').notNull(),
  startedAt: ts('started_at').notNull(),
  segments: jsonb('segments').$type<Segment[]>().notNull(),
  state: text('state').$type<'running' | 'paused' | 'stopped'>().notNull(),
  stoppedAt: ts('stopped_at'),
  stopReason: text('stop_reason'),
  dueAt: ts('due_at'),
  warnAt: ts('warn_at'),
  warnedAt: ts('warned_at'),
  breachedAt: ts('breached_at'),
  met: boolean('met'),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  version: integer('version').notNull().default(1),
})
export type ClockRow = typeof slaClocks.$inferSelect
export type NewClockRow = typeof slaClocks.$inferInsert

export const slaCreditAccounts = pgTable('sla_credit_accounts', {
  customerId: uuid('customer_id').primaryKey(),
  tenantId: uuid('tenant_id').notNull(),
  monthlyFeeCents: bigint('monthly_fee_cents', { mode: 'number' }),
  currency: text('currency').notNull(),
  amountCents: bigint('amount_cents', { mode: 'number' }).notNull(),
  points: bigint('points', { mode: 'number' }).notNull(),
  serviceHours: numeric('service_hours', { precision: 12, scale: 2, mode: 'number' }).notNull(),
  updatedAt: ts('updated_at').notNull().defaultNow(),
  version: integer('version').notNull().default(1),
})
export type CreditAccountRow = typeof slaCreditAccounts.$inferSelect

export const slaCompensations = pgTable('sla_compensations', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  clockId: uuid('clock_id').notNull(),
  cycle: integer('cycle').notNull(),
  customerId: uuid('customer_id').notNull(),
  ticketId: uuid('ticket_id'),
  ticketNumber: text('ticket_number'),
  clockTarget: text('clock_target').$type<SlaClockTarget>().notNull(),
  kind: text('kind').$type<CompensationKind>().notNull(),
  hours: numeric('hours', { precision: 12, scale: 2, mode: 'number' }).notNull(),
  amountCents: bigint('amount_cents', { mode: 'number' }),
  points: bigint('points', { mode: 'number' }),
  serviceHours: numeric('service_hours', { precision: 12, scale: 2, mode: 'number' }),
  formula: text('formula').notNull(),
  status: text('status').$type<'proposed' | 'approved' | 'rejected'>().notNull(),
  decidedBy: uuid('decided_by'),
  decidedAt: ts('decided_at'),
  decisionNote: text('decision_note'),
  createdAt: ts('created_at').notNull().defaultNow(),
  version: integer('version').notNull().default(1),
})
export type CompensationRow = typeof slaCompensations.$inferSelect

export const slaCreditLedger = pgTable('sla_credit_ledger', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  customerId: uuid('customer_id').notNull(),
  kind: text('kind').$type<'amount' | 'points' | 'service_hours'>().notNull(),
  delta: numeric('delta', { precision: 16, scale: 2, mode: 'number' }).notNull(),
  balanceAfter: numeric('balance_after', { precision: 16, scale: 2, mode: 'number' }).notNull(),
  compensationId: uuid('compensation_id'),
  note: text('note'),
  actorId: uuid('actor_id'),
  createdAt: ts('created_at').notNull().defaultNow(),
  seq: bigint('seq', { mode: 'number' }).generatedAlwaysAsIdentity(),
})
export type LedgerRow = typeof slaCreditLedger.$inferSelect

export const slaComplaints = pgTable('sla_complaints', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  customerId: uuid('customer_id').notNull(),
  ticketId: uuid('ticket_id'),
  grade: text('grade').$type<ComplaintGrade>().notNull(),
  summary: text('summary').notNull(),
  status: text('status').$type<'open' | 'responded' | 'planned' | 'resolved'>().notNull(),
  response: text('response'),
  plan: text('plan'),
  respondedAt: ts('responded_at'),
  plannedAt: ts('planned_at'),
  resolution: text('resolution'),
  resolvedAt: ts('resolved_at'),
  resolvedBy: uuid('resolved_by'),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  version: integer('version').notNull().default(1),
})
export type ComplaintRow = typeof slaComplaints.$inferSelect

export interface DisputeHistoryEntry {
  stage: DisputeStage
  at: string
  note: string | null
  actorId: string | null
}

export const slaDisputes = pgTable('sla_disputes', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  customerId: uuid('customer_id').notNull(),
  ticketId: uuid('ticket_id'),
  compensationId: uuid('compensation_id'),
  complaintId: uuid('complaint_id'),
  summary: text('summary').notNull(),
  evidence: jsonb('evidence').$type<string[]>().notNull(),
  stage: text('stage').$type<DisputeStage>().notNull(),
  decision: text('decision'),
  history: jsonb('history').$type<DisputeHistoryEntry[]>().notNull(),
  createdBy: uuid('created_by'),
  createdAt: ts('created_at').notNull().defaultNow(),
  version: integer('version').notNull().default(1),
})
export type DisputeRow = typeof slaDisputes.$inferSelect
