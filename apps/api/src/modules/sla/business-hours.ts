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
  /** Business time from an arbitrary origin up to instant `t` (differences are what matter). */
  cumulative(t: number): number
  /** The earliest instant whose cumulative business time is `c` (inside or at the end of an interval). */
  instantOf(c: number): number
}

/** Days indexed at once, and how far the index grows when an instant falls outside it. */
const INDEX_BEFORE = 45
const INDEX_AFTER = 200
const INDEX_GROW = 370

/**
 * All working intervals between two local dates as parallel arrays with prefix sums of their
 * lengths: business time between two instants becomes two binary searches, whatever the span.
 */
interface IntervalIndex {
  firstDate: string
  lastDate: string
  /** Instants covered: [coverFrom, coverTo). */
  coverFrom: number
  coverTo: number
  starts: Float64Array
  ends: Float64Array
  /** Business time before interval i (from the index origin). */
  before: Float64Array
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
  const day = (date: string) => {
    let iv = cache.get(date)
    if (!iv) {
      iv = [...hoursOf(date)]
        .sort((a, b) => minuteOf(a.start) - minuteOf(b.start))
        .map((r) => [zonedToInstant(def.timeZone, date, minuteOf(r.start)), zonedToInstant(def.timeZone, date, minuteOf(r.end))] as const)
        .filter(([a, b]) => b > a)
      cache.set(date, iv)
    }
    return iv
  }

  // The origin of the prefix sums moves when the index grows backwards; `shift` keeps the
  // cumulative values callers hold comparable (they only ever subtract two of them).
  let index: IntervalIndex | undefined
  const build = (firstDate: string, lastDate: string): IntervalIndex => {
    const starts: number[] = []
    const ends: number[] = []
    for (let d = firstDate; d <= lastDate; d = addDays(d, 1))
      for (const [a, b] of day(d)) {
        // DST can make a day's last interval touch the next day's first: keep them ordered.
        if (ends.length && a < ends[ends.length - 1]!) continue
        starts.push(a)
        ends.push(b)
      }
    const before = new Float64Array(starts.length)
    for (let i = 1; i < starts.length; i++) before[i] = before[i - 1]! + (ends[i - 1]! - starts[i - 1]!)
    return {
      firstDate,
      lastDate,
      coverFrom: zonedToInstant(def.timeZone, firstDate, 0),
      coverTo: zonedToInstant(def.timeZone, addDays(lastDate, 1), 0),
      starts: Float64Array.from(starts),
      ends: Float64Array.from(ends),
      before,
    }
  }
  /** Business time before instant t within the index (t inside the covered range). */
  const cum = (ix: IntervalIndex, t: number) => {
    // Last interval starting at or before t.
    let lo = 0
    let hi = ix.starts.length - 1
    let i = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if (ix.starts[mid]! <= t) {
        i = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    if (i < 0) return 0
    return ix.before[i]! + Math.min(t, ix.ends[i]!) - ix.starts[i]!
  }
  let shift = 0
  const covering = (t: number): IntervalIndex => {
    if (!index) {
      const d = localDate(def.timeZone, t)
      index = build(addDays(d, -INDEX_BEFORE), addDays(d, INDEX_AFTER))
    }
    while (t < index.coverFrom) {
      const old: IntervalIndex = index
      const grown = build(addDays(old.firstDate, -INDEX_GROW), old.lastDate)
      // Old cumulative values stay valid: the new origin is earlier by the time added in front.
      shift += cum(grown, old.coverFrom)
      index = grown
    }
    while (t >= index.coverTo) index = build(index.firstDate, addDays(index.lastDate, INDEX_GROW))
    return index
  }
  const result: CompiledCalendar = {
    def,
    day,
    cumulative(t) {
      return cum(covering(t), t) - shift
    },
    instantOf(c) {
      for (let grown = 0; ; grown++) {
        const ix = index ?? covering(Date.now())
        const target = c + shift
        const n = ix.starts.length
        // First interval whose end reaches the target.
        let lo = 0
        let hi = n - 1
        let j = -1
        while (lo <= hi) {
          const mid = (lo + hi) >> 1
          if (ix.before[mid]! + (ix.ends[mid]! - ix.starts[mid]!) >= target) {
            j = mid
            hi = mid - 1
          } else lo = mid + 1
        }
        if (j >= 0 && target >= ix.before[j]!) return ix.starts[j]! + (target - ix.before[j]!)
        if (j === 0 && target < ix.before[0]!) {
          covering(ix.coverFrom - 1)
          continue
        }
        if (grown * INDEX_GROW > MAX_EMPTY_DAYS) throw new CalendarHasNoWorkingTime()
        covering(ix.coverTo)
      }
    },
  }
  compiled.set(def, result)
  return result
}

const asCompiled = (cal: BusinessCalendar | CompiledCalendar): CompiledCalendar => ('cumulative' in cal ? cal : compileCalendar(cal))

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
  return Math.max(start, cal.instantOf(cal.cumulative(start) + ms))
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
  // Cumulative readings stay comparable however the index grows between the two.
  return cal.cumulative(to) - cal.cumulative(from)
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
