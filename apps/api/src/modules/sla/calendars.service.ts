// Business calendars: CRUD, dated exceptions, import of a year's Chinese holidays. Every change
// that moves working time bumps the version and has the open clocks on the calendar recomputed.
import type { CreateSlaCalendarBody, SlaCalendar, SlaCalendarDay, UpdateSlaCalendarBody } from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import type { ModuleDeps } from '../../modules.ts'
import { assertVersion } from '../customers/index.ts'
import { calendarProblems } from './business-hours.ts'
import { toBusinessCalendar } from './calendar-loader.ts'
import { chineseHolidayExceptions } from './chinese-holidays.ts'
import { ensureSlaDefaults } from './setup.ts'
import { calendarRepository } from './sla.repository.ts'
import { toCalendarDto } from './sla.mapping.ts'
import type { CalendarDayRow, CalendarRow } from './sla.tables.ts'

type Deps = Pick<ModuleDeps, 'database' | 'audit' | 'clock'> & {
  /** Called after commit when working time changed: recompute the open clocks on the calendar. */
  onCalendarChanged(tenantId: string, calendarId: string): Promise<void>
}

type DayRow = Omit<CalendarDayRow, 'tenantId' | 'calendarId'>
const dayRow = (d: SlaCalendarDay): DayRow => ({ date: d.date, kind: d.kind, name: d.name, hours: d.hours })

function holidayDays(year: number): DayRow[] {
  const days = chineseHolidayExceptions(year)
  if (!days) throw ValidationError.field('year', `no published Chinese holidays for ${year} in the installed chinese-days package`)
  return days.map((d) => ({ date: d.date, kind: d.kind, name: d.name ?? null, hours: null }))
}

function assertUsable(row: Pick<CalendarRow, 'timeZone' | 'alwaysOpen' | 'week' | 'makeUpHours'>, days: readonly DayRow[]) {
  const problems = calendarProblems(
    toBusinessCalendar(
      row,
      days.map((d) => ({ ...d, tenantId: '', calendarId: '' })),
    ),
  )
  if (problems.length) throw new ValidationError(problems.map((p) => `${p.path}: ${p.message}`).join('; '), problems)
  if (!row.alwaysOpen && Object.values(row.week).every((h) => h.length === 0) && !days.some((d) => d.kind === 'workday'))
    throw ValidationError.field('week', 'a calendar needs working hours on at least one weekday (or alwaysOpen)')
}

export function createCalendarService({ database, audit, clock, onCalendarChanged }: Deps) {
  async function dto(tx: DbOrTx, row: CalendarRow) {
    return toCalendarDto(row, await calendarRepository.days(tx, row.id))
  }

  async function mustFind(tx: DbOrTx, id: string) {
    const row = await calendarRepository.find(tx, id)
    if (!row) throw new NotFoundError('calendar', id)
    return row
  }

  /** Runs a change in the tenant's transaction with its audit entry, then recomputes after commit. */
  async function change(
    ctx: RequestContext,
    id: string,
    ifMatch: number | undefined,
    action: string,
    fn: (tx: DbOrTx, row: CalendarRow) => Promise<{ set?: Partial<CalendarRow>; detail: Record<string, unknown> }>,
  ) {
    const tenantId = ctx.actor.tenantId
    const result = await database.withTenant(tenantId, async (tx) => {
      const before = await mustFind(tx, id)
      assertVersion(ifMatch, before.version)
      const { set, detail } = await fn(tx, before)
      const row = (await calendarRepository.update(tx, id, { ...set, updatedAt: clock.now() }))!
      const days = await calendarRepository.days(tx, id)
      assertUsable(row, days)
      await audit.record(tx, {
        tenantId,
        actorType: 'user',
        actorId: ctx.actor.userId,
        action,
        entityType: 'sla_calendar',
        entityId: id,
        before: { version: before.version },
        after: { version: row.version, ...detail },
        requestId: ctx.requestId,
        ip: ctx.ip,
      })
      return toCalendarDto(row, days)
    })
    await onCalendarChanged(tenantId, id)
    return result
  }

  return {
    async list(ctx: RequestContext): Promise<SlaCalendar[]> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        await ensureSlaDefaults(tx, ctx.actor.tenantId, clock.now(), audit)
        const rows = await calendarRepository.list(tx)
        const days = await calendarRepository.daysOf(
          tx,
          rows.map((r) => r.id),
        )
        return rows.map((r) =>
          toCalendarDto(
            r,
            days.filter((d) => d.calendarId === r.id),
          ),
        )
      })
    },

    async get(ctx: RequestContext, id: string): Promise<SlaCalendar> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => dto(tx, await mustFind(tx, id)))
    },

    async create(ctx: RequestContext, body: CreateSlaCalendarBody): Promise<SlaCalendar> {
      const tenantId = ctx.actor.tenantId
      return database.withTenant(tenantId, async (tx) => {
        await ensureSlaDefaults(tx, tenantId, clock.now(), audit)
        const days = new Map(body.days.map((d) => [d.date, dayRow(d)]))
        // Imported holidays first; days given explicitly win.
        const imported = body.importChineseHolidays.flatMap(holidayDays).filter((d) => !days.has(d.date))
        const allDays = [...imported, ...days.values()].sort((a, b) => a.date.localeCompare(b.date))
        if (body.days.length !== days.size) throw ValidationError.field('days', 'a date is listed twice')
        assertUsable({ timeZone: body.timeZone, alwaysOpen: body.alwaysOpen, week: body.week, makeUpHours: body.makeUpHours }, allDays)
        if (await calendarRepository.findByName(tx, body.name))
          throw new ConflictError('name_taken', `A calendar named ${body.name} already exists`)
        if (body.isDefault) await calendarRepository.clearDefault(tx)
        const now = clock.now()
        const row = await calendarRepository.insert(tx, {
          tenantId,
          name: body.name,
          timeZone: body.timeZone,
          alwaysOpen: body.alwaysOpen,
          week: body.week,
          makeUpHours: body.makeUpHours,
          isDefault: body.isDefault,
          createdAt: now,
          updatedAt: now,
        })
        await calendarRepository.replaceDays(tx, tenantId, row.id, allDays)
        await audit.record(tx, {
          tenantId,
          actorType: 'user',
          actorId: ctx.actor.userId,
          action: 'sla.calendar_created',
          entityType: 'sla_calendar',
          entityId: row.id,
          after: { name: row.name, timeZone: row.timeZone, alwaysOpen: row.alwaysOpen, days: allDays.length },
          requestId: ctx.requestId,
          ip: ctx.ip,
        })
        return dto(tx, row)
      })
    },

    update(ctx: RequestContext, id: string, body: UpdateSlaCalendarBody, ifMatch: number | undefined) {
      return change(ctx, id, ifMatch, 'sla.calendar_updated', async (tx, before) => {
        if (body.name && body.name !== before.name && (await calendarRepository.findByName(tx, body.name)))
          throw new ConflictError('name_taken', `A calendar named ${body.name} already exists`)
        if (body.isDefault) await calendarRepository.clearDefault(tx)
        if (body.days) {
          if (new Set(body.days.map((d) => d.date)).size !== body.days.length) throw ValidationError.field('days', 'a date is listed twice')
          await calendarRepository.replaceDays(tx, ctx.actor.tenantId, id, body.days.map(dayRow))
        }
        const { days: _days, ...fields } = body
        return { set: fields, detail: { fields: Object.keys(body) } }
      })
    },

    putDay(ctx: RequestContext, id: string, date: string, day: Omit<SlaCalendarDay, 'date'>, ifMatch: number | undefined) {
      return change(ctx, id, ifMatch, 'sla.calendar_day_set', async (tx) => {
        await calendarRepository.upsertDay(tx, {
          tenantId: ctx.actor.tenantId,
          calendarId: id,
          date,
          kind: day.kind,
          name: day.name,
          hours: day.hours,
        })
        return { detail: { date, kind: day.kind } }
      })
    },

    deleteDay(ctx: RequestContext, id: string, date: string, ifMatch: number | undefined) {
      return change(ctx, id, ifMatch, 'sla.calendar_day_removed', async (tx) => {
        if (!(await calendarRepository.deleteDay(tx, id, date))) throw new NotFoundError('calendar day', date)
        return { detail: { date } }
      })
    },

    async importHolidays(ctx: RequestContext, id: string, year: number, replace: boolean) {
      const days = holidayDays(year)
      const calendar = await change(ctx, id, undefined, 'sla.calendar_holidays_imported', async (tx) => {
        if (replace) await calendarRepository.replaceDays(tx, ctx.actor.tenantId, id, days, { from: `${year}-01-01`, to: `${year}-12-31` })
        else await calendarRepository.addDaysKeepingExisting(tx, ctx.actor.tenantId, id, days)
        return { detail: { year, replace, imported: days.length } }
      })
      return { year, imported: days.length, calendar }
    },

    async remove(ctx: RequestContext, id: string, ifMatch: number | undefined) {
      const tenantId = ctx.actor.tenantId
      await database.withTenant(tenantId, async (tx) => {
        const row = await mustFind(tx, id)
        assertVersion(ifMatch, row.version)
        if (row.isDefault)
          throw new ConflictError('calendar_is_default', 'The default calendar cannot be deleted; make another one the default first')
        if (await calendarRepository.isUsed(tx, id))
          throw new ConflictError('calendar_in_use', 'Policies, settings or clocks use this calendar')
        await calendarRepository.delete(tx, id)
        await audit.record(tx, {
          tenantId,
          actorType: 'user',
          actorId: ctx.actor.userId,
          action: 'sla.calendar_deleted',
          entityType: 'sla_calendar',
          entityId: id,
          before: { name: row.name },
          requestId: ctx.requestId,
          ip: ctx.ip,
        })
      })
    },
  }
}

export type CalendarService = ReturnType<typeof createCalendarService>
