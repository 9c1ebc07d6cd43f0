// Loads business calendars from the database for the clock maths, compiled once per version.
import type { DbOrTx } from '../../platform/db/index.ts'
import { NotFoundError } from '../../platform/errors.ts'
import { compileCalendar, type BusinessCalendar, type CompiledCalendar } from './business-hours.ts'
import { calendarRepository } from './sla.repository.ts'
import type { CalendarDayRow, CalendarRow } from './sla.tables.ts'

export function toBusinessCalendar(
  row: Pick<CalendarRow, 'timeZone' | 'alwaysOpen' | 'week' | 'makeUpHours'>,
  days: readonly CalendarDayRow[],
): BusinessCalendar {
  return {
    timeZone: row.timeZone,
    alwaysOpen: row.alwaysOpen,
    week: row.week,
    makeUpHours: row.makeUpHours,
    exceptions: days.map((d) => ({ date: d.date, kind: d.kind, name: d.name, hours: d.hours })),
  }
}

export interface LoadedCalendar {
  row: CalendarRow
  compiled: CompiledCalendar
}

export interface CalendarLoader {
  /** The calendar with its days, compiled (cached by id and version: every edit bumps the version). */
  load(tx: DbOrTx, id: string): Promise<LoadedCalendar>
  /** Several at once, for readings over many clocks. */
  loadMany(tx: DbOrTx, ids: Iterable<string>): Promise<Map<string, LoadedCalendar>>
}

export function createCalendarLoader(maxEntries = 200): CalendarLoader {
  const cache = new Map<string, LoadedCalendar>()
  const key = (row: CalendarRow) => `${row.id}:${row.version}`
  const remember = (row: CalendarRow, days: CalendarDayRow[]) => {
    const loaded = { row, compiled: compileCalendar(toBusinessCalendar(row, days)) }
    if (cache.size >= maxEntries) cache.delete(cache.keys().next().value!)
    cache.set(key(row), loaded)
    return loaded
  }
  const loader: CalendarLoader = {
    async load(tx, id) {
      const row = await calendarRepository.find(tx, id)
      if (!row) throw new NotFoundError('calendar', id)
      return cache.get(key(row)) ?? remember(row, await calendarRepository.days(tx, id))
    },
    async loadMany(tx, ids) {
      const out = new Map<string, LoadedCalendar>()
      for (const id of new Set(ids)) out.set(id, await loader.load(tx, id))
      return out
    },
  }
  return loader
}
