// The SLA engine: persists clocks (tickets, complaints, disputes alike), derives their due and
// warning instants, and raises `sla.warning` / `sla.breached` exactly once per clock and cycle.
import type { SlaClock, SlaClockTarget, SlaTargetSpec } from '@aftercare/contracts'
import type { AuditLog } from '../../platform/audit/audit-log.ts'
import type { DbOrTx } from '../../platform/db/index.ts'
import type { Outbox } from '../../platform/events/outbox.ts'
import { MINUTE, type CompiledCalendar } from './business-hours.ts'
import type { CalendarLoader } from './calendar-loader.ts'
import {
  clockState,
  pauseClock,
  readClock,
  reopenClock,
  resumeClock,
  startClock,
  stopClock,
  targetMs as targetMsOf,
  type ClockReading,
  type ClockTiming,
} from './clock.ts'
import { clockRepository } from './sla.repository.ts'
import type { ClockRow, SubjectType } from './sla.tables.ts'

export type Threshold = 'warning' | 'breach'

/** What the module does when a threshold is first raised, or a breached clock stops (escalation, compensation). */
export interface EngineHooks {
  onRaised?(tx: DbOrTx, clock: ClockRow, kind: Threshold, at: Date): Promise<void>
  onStoppedLate?(tx: DbOrTx, clock: ClockRow, reading: ClockReading): Promise<void>
}

export interface NewClock {
  tenantId: string
  subjectType: SubjectType
  subjectId: string
  target: SlaClockTarget
  spec: SlaTargetSpec
  policyId: string | null
  calendarId: string
  warningFraction: number
  startedAt: Date
}

export const timingOf = (row: Pick<ClockRow, 'segments' | 'stoppedAt'>): ClockTiming => ({
  segments: row.segments,
  stoppedAt: row.stoppedAt?.getTime() ?? null,
})

/** The stored instants of a clock: due / warn while it can still reach them, or when it already did. */
export function instantsOf(reading: ClockReading) {
  const keep = (at: number | null, reached: boolean) => (at !== null && (reading.state === 'running' || reached) ? new Date(at) : null)
  return { dueAt: keep(reading.dueAt, reading.breached), warnAt: keep(reading.warnAt, reading.warned) }
}

export function toClockDto(row: ClockRow, cal: CompiledCalendar, now: Date): SlaClock {
  const r = readClock(cal, timingOf(row), row.targetMs, row.warningFraction, now.getTime())
  const { dueAt, warnAt } = instantsOf(r)
  return {
    id: row.id,
    target: row.target,
    cycle: row.cycle,
    state: r.state,
    spec: row.spec,
    targetMinutes: r.targetMs / MINUTE,
    consumedMinutes: Math.floor(r.consumedMs / MINUTE),
    remainingMinutes: Math.ceil(r.remainingMs / MINUTE),
    startedAt: row.startedAt.toISOString(),
    dueAt: dueAt?.toISOString() ?? null,
    warnAt: warnAt?.toISOString() ?? null,
    warned: r.warned || row.warnedAt !== null,
    breached: r.breached,
    met: r.state === 'stopped' ? !r.breached : null,
    stoppedAt: row.stoppedAt?.toISOString() ?? null,
    stopReason: row.stopReason,
  }
}

export interface ClockEngine {
  create(tx: DbOrTx, c: NewClock, now: Date): Promise<ClockRow>
  /** Several clocks at once (a new ticket's): each calendar read once, one insert. Rows in the given order. */
  createMany(tx: DbOrTx, cs: readonly NewClock[], now: Date): Promise<ClockRow[]>
  pause(tx: DbOrTx, row: ClockRow, at: Date, now: Date): Promise<ClockRow>
  resume(tx: DbOrTx, row: ClockRow, at: Date, now: Date): Promise<ClockRow>
  stop(tx: DbOrTx, row: ClockRow, at: Date, reason: string, now: Date): Promise<ClockRow>
  reopen(tx: DbOrTx, row: ClockRow, at: Date, now: Date): Promise<ClockRow>
  /** Starts a new cycle (next_update after each public update). */
  restart(tx: DbOrTx, row: ClockRow, at: Date, now: Date, opts?: { paused?: boolean }): Promise<ClockRow>
  /** New target, policy or calendar: the same segments read again. */
  retarget(
    tx: DbOrTx,
    row: ClockRow,
    t: Pick<NewClock, 'spec' | 'policyId' | 'calendarId' | 'warningFraction'>,
    now: Date,
  ): Promise<ClockRow>
  /** Raises the thresholds the clock has reached and not raised yet; returns those raised. */
  check(tx: DbOrTx, row: ClockRow, now: Date): Promise<Threshold[]>
}

export function createClockEngine(deps: { calendars: CalendarLoader; outbox: Outbox; audit: AuditLog; hooks: EngineHooks }): ClockEngine {
  const { calendars, outbox, audit, hooks } = deps

  /** Writes a new timing (and target) and raises what is due; `wasStopped` guards compensation to the stopping transition. */
  async function save(
    tx: DbOrTx,
    row: ClockRow,
    timing: ClockTiming,
    now: Date,
    extra: Partial<
      Pick<
        ClockRow,
        | 'spec'
        | 'targetMs'
        | 'policyId'
        | 'calendarId'
        | 'warningFraction'
        | 'stopReason'
        | 'cycle'
        | 'startedAt'
        | 'warnedAt'
        | 'breachedAt'
      >
    > = {},
  ) {
    const calendarId = extra.calendarId ?? row.calendarId
    const { compiled } = await calendars.load(tx, calendarId)
    const target = extra.targetMs ?? row.targetMs
    const reading = readClock(compiled, timing, target, extra.warningFraction ?? row.warningFraction, now.getTime())
    const state = clockState(timing)
    const updated = await clockRepository.update(tx, row.id, {
      ...extra,
      segments: [...timing.segments],
      state,
      stoppedAt: timing.stoppedAt === null ? null : new Date(timing.stoppedAt),
      ...instantsOf(reading),
      met: state === 'stopped' ? !reading.breached : null,
    })
    await raise(tx, updated, reading, now)
    if (state === 'stopped' && row.state !== 'stopped' && reading.breached && extra.cycle === undefined)
      await hooks.onStoppedLate?.(tx, updated, reading)
    return updated
  }

  /** Applies a pure transition; a no-op (same timing back) writes nothing. */
  async function transition(
    tx: DbOrTx,
    row: ClockRow,
    fn: (t: ClockTiming) => ClockTiming,
    now: Date,
    extra: { stopReason?: string | null } = {},
  ) {
    const before = timingOf(row)
    const after = fn(before)
    return after === before ? row : save(tx, row, after, now, extra)
  }

  /** Raises reached thresholds once. A stopped clock raises only a breach (a warning after the fact is noise). */
  async function raise(tx: DbOrTx, row: ClockRow, reading: ClockReading, now: Date): Promise<Threshold[]> {
    const raised: Threshold[] = []
    const todo: Threshold[] = []
    if (reading.warned && !row.warnedAt && reading.state !== 'stopped') todo.push('warning')
    if (reading.breached && !row.breachedAt) todo.push('breach')
    for (const kind of todo) {
      if (!(await clockRepository.recordThresholdOnce(tx, row.tenantId, row.id, row.cycle, kind, now))) continue
      await clockRepository.update(tx, row.id, kind === 'warning' ? { warnedAt: now } : { breachedAt: now })
      const payload = {
        clockId: row.id,
        subjectType: row.subjectType,
        subjectId: row.subjectId,
        ticketId: row.subjectType === 'ticket' ? row.subjectId : null,
        target: row.target,
        cycle: row.cycle,
        dueAt: reading.dueAt === null ? null : new Date(reading.dueAt).toISOString(),
        policyId: row.policyId,
        at: now.toISOString(),
      }
      const type = kind === 'warning' ? 'sla.warning' : 'sla.breached'
      await outbox.publish(tx, {
        tenantId: row.tenantId,
        type,
        aggregateType: row.subjectType,
        aggregateId: row.subjectId,
        payload,
        actorId: null,
      })
      await audit.record(tx, {
        tenantId: row.tenantId,
        actorType: 'system',
        actorId: null,
        action: type,
        entityType: row.subjectType,
        entityId: row.subjectId,
        after: { target: row.target, cycle: row.cycle, dueAt: payload.dueAt },
      })
      await hooks.onRaised?.(tx, row, kind, now)
      raised.push(kind)
    }
    return raised
  }

  const engine: ClockEngine = {
    async create(tx, c, now) {
      const [row] = await engine.createMany(tx, [c], now)
      return row!
    },
    async createMany(tx, cs, now) {
      if (cs.length === 0) return []
      const cals = await calendars.loadMany(
        tx,
        cs.map((c) => c.calendarId),
      )
      const started = cs.map((c) => {
        const { compiled } = cals.get(c.calendarId)!
        const timing = startClock(c.startedAt.getTime())
        const target = targetMsOf(compiled, c.startedAt.getTime(), c.spec)
        const reading = readClock(compiled, timing, target, c.warningFraction, now.getTime())
        const values = {
          ...c,
          cycle: 1,
          targetMs: target,
          segments: [...timing.segments],
          state: 'running' as const,
          ...instantsOf(reading),
        }
        return { values, reading }
      })
      const rows = await clockRepository.insertMany(
        tx,
        started.map((s) => s.values),
      )
      for (const [i, row] of rows.entries()) await raise(tx, row, started[i]!.reading, now)
      return rows
    },
    pause: (tx, row, at, now) => transition(tx, row, (t) => pauseClock(t, at.getTime()), now),
    resume: (tx, row, at, now) => transition(tx, row, (t) => resumeClock(t, at.getTime()), now),
    stop: (tx, row, at, reason, now) => transition(tx, row, (t) => stopClock(t, at.getTime()), now, { stopReason: reason }),
    reopen: (tx, row, at, now) => transition(tx, row, (t) => reopenClock(t, at.getTime()), now, { stopReason: null }),
    async restart(tx, row, at, now, opts = {}) {
      const { compiled } = await calendars.load(tx, row.calendarId)
      let timing = startClock(at.getTime())
      if (opts.paused) timing = pauseClock(timing, at.getTime())
      return save(tx, row, timing, now, {
        cycle: row.cycle + 1,
        startedAt: at,
        targetMs: targetMsOf(compiled, at.getTime(), row.spec),
        warnedAt: null,
        breachedAt: null,
        stopReason: null,
      })
    },
    async retarget(tx, row, t, now) {
      const { compiled } = await calendars.load(tx, t.calendarId)
      return save(tx, row, timingOf(row), now, { ...t, targetMs: targetMsOf(compiled, row.startedAt.getTime(), t.spec) })
    },
    async check(tx, row, now) {
      const { compiled } = await calendars.load(tx, row.calendarId)
      return raise(tx, row, readClock(compiled, timingOf(row), row.targetMs, row.warningFraction, now.getTime()), now)
    },
  }
  return engine
}
