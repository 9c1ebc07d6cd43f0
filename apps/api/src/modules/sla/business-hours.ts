// Business calendars and the time arithmetic on them: pure functions, no I/O.
//
// A calendar says when the service desk works, in one IANA time zone: weekly hours (one or
// more intervals a day), dated exceptions — holidays (no work, or reduced hours) and make-up
// working days (调休: a weekend day that is worked) — or simply 7×24. Every function here
// takes instants (epoch milliseconds or Dates) and answers in instants; "business time" is
// time that falls inside the calendar's working intervals.

export const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
export type Weekday = (typeof WEEKDAYS)[number]

/** `HH:MM` local times, `end` may be `24:00`; start < end. */
export interface TimeRange {
  start: string
  end: string
}

export interface CalendarException {
  /** Local date `YYYY-MM-DD` in the calendar's time zone. */
  date: string
  /** `holiday`: not worked (or only `hours`); `workday`: a make-up working day (调休). */
  kind: 'holiday' | 'workday'
  name?: string | null
  /** Working hours that day; default: none for a holiday, `makeUpHours` for a workday. */
  hours?: TimeRange[] | null
}

export interface BusinessCalendar {
  timeZone: string
  /** 7×24: every instant is business time; week and exceptions are ignored. */
  alwaysOpen: boolean
  week: Record<Weekday, TimeRange[]>
  exceptions: CalendarException[]
  /** Hours of a make-up working day without its own; default: the first worked weekday's (Monday's). */
  makeUpHours?: TimeRange[] | null
}

export const MINUTE = 60_000
export const HOUR = 60 * MINUTE
const DAY = 24 * HOUR
/** A calendar with no working time for this many days has none at all. */
const MAX_EMPTY_DAYS = 3700

export class CalendarHasNoWorkingTime extends Error {
  constructor() {
    super('The calendar has no working time in the next ten years')
  }
}

// ---------- time zones ----------

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(timeZone: string) {
  let f = formatters.get(timeZone)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    })
    formatters.set(timeZone, f)
  }
  return f
}

/** True when `tz` is an IANA time zone this runtime knows. */
export function isValidTimeZone(tz: string): boolean {
  try {
    formatter(tz)
    return true
  } catch {
    return false
  }
}

interface LocalParts {
  y: number
  m: number
  d: number
  h: number
  min: number
  s: number
}

function localParts(timeZone: string, ms: number): LocalParts {
  const p: Record<string, number> = {}
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) if (part.type !== 'literal') p[part.type] = Number(part.value)
  return { y: p.year!, m: p.month!, d: p.day!, h: p.hour!, min: p.minute!, s: p.second! }
}

/** Offset of local time from UTC at instant `ms` (local − UTC), in ms, to the second. */
function offsetAt(timeZone: string, ms: number): number {
  const p = localParts(timeZone, ms)
  const wall = Date.UTC(p.y, p.m - 1, p.d, p.h, p.min, p.s)
  return wall - Math.floor(ms / 1000) * 1000
}

/** The instant of a local wall-clock time (a time skipped by a DST jump lands after the jump). */
export function zonedToInstant(timeZone: string, date: string, minuteOfDay: number): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const wall = Date.UTC(y, m - 1, d) + minuteOfDay * MINUTE
  const first = wall - offsetAt(timeZone, wall)
  const second = wall - offsetAt(timeZone, first)
  return first === second ? first : Math.max(first, second)
}

/** The local date (`YYYY-MM-DD`) of an instant in a time zone. */
export function localDate(timeZone: string, ms: number): string {
  const p = localParts(timeZone, ms)
  return civil(p.y, p.m, p.d)
}

function civil(y: number, m: number, d: number) {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const t = new Date(Date.UTC(y, m - 1, d) + days * DAY)
  return civil(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate())
}

export function weekdayOf(date: string): Weekday {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  // getUTCDay: 0 = Sunday; WEEKDAYS starts on Monday.
  return WEEKDAYS[(new Date(Date.UTC(y, m - 1, d)).getUTCDay() + 6) % 7]!
}

// ---------- validation ----------

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$|^24:00$/

export function minuteOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number) as [number, number]
  return h * 60 + m
}

/** Problems with a calendar as `{ path, message }`, empty when it is usable. */
export function calendarProblems(cal: BusinessCalendar): { path: string; message: string }[] {
  const problems: { path: string; message: string }[] = []
  if (!isValidTimeZone(cal.timeZone)) problems.push({ path: 'timeZone', message: `unknown time zone ${cal.timeZone}` })
  const checkRanges = (ranges: readonly TimeRange[], path: string) => {
    let prevEnd = -1
    const sorted = [...ranges].sort((a, b) => a.start.localeCompare(b.start))
    ranges.forEach((r, i) => {
      if (!HHMM.test(r.start) || !HHMM.test(r.end)) problems.push({ path: `${path}.${i}`, message: 'times are HH:MM (00:00–24:00)' })
      else if (minuteOf(r.start) >= minuteOf(r.end)) problems.push({ path: `${path}.${i}`, message: 'start must be before end' })
    })
    for (const r of sorted) {
      if (!HHMM.test(r.start) || !HHMM.test(r.end)) continue
      if (minuteOf(r.start) < prevEnd) problems.push({ path, message: 'intervals overlap' })
      prevEnd = Math.max(prevEnd, minuteOf(r.end))
    }
  }
  for (const d of WEEKDAYS) checkRanges(cal.week[d], `week.${d}`)
  if (cal.makeUpHours) checkRanges(cal.makeUpHours, 'makeUpHours')
  const seen = new Set<string>()
  cal.exceptions.forEach((e, i) => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(e.date) || addDays(e.date, 0) !== e.date)
      problems.push({ path: `exceptions.${i}.date`, message: 'a date YYYY-MM-DD' })
    if (seen.has(e.date)) problems.push({ path: `exceptions.${i}.date`, message: `${e.date} is listed twice` })
    seen.add(e.date)
    if (e.hours) checkRanges(e.hours, `exceptions.${i}.hours`)
  })
  return problems
}

// ---------- working intervals ----------

/** A calendar prepared for arithmetic: exceptions indexed, each day's intervals cached. */
export interface CompiledCalendar {
  readonly def: BusinessCalendar
  /** Working intervals `[from, to)` of a local date, as instants, ascending. */
  day(date: string): readonly (readonly [number, number])[]
}

const compiled = new WeakMap<BusinessCalendar, CompiledCalendar>()

export function compileCalendar(def: BusinessCalendar): CompiledCalendar {
  const hit = compiled.get(def)
  if (hit) return hit
  const exceptions = new Map(def.exceptions.map((e) => [e.date, e]))
  const makeUp = def.makeUpHours ?? WEEKDAYS.map((d) => def.week[d]).find((h) => h.length > 0) ?? []
  const cache = new Map<string, (readonly [number, number])[]>()
  const hoursOf = (date: string): readonly TimeRange[] => {
    const e = exceptions.get(date)
    if (e) return e.hours ?? (e.kind === 'workday' ? makeUp : [])
    return def.week[weekdayOf(date)]
  }
  const result: CompiledCalendar = {
    def,
    day(date) {
      let iv = cache.get(date)
      if (!iv) {
        iv = [...hoursOf(date)]
          .sort((a, b) => minuteOf(a.start) - minuteOf(b.start))
          .map((r) => [zonedToInstant(def.timeZone, date, minuteOf(r.start)), zonedToInstant(def.timeZone, date, minuteOf(r.end))] as const)
          .filter(([a, b]) => b > a)
        cache.set(date, iv)
      }
      return iv
    },
  }
  compiled.set(def, result)
  return result
}

const asCompiled = (cal: BusinessCalendar | CompiledCalendar): CompiledCalendar => ('day' in cal ? cal : compileCalendar(cal))

// ---------- arithmetic ----------

/**
 * The instant at which `ms` of business time have passed since `start`. With `ms` = 0 the
 * answer is `start` itself; otherwise a deadline always falls inside (or at the end of) a
 * working interval, so a ticket opened on Friday night is due on Monday morning.
 */
export function addBusinessMs(calendar: BusinessCalendar | CompiledCalendar, start: number, ms: number): number {
  if (ms < 0) throw new RangeError('business time to add must not be negative')
  if (ms === 0) return start
  const cal = asCompiled(calendar)
  if (cal.def.alwaysOpen) return start + ms
  let remaining = ms
  // Intervals can spill into the previous local date's list only through DST, so start one day early.
  let date = addDays(localDate(cal.def.timeZone, start), -1)
  for (let empty = 0; empty < MAX_EMPTY_DAYS; date = addDays(date, 1)) {
    const intervals = cal.day(date)
    if (intervals.length === 0) empty++
    else empty = 0
    for (const [from, to] of intervals) {
      if (to <= start) continue
      const begin = Math.max(from, start)
      const available = to - begin
      if (remaining <= available) return begin + remaining
      remaining -= available
    }
  }
  throw new CalendarHasNoWorkingTime()
}

/** `addBusinessMs` with minutes and Dates. */
export function addBusinessTime(calendar: BusinessCalendar | CompiledCalendar, start: Date, minutes: number): Date {
  return new Date(addBusinessMs(calendar, start.getTime(), Math.round(minutes * MINUTE)))
}

/** Business time, in ms, between two instants (0 when `to` ≤ `from`). */
export function businessMsBetween(calendar: BusinessCalendar | CompiledCalendar, from: number, to: number): number {
  if (to <= from) return 0
  const cal = asCompiled(calendar)
  if (cal.def.alwaysOpen) return to - from
  let total = 0
  const last = localDate(cal.def.timeZone, to)
  for (let date = addDays(localDate(cal.def.timeZone, from), -1); date <= addDays(last, 1); date = addDays(date, 1)) {
    for (const [a, b] of cal.day(date)) {
      const lo = Math.max(a, from)
      const hi = Math.min(b, to)
      if (hi > lo) total += hi - lo
    }
  }
  return total
}

/** `businessMsBetween` in minutes, for Dates. */
export function businessMinutesBetween(calendar: BusinessCalendar | CompiledCalendar, from: Date, to: Date): number {
  return businessMsBetween(calendar, from.getTime(), to.getTime()) / MINUTE
}

/** Is `date` a working day (has working hours)? A 7×24 calendar works every day. */
export function isWorkingDay(calendar: BusinessCalendar | CompiledCalendar, date: string): boolean {
  const cal = asCompiled(calendar)
  return cal.def.alwaysOpen || cal.day(date).length > 0
}

/**
 * "Within N working days" from `start`: the end of the N-th working day after the day of
 * `start` (审查阶段3个工作日内完成: opened Monday → due at the close of Thursday). A 7×24
 * calendar counts calendar days, to the same time of day.
 */
export function workingDaysDeadline(calendar: BusinessCalendar | CompiledCalendar, start: number, days: number): number {
  const cal = asCompiled(calendar)
  if (days <= 0) return start
  if (cal.def.alwaysOpen) return start + days * DAY
  let date = localDate(cal.def.timeZone, start)
  let counted = 0
  let empty = 0
  while (counted < days) {
    date = addDays(date, 1)
    const intervals = cal.day(date)
    if (intervals.length > 0) {
      counted++
      empty = 0
    } else if (++empty > MAX_EMPTY_DAYS) throw new CalendarHasNoWorkingTime()
  }
  return cal.day(date).at(-1)![1]
}
