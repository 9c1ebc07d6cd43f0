// Chinese public holidays and their make-up working days (调休), from the `chinese-days`
// package (one JSON file per year, as published by the State Council).
import { createRequire } from 'node:module'
import type { CalendarException } from './business-hours.ts'

const require = createRequire(import.meta.url)

interface YearFile {
  holidays: Record<string, string>
  workdays: Record<string, string>
}

/** Years the installed package covers. */
export function chineseHolidayYears(): number[] {
  const all = require('chinese-days/dist/chinese-days.json') as YearFile
  return [...new Set(Object.keys(all.holidays).map((d) => Number(d.slice(0, 4))))].sort((a, b) => a - b)
}

/** A year's holidays and make-up working days as calendar exceptions (null when the year is not published). */
export function chineseHolidayExceptions(year: number): CalendarException[] | null {
  let file: YearFile
  try {
    file = require(`chinese-days/dist/years/${year}.json`) as YearFile
  } catch {
    return null
  }
  // Entries read "National Day,国庆节,3": English name, Chinese name, length in days.
  const name = (v: string) => v.split(',')[1] ?? v
  const days: CalendarException[] = [
    ...Object.entries(file.holidays).map(([date, v]) => ({ date, kind: 'holiday' as const, name: name(v) })),
    ...Object.entries(file.workdays).map(([date, v]) => ({ date, kind: 'workday' as const, name: `${name(v)}调休` })),
  ]
  return days.sort((a, b) => a.date.localeCompare(b.date))
}
