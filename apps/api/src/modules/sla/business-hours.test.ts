import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  addBusinessMs,
  addBusinessTime,
  addDays,
  businessMinutesBetween,
  businessMsBetween,
  calendarProblems,
  CalendarHasNoWorkingTime,
  HOUR,
  isWorkingDay,
  localDate,
  MINUTE,
  weekdayOf,
  workingDaysDeadline,
  zonedToInstant,
  type BusinessCalendar,
  type TimeRange,
} from './business-hours.ts'
import { chineseHolidayExceptions, chineseHolidayYears } from './chinese-holidays.ts'

const office: TimeRange[] = [
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '18:00' },
]
/** Shanghai office hours, Mon–Fri 9–12 and 13–18 (8 working hours a day), 2026 Chinese holidays. */
export const shanghai: BusinessCalendar = {
  timeZone: 'Asia/Shanghai',
  alwaysOpen: false,
  week: { mon: office, tue: office, wed: office, thu: office, fri: office, sat: [], sun: [] },
  exceptions: chineseHolidayExceptions(2026)!,
}
const always: BusinessCalendar = { ...shanghai, alwaysOpen: true }
/** Local Shanghai time → Date. */
const sh = (s: string) => new Date(`${s}+08:00`)

describe('time zones', () => {
  it('converts local wall-clock times to instants, across daylight saving time', () => {
    expect(new Date(zonedToInstant('Asia/Shanghai', '2026-10-09', 9 * 60)).toISOString()).toBe('2026-10-09T01:00:00.000Z')
    // Berlin: CET (+1) in winter, CEST (+2) after 29 March 2026.
    expect(new Date(zonedToInstant('Europe/Berlin', '2026-03-27', 9 * 60)).toISOString()).toBe('2026-03-27T08:00:00.000Z')
    expect(new Date(zonedToInstant('Europe/Berlin', '2026-03-30', 9 * 60)).toISOString()).toBe('2026-03-30T07:00:00.000Z')
    // 02:30 does not exist on 29 March in Berlin: it lands after the jump.
    expect(new Date(zonedToInstant('Europe/Berlin', '2026-03-29', 150)).toISOString()).toBe('2026-03-29T01:30:00.000Z')
    expect(localDate('Asia/Shanghai', Date.parse('2026-10-08T17:30:00Z'))).toBe('2026-10-09')
    expect(weekdayOf('2026-10-10')).toBe('sat')
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01')
  })

  it('a working day in New York is counted in New York time, DST included', () => {
    const ny: BusinessCalendar = { ...shanghai, timeZone: 'America/New_York', exceptions: [] }
    // Friday 6 March 2026 17:00 EST + 2 h → Monday 9 March 10:00 EDT (clocks went forward on Sunday).
    expect(addBusinessTime(ny, new Date('2026-03-06T22:00:00Z'), 120).toISOString()).toBe('2026-03-09T14:00:00.000Z')
  })
})

describe('addBusinessTime', () => {
  it('adds within one working interval', () => {
    expect(addBusinessTime(shanghai, sh('2026-09-08T09:30:00'), 60)).toEqual(sh('2026-09-08T10:30:00'))
  })

  it('skips the lunch break and the night', () => {
    expect(addBusinessTime(shanghai, sh('2026-09-08T11:30:00'), 60)).toEqual(sh('2026-09-08T13:30:00'))
    expect(addBusinessTime(shanghai, sh('2026-09-08T17:00:00'), 240)).toEqual(sh('2026-09-09T12:00:00'))
  })

  it('a ticket opened at night or at the weekend starts counting at the next working morning', () => {
    expect(addBusinessTime(shanghai, sh('2026-09-08T22:00:00'), 15)).toEqual(sh('2026-09-09T09:15:00'))
    // Friday 17:30 + 4 h → ½ h on Friday, 3 h on Monday morning, ½ h after lunch: Monday 13:30.
    expect(addBusinessTime(shanghai, sh('2026-09-11T17:30:00'), 240)).toEqual(sh('2026-09-14T13:30:00'))
  })

  it('ends exactly at the end of an interval rather than at the next morning', () => {
    expect(addBusinessTime(shanghai, sh('2026-09-08T17:00:00'), 60)).toEqual(sh('2026-09-08T18:00:00'))
  })

  it('adding nothing is the start itself, even outside working hours', () => {
    expect(addBusinessTime(shanghai, sh('2026-09-08T22:00:00'), 0)).toEqual(sh('2026-09-08T22:00:00'))
  })

  it('honours the 2026 National Day week and its make-up Saturday (调休)', () => {
    // Wednesday 30 Sep 17:00 + 2 h: 1 h on the 30th, then 1–7 October are holidays, 8–9 October
    // are working days. 10 October (a Saturday) is a make-up working day.
    expect(addBusinessTime(shanghai, sh('2026-09-30T17:00:00'), 120)).toEqual(sh('2026-10-08T10:00:00'))
    // Friday 9 October 17:00 + 2 h → the make-up Saturday 10 October, 10:00.
    expect(addBusinessTime(shanghai, sh('2026-10-09T17:00:00'), 120)).toEqual(sh('2026-10-10T10:00:00'))
    // The Sunday make-up day before the holiday (20 September) is worked too.
    expect(addBusinessTime(shanghai, sh('2026-09-19T10:00:00'), 60)).toEqual(sh('2026-09-20T10:00:00'))
    expect(isWorkingDay(shanghai, '2026-10-05')).toBe(false)
    expect(isWorkingDay(shanghai, '2026-10-10')).toBe(true)
  })

  it('skips the 2026 Spring Festival (15–23 February) and works the make-up Saturday 28 February', () => {
    expect(addBusinessTime(shanghai, sh('2026-02-13T17:00:00'), 120)).toEqual(sh('2026-02-14T10:00:00'))
    expect(addBusinessTime(shanghai, sh('2026-02-14T17:00:00'), 120)).toEqual(sh('2026-02-24T10:00:00'))
  })

  it('uses own hours for a reduced holiday and for a make-up day', () => {
    const cal: BusinessCalendar = {
      ...shanghai,
      exceptions: [
        { date: '2026-12-31', kind: 'holiday', name: '年终', hours: [{ start: '09:00', end: '12:00' }] },
        { date: '2027-01-02', kind: 'workday', hours: [{ start: '10:00', end: '11:00' }] },
      ],
    }
    expect(addBusinessTime(cal, sh('2026-12-31T11:00:00'), 90)).toEqual(sh('2027-01-01T09:30:00'))
    expect(addBusinessTime(cal, sh('2027-01-01T17:30:00'), 60)).toEqual(sh('2027-01-02T10:30:00'))
  })

  it('a 7×24 calendar is plain wall-clock time, holidays included', () => {
    expect(addBusinessTime(always, sh('2026-10-01T23:00:00'), 120)).toEqual(sh('2026-10-02T01:00:00'))
  })

  it('several intervals a day, including a late shift to midnight', () => {
    const shifts: TimeRange[] = [
      { start: '08:00', end: '12:00' },
      { start: '14:00', end: '17:00' },
      { start: '20:00', end: '24:00' },
    ]
    const cal: BusinessCalendar = { ...shanghai, exceptions: [], week: { ...shanghai.week, mon: shifts } }
    expect(addBusinessTime(cal, sh('2026-09-07T16:00:00'), 180)).toEqual(sh('2026-09-07T22:00:00'))
    expect(addBusinessTime(cal, sh('2026-09-07T23:00:00'), 120)).toEqual(sh('2026-09-08T10:00:00'))
  })

  it('refuses a calendar with no working time instead of looping', () => {
    const empty: BusinessCalendar = { ...shanghai, exceptions: [], week: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } }
    expect(() => addBusinessTime(empty, sh('2026-09-08T09:00:00'), 1)).toThrow(CalendarHasNoWorkingTime)
    expect(() => addBusinessMs(shanghai, 0, -1)).toThrow(RangeError)
  })
})

describe('business time between instants', () => {
  it('counts only working intervals', () => {
    expect(businessMinutesBetween(shanghai, sh('2026-09-08T08:00:00'), sh('2026-09-08T20:00:00'))).toBe(480)
    expect(businessMinutesBetween(shanghai, sh('2026-09-11T17:00:00'), sh('2026-09-14T10:00:00'))).toBe(120)
    expect(businessMinutesBetween(shanghai, sh('2026-09-30T09:00:00'), sh('2026-10-09T09:00:00'))).toBe(16 * 60)
    expect(businessMinutesBetween(shanghai, sh('2026-09-09T10:00:00'), sh('2026-09-08T10:00:00'))).toBe(0)
  })
})

describe('working days', () => {
  it('"within 3 working days" ends at the close of the third working day after the start day', () => {
    expect(new Date(workingDaysDeadline(shanghai, sh('2026-09-07T10:00:00').getTime(), 3))).toEqual(sh('2026-09-10T18:00:00'))
    // Started on 30 September: the next working days are 8, 9 and 10 (make-up Saturday) October.
    expect(new Date(workingDaysDeadline(shanghai, sh('2026-09-30T10:00:00').getTime(), 3))).toEqual(sh('2026-10-10T18:00:00'))
    expect(new Date(workingDaysDeadline(always, sh('2026-09-30T10:00:00').getTime(), 3))).toEqual(sh('2026-10-03T10:00:00'))
  })
})

describe('calendar validation', () => {
  it('names what is wrong', () => {
    const bad: BusinessCalendar = {
      timeZone: 'Mars/Olympus',
      alwaysOpen: false,
      week: {
        ...shanghai.week,
        mon: [
          { start: '09:00', end: '12:00' },
          { start: '11:00', end: '13:00' },
        ],
        tue: [{ start: '18:00', end: '09:00' }],
        wed: [{ start: '9am', end: '12:00' }],
      },
      exceptions: [
        { date: '2026-02-30', kind: 'holiday' },
        { date: '2026-10-01', kind: 'holiday' },
        { date: '2026-10-01', kind: 'workday' },
      ],
    }
    expect(calendarProblems(bad).map((p) => p.path)).toEqual([
      'timeZone',
      'week.mon',
      'week.tue.0',
      'week.wed.0',
      'exceptions.0.date',
      'exceptions.2.date',
    ])
    expect(calendarProblems(shanghai)).toEqual([])
  })
})

describe('Chinese holidays from chinese-days', () => {
  it('imports a year with its make-up working days', () => {
    const days = chineseHolidayExceptions(2026)!
    expect(days.find((d) => d.date === '2026-10-01')).toEqual({ date: '2026-10-01', kind: 'holiday', name: '国庆节' })
    expect(days.filter((d) => d.kind === 'workday').map((d) => d.date)).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ])
    expect(chineseHolidayExceptions(1999)).toBeNull()
    expect(chineseHolidayYears()).toContain(2026)
  })
})

// ---------- properties ----------

const start2026 = Date.parse('2026-01-01T00:00:00+08:00')
const instant = fc.integer({ min: start2026, max: start2026 + 360 * 24 * HOUR })
const minutes = fc.integer({ min: 0, max: 60 * 24 * 40 })
const calendars = fc.constantFrom(shanghai, always, { ...shanghai, timeZone: 'Europe/Berlin' })

describe('properties', () => {
  it('a deadline computed in pieces equals one computed at once', () => {
    fc.assert(
      fc.property(calendars, instant, minutes, minutes, (cal, s, a, b) => {
        expect(addBusinessMs(cal, addBusinessMs(cal, s, a * MINUTE), b * MINUTE)).toBe(addBusinessMs(cal, s, (a + b) * MINUTE))
      }),
    )
  })

  it('the business time between a start and its deadline is exactly what was added', () => {
    fc.assert(
      fc.property(calendars, instant, minutes, (cal, s, m) => {
        expect(businessMsBetween(cal, s, addBusinessMs(cal, s, m * MINUTE))).toBe(m * MINUTE)
      }),
    )
  })

  it('more time never gives an earlier deadline, and a deadline is never before the start', () => {
    fc.assert(
      fc.property(calendars, instant, minutes, minutes, (cal, s, a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a]
        expect(addBusinessMs(cal, s, lo * MINUTE)).toBeLessThanOrEqual(addBusinessMs(cal, s, hi * MINUTE))
        expect(addBusinessMs(cal, s, lo * MINUTE)).toBeGreaterThanOrEqual(s)
      }),
    )
  })

  it('a non-zero deadline never falls on a night, weekend or holiday of an office calendar', () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 60 * 24 * 40 }), (s, m) => {
        const due = addBusinessMs(shanghai, s, m * MINUTE)
        const date = localDate('Asia/Shanghai', due - 1)
        expect(isWorkingDay(shanghai, date)).toBe(true)
        // Inside (or at the end of) a working interval: the minute before it was business time.
        expect(businessMsBetween(shanghai, due - MINUTE, due)).toBeGreaterThan(0)
      }),
    )
  })

  it('business time is additive over adjacent spans', () => {
    fc.assert(
      fc.property(calendars, instant, instant, instant, (cal, x, y, z) => {
        const [a, b, c] = [x, y, z].sort((p, q) => p - q) as [number, number, number]
        expect(businessMsBetween(cal, a, b) + businessMsBetween(cal, b, c)).toBe(businessMsBetween(cal, a, c))
      }),
    )
  })
})
