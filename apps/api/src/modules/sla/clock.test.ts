import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addBusinessMs, HOUR, MINUTE, type BusinessCalendar, type TimeRange } from './business-hours.ts'
import { chineseHolidayExceptions } from './chinese-holidays.ts'
import {
  clockState,
  consumedMs,
  instantAtConsumed,
  pauseClock,
  readClock,
  reopenClock,
  resumeClock,
  startClock,
  stopClock,
  targetMs,
  type ClockTiming,
} from './clock.ts'

const office: TimeRange[] = [
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '18:00' },
]
const shanghai: BusinessCalendar = {
  timeZone: 'Asia/Shanghai',
  alwaysOpen: false,
  week: { mon: office, tue: office, wed: office, thu: office, fri: office, sat: [], sun: [] },
  exceptions: chineseHolidayExceptions(2026)!,
}
const always: BusinessCalendar = { ...shanghai, alwaysOpen: true }
const t = (s: string) => new Date(`${s}+08:00`).getTime()
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString())

describe('clock lifecycle', () => {
  it('runs, pauses, resumes and stops; each transition is a no-op in the wrong state', () => {
    let c = startClock(t('2026-09-08T09:00:00'))
    expect(clockState(c)).toBe('running')
    expect(resumeClock(c, t('2026-09-08T09:30:00'))).toBe(c)
    c = pauseClock(c, t('2026-09-08T10:00:00'))
    expect(clockState(c)).toBe('paused')
    expect(pauseClock(c, t('2026-09-08T10:30:00'))).toBe(c)
    c = resumeClock(c, t('2026-09-08T11:00:00'))
    c = stopClock(c, t('2026-09-08T11:30:00'))
    expect(clockState(c)).toBe('stopped')
    expect(stopClock(c, t('2026-09-08T12:00:00'))).toBe(c)
    expect(pauseClock(c, t('2026-09-08T12:00:00'))).toBe(c)
    expect(resumeClock(c, t('2026-09-08T12:00:00'))).toBe(c)
    expect(consumedMs(shanghai, c, t('2026-09-09T00:00:00'))).toBe(90 * MINUTE)
  })

  it('a reopened clock keeps what it consumed', () => {
    let c = startClock(t('2026-09-08T09:00:00'))
    c = stopClock(c, t('2026-09-08T10:00:00'))
    c = reopenClock(c, t('2026-09-08T14:00:00'))
    expect(clockState(c)).toBe('running')
    expect(consumedMs(shanghai, c, t('2026-09-08T15:00:00'))).toBe(2 * HOUR)
  })

  it('a late event never makes a segment run backwards', () => {
    let c = startClock(t('2026-09-08T10:00:00'))
    c = pauseClock(c, t('2026-09-08T09:00:00'))
    expect(c.segments).toEqual([{ from: t('2026-09-08T10:00:00'), to: t('2026-09-08T10:00:00') }])
    c = resumeClock(c, t('2026-09-08T09:30:00'))
    expect(c.segments.at(-1)).toEqual({ from: t('2026-09-08T10:00:00'), to: null })
  })
})

describe('reading a clock', () => {
  it('a 4 h resolution target started Friday 16:00 is due Monday 11:00, warned at 80% (Monday 10:12)', () => {
    const c = startClock(t('2026-09-11T16:00:00'))
    const r = readClock(shanghai, c, 4 * HOUR, 0.8, t('2026-09-12T10:00:00'))
    expect(r).toMatchObject({ state: 'running', consumedMs: 2 * HOUR, remainingMs: 2 * HOUR, warned: false, breached: false })
    expect(iso(r.dueAt)).toBe(iso(t('2026-09-14T11:00:00')))
    expect(iso(r.warnAt)).toBe(iso(t('2026-09-14T10:12:00')))
    expect(readClock(shanghai, c, 4 * HOUR, 0.8, t('2026-09-14T10:12:00')).warned).toBe(true)
    const late = readClock(shanghai, c, 4 * HOUR, 0.8, t('2026-09-14T11:00:00'))
    expect(late).toMatchObject({ warned: true, breached: true, remainingMs: 0 })
  })

  it('a paused clock has no due time but keeps its remaining time; resuming pushes the due time later', () => {
    let c = startClock(t('2026-09-08T09:00:00'))
    c = pauseClock(c, t('2026-09-08T10:00:00'))
    const paused = readClock(shanghai, c, 4 * HOUR, 0.8, t('2026-09-09T10:00:00'))
    expect(paused).toMatchObject({ state: 'paused', remainingMs: 3 * HOUR, dueAt: null, breached: false })
    c = resumeClock(c, t('2026-09-09T09:00:00'))
    expect(iso(readClock(shanghai, c, 4 * HOUR, 0.8, t('2026-09-09T09:00:00')).dueAt)).toBe(iso(t('2026-09-09T12:00:00')))
  })

  it('a clock stopped exactly on its deadline met it; one minute later breached it', () => {
    const c = startClock(t('2026-09-08T09:00:00'))
    expect(readClock(shanghai, stopClock(c, t('2026-09-08T10:00:00')), HOUR, 0.8, t('2026-09-09T00:00:00')).breached).toBe(false)
    const late = readClock(shanghai, stopClock(c, t('2026-09-08T10:01:00')), HOUR, 0.8, t('2026-09-09T00:00:00'))
    expect(late).toMatchObject({ state: 'stopped', breached: true, remainingMs: -MINUTE })
    expect(iso(late.dueAt)).toBe(iso(t('2026-09-08T10:00:00')))
  })

  it('recomputes the due time when the priority (target) or the calendar changes, from the same segments', () => {
    let c = startClock(t('2026-09-30T16:00:00'))
    c = pauseClock(c, t('2026-09-30T17:00:00'))
    c = resumeClock(c, t('2026-09-30T17:30:00'))
    const now = t('2026-09-30T17:45:00')
    // P2, 8 h: 1 h + 0.5 h used by 18:00 on 30 Sep; 6.5 h left after the holiday → 8 Oct 16:30.
    expect(iso(readClock(shanghai, c, 8 * HOUR, 0.8, now).dueAt)).toBe(iso(t('2026-10-08T16:30:00')))
    // Raised to P1, 2 h: 1 h used, 1 h from 17:30 → 8 Oct 09:30.
    expect(iso(readClock(shanghai, c, 2 * HOUR, 0.8, now).dueAt)).toBe(iso(t('2026-10-08T09:30:00')))
    // A 7×24 calendar instead: 1 h used, 1 h from 17:30 → 18:30 the same day.
    expect(iso(readClock(always, c, 2 * HOUR, 0.8, now).dueAt)).toBe(iso(t('2026-09-30T18:30:00')))
  })

  it('working-day targets become business time from the start: 3 working days from Wednesday 30 September', () => {
    const start = t('2026-09-30T10:00:00')
    // 8 h on 30 Sep (from 10:00: 7 h) + 8, 9, 10 October (8 h each) = 31 h.
    expect(targetMs(shanghai, start, { workingDays: 3 })).toBe(31 * HOUR)
    expect(iso(readClock(shanghai, startClock(start), targetMs(shanghai, start, { workingDays: 3 }), 0.8, start).dueAt)).toBe(
      iso(t('2026-10-10T18:00:00')),
    )
    expect(targetMs(shanghai, start, { minutes: 90 })).toBe(90 * MINUTE)
  })
})

// ---------- properties ----------

const base = t('2026-01-01T00:00:00')
/** A clock driven by random pause/resume events at increasing instants. */
const clockRun = fc
  .record({
    start: fc.integer({ min: base, max: base + 340 * 24 * HOUR }),
    gaps: fc.array(fc.integer({ min: 1, max: 3 * 24 * 60 }), { maxLength: 8 }),
  })
  .map(({ start, gaps }) => {
    let c: ClockTiming = startClock(start)
    let at = start
    gaps.forEach((g, i) => {
      at += g * MINUTE
      c = i % 2 === 0 ? pauseClock(c, at) : resumeClock(c, at)
    })
    // End running, so that the due time exists.
    c = resumeClock(c, at + MINUTE)
    return { start, clock: c }
  })
const target = fc.integer({ min: 1, max: 60 * 24 * 10 }).map((m) => m * MINUTE)
const calendars = fc.constantFrom(shanghai, always)

describe('clock properties', () => {
  it('pausing never makes a ticket due earlier', () => {
    fc.assert(
      fc.property(calendars, clockRun, target, (cal, { start, clock }, ms) => {
        const withoutPauses = instantAtConsumed(cal, startClock(start), ms)!
        expect(instantAtConsumed(cal, clock, ms)!).toBeGreaterThanOrEqual(withoutPauses)
      }),
    )
  })

  it('the due time is where the consumed business time reaches the target', () => {
    fc.assert(
      fc.property(calendars, clockRun, target, (cal, { clock }, ms) => {
        const due = instantAtConsumed(cal, clock, ms)!
        expect(consumedMs(cal, clock, due)).toBe(ms)
      }),
    )
  })

  it('a deadline computed in pieces (segment by segment) equals one computed at once', () => {
    fc.assert(
      fc.property(calendars, clockRun, target, (cal, { clock }, ms) => {
        // Once: the reading. Pieces: walk the segments, carrying what is left.
        let left = ms
        let due: number | null = null
        for (const s of clock.segments) {
          const end = s.to ?? Number.POSITIVE_INFINITY
          const candidate = addBusinessMs(cal, s.from, left)
          if (candidate <= end) {
            due = candidate
            break
          }
          left -= consumedMs(cal, { segments: [s], stoppedAt: null }, end)
        }
        expect(readClock(cal, clock, ms, 0.8, clock.segments[0]!.from).dueAt).toBe(due)
      }),
    )
  })

  it('the warning never comes after the breach', () => {
    fc.assert(
      fc.property(calendars, clockRun, target, fc.double({ min: 0.05, max: 1, noNaN: true }), (cal, { clock }, ms, f) => {
        const r = readClock(cal, clock, ms, f, clock.segments[0]!.from)
        expect(r.warnAt!).toBeLessThanOrEqual(r.dueAt!)
      }),
    )
  })
})
