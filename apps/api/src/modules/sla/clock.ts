// SLA clocks: pure functions over a clock's running segments.
//
// A clock is the list of wall-clock spans during which it ran (start → pause, resume → pause,
// resume → stop …). The business time consumed is the calendar's working time inside those
// spans, so every reading — due time, warning time, remaining time, breach — follows from
// the segments, the target and the calendar alone. Changing the priority, policy or calendar
// therefore only means reading the same segments again with the new target or calendar.
import {
  addBusinessMs,
  businessMsBetween,
  compileCalendar,
  MINUTE,
  workingDaysDeadline,
  type BusinessCalendar,
  type CompiledCalendar,
} from './business-hours.ts'

export interface Segment {
  from: number
  /** null while running. */
  to: number | null
}

export interface ClockTiming {
  segments: readonly Segment[]
  /** Set once the clock is stopped for good (target met, ticket resolved, cancelled). */
  stoppedAt: number | null
}

/** A target as policies state it: business minutes, or "within N working days". */
export type TargetSpec = { minutes: number } | { workingDays: number }

export type ClockState = 'running' | 'paused' | 'stopped'

type Cal = BusinessCalendar | CompiledCalendar
const compiledOf = (cal: Cal): CompiledCalendar => ('day' in cal ? cal : compileCalendar(cal))

export function startClock(at: number): ClockTiming {
  return { segments: [{ from: at, to: null }], stoppedAt: null }
}

export function clockState(c: ClockTiming): ClockState {
  if (c.stoppedAt !== null) return 'stopped'
  return c.segments.at(-1)?.to === null ? 'running' : 'paused'
}

function closeOpen(c: ClockTiming, at: number): Segment[] {
  return c.segments.map((s) => (s.to === null ? { from: s.from, to: Math.max(s.from, at) } : s))
}

/** Pauses a running clock at `at` (no-op when paused or stopped). */
export function pauseClock(c: ClockTiming, at: number): ClockTiming {
  if (clockState(c) !== 'running') return c
  return { segments: closeOpen(c, at), stoppedAt: null }
}

/** Resumes a paused clock at `at` (no-op when running or stopped). */
export function resumeClock(c: ClockTiming, at: number): ClockTiming {
  if (clockState(c) !== 'paused') return c
  const lastEnd = c.segments.at(-1)?.to ?? at
  return { segments: [...c.segments, { from: Math.max(at, lastEnd), to: null }], stoppedAt: null }
}

/** Stops a clock for good at `at` (no-op when already stopped). */
export function stopClock(c: ClockTiming, at: number): ClockTiming {
  if (c.stoppedAt !== null) return c
  const segments = closeOpen(c, at)
  const lastEnd = segments.at(-1)?.to ?? at
  return { segments, stoppedAt: Math.max(at, lastEnd) }
}

/** Reopens a stopped clock at `at` (a resolved ticket reopened): it runs again, keeping what it consumed. */
export function reopenClock(c: ClockTiming, at: number): ClockTiming {
  if (c.stoppedAt === null) return c
  return resumeClock({ segments: c.segments, stoppedAt: null }, at)
}

/** The target in business milliseconds for a clock started at `startedAt`. */
export function targetMs(cal: Cal, startedAt: number, spec: TargetSpec): number {
  if ('minutes' in spec) return Math.round(spec.minutes * MINUTE)
  const calendar = compiledOf(cal)
  return businessMsBetween(calendar, startedAt, workingDaysDeadline(calendar, startedAt, spec.workingDays))
}

/** Business time consumed up to `now`. */
export function consumedMs(cal: Cal, c: ClockTiming, now: number): number {
  const calendar = compiledOf(cal)
  let total = 0
  for (const s of c.segments) total += businessMsBetween(calendar, s.from, Math.min(s.to ?? now, now))
  return total
}

/**
 * The instant the clock has consumed `ms` of business time, or null when it will not get
 * there (paused or stopped before). Pauses only ever push this instant later.
 */
export function instantAtConsumed(cal: Cal, c: ClockTiming, ms: number): number | null {
  const calendar = compiledOf(cal)
  let used = 0
  for (const s of c.segments) {
    if (s.to === null) return addBusinessMs(calendar, s.from, ms - used)
    const here = businessMsBetween(calendar, s.from, s.to)
    if (used + here >= ms) return addBusinessMs(calendar, s.from, ms - used)
    used += here
  }
  return null
}

export interface ClockReading {
  state: ClockState
  targetMs: number
  consumedMs: number
  /** Negative once breached. */
  remainingMs: number
  /** When the target runs out, if the clock keeps running (null while paused or stopped short of it). */
  dueAt: number | null
  /** When the warning fraction is reached (null while paused or stopped short of it). */
  warnAt: number | null
  warned: boolean
  breached: boolean
}

/**
 * Reads a clock at `now`. Time is up (breached) once the consumed time reaches the target
 * while the clock runs or is paused; a clock stopped exactly on its deadline met it.
 */
export function readClock(cal: Cal, c: ClockTiming, target: number, warnFraction: number, now: number): ClockReading {
  const calendar = compiledOf(cal)
  const state = clockState(c)
  const consumed = consumedMs(calendar, c, now)
  const warnMs = Math.round(target * warnFraction)
  const reached = (ms: number) => (state === 'stopped' ? consumed > ms : consumed >= ms)
  return {
    state,
    targetMs: target,
    consumedMs: consumed,
    remainingMs: target - consumed,
    dueAt: instantAtConsumed(calendar, c, target),
    warnAt: instantAtConsumed(calendar, c, warnMs),
    warned: reached(warnMs),
    breached: reached(target),
  }
}
