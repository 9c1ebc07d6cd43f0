// SLA policies: CRUD, presets from the seeds, and the "what would the due time be" preview.
import type { CreateSlaPolicyBody, SlaPolicy, SlaPreview, SlaPreviewBody, SlaTargetSpec, UpdateSlaPolicyBody } from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { ConflictError, NotFoundError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import type { ModuleDeps } from '../../modules.ts'
import { assertVersion } from '../customers/index.ts'
import { CalendarHasNoWorkingTime, calendarProblems, compileCalendar, MINUTE, type CompiledCalendar } from './business-hours.ts'
import type { CalendarLoader } from './calendar-loader.ts'
import { chineseHolidayExceptions } from './chinese-holidays.ts'
import { instantAtConsumed, startClock, targetMs } from './clock.ts'
import { presets } from './presets.ts'
import { ensureSlaDefaults } from './setup.ts'
import { calendarRepository, policyRepository } from './sla.repository.ts'
import { toPolicyDto } from './sla.mapping.ts'
import type { PolicyRow } from './sla.tables.ts'

type Deps = Pick<ModuleDeps, 'database' | 'audit' | 'clock'> & {
  calendars: CalendarLoader
  /** Called after commit when a policy's targets, calendar or matching changed. */
  onPolicyChanged(tenantId: string, policyId: string): Promise<void>
}

const KIND_KEYS = [
  ['first_response', 'firstResponse'],
  ['next_update', 'nextUpdate'],
  ['resolution', 'resolution'],
] as const

function assertTargets(targets: CreateSlaPolicyBody['targets']) {
  const stated = Object.values(targets).filter((t) => t && (t.firstResponse || t.nextUpdate || t.resolution))
  if (stated.length === 0) throw ValidationError.field('targets', 'state at least one target for at least one priority')
}

export function createPolicyService({ database, audit, clock, calendars, onPolicyChanged }: Deps) {
  async function mustFind(tx: DbOrTx, id: string) {
    const row = await policyRepository.find(tx, id)
    if (!row) throw new NotFoundError('policy', id)
    return row
  }

  async function calendarFor(tx: DbOrTx, calendarId: string | undefined) {
    if (calendarId) {
      const cal = await calendarRepository.find(tx, calendarId)
      if (!cal) throw ValidationError.field('calendarId', `no calendar ${calendarId}`)
      return cal.id
    }
    const def = await calendarRepository.findDefault(tx)
    if (!def) throw ValidationError.field('calendarId', 'the tenant has no default calendar: give one')
    return def.id
  }

  async function insert(ctx: RequestContext, tx: DbOrTx, body: CreateSlaPolicyBody & { preset?: string | null }) {
    const tenantId = ctx.actor.tenantId
    assertTargets(body.targets)
    if ((await policyRepository.list(tx)).some((p) => p.name === body.name))
      throw new ConflictError('name_taken', `A policy named ${body.name} already exists`)
    const now = clock.now()
    const row = await policyRepository.insert(tx, {
      tenantId,
      name: body.name,
      description: body.description,
      tiers: body.tiers,
      categoryIds: body.categoryIds,
      typeIds: body.typeIds,
      rank: body.rank,
      calendarId: await calendarFor(tx, body.calendarId),
      warningFraction: body.warningFraction,
      pauseStatuses: body.pauseStatuses,
      targets: body.targets,
      escalations: body.escalations,
      compensation: body.compensation,
      active: body.active,
      preset: body.preset ?? null,
      createdAt: now,
      updatedAt: now,
    })
    await audit.record(tx, {
      tenantId,
      actorType: 'user',
      actorId: ctx.actor.userId,
      action: 'sla.policy_created',
      entityType: 'sla_policy',
      entityId: row.id,
      after: toPolicyDto(row),
      requestId: ctx.requestId,
      ip: ctx.ip,
    })
    return row
  }

  /** The calendar a preview runs on: an unsaved one from the form, a saved one, or the policy's. */
  async function previewCalendar(
    tx: DbOrTx,
    body: SlaPreviewBody,
    policy: PolicyRow | null,
  ): Promise<{ id: string | null; compiled: CompiledCalendar }> {
    if (body.calendar) {
      const c = body.calendar
      const exceptions = [...c.importChineseHolidays.flatMap((y) => chineseHolidayExceptions(y) ?? []), ...c.days]
      const def = { timeZone: c.timeZone, alwaysOpen: c.alwaysOpen, week: c.week, makeUpHours: c.makeUpHours, exceptions }
      const problems = calendarProblems(def)
      if (problems.length)
        throw new ValidationError(
          problems.map((p) => `calendar.${p.path}: ${p.message}`).join('; '),
          problems.map((p) => ({ ...p, path: `calendar.${p.path}` })),
        )
      return { id: null, compiled: compileCalendar(def) }
    }
    const id = body.calendarId ?? policy?.calendarId ?? (await calendarFor(tx, undefined))
    if (body.calendarId && !(await calendarRepository.find(tx, body.calendarId)))
      throw ValidationError.field('calendarId', `no calendar ${body.calendarId}`)
    return { id, compiled: (await calendars.load(tx, id)).compiled }
  }

  return {
    async list(ctx: RequestContext): Promise<SlaPolicy[]> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        await ensureSlaDefaults(tx, ctx.actor.tenantId, clock.now(), audit)
        return (await policyRepository.list(tx)).map(toPolicyDto)
      })
    },

    async get(ctx: RequestContext, id: string): Promise<SlaPolicy> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => toPolicyDto(await mustFind(tx, id)))
    },

    async create(ctx: RequestContext, body: CreateSlaPolicyBody): Promise<SlaPolicy> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        await ensureSlaDefaults(tx, ctx.actor.tenantId, clock.now(), audit)
        return toPolicyDto(await insert(ctx, tx, body))
      })
    },

    presets: () => presets,

    async fromPreset(ctx: RequestContext, key: string, opts: { name?: string; calendarId?: string }): Promise<SlaPolicy> {
      const preset = presets.find((p) => p.key === key)
      if (!preset) throw ValidationError.field('preset', `unknown preset ${key}; one of ${presets.map((p) => p.key).join(', ')}`)
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        await ensureSlaDefaults(tx, ctx.actor.tenantId, clock.now(), audit)
        let calendarId = opts.calendarId
        if (!calendarId && preset.calendar === 'always') calendarId = (await calendarRepository.list(tx)).find((c) => c.alwaysOpen)?.id
        return toPolicyDto(
          await insert(ctx, tx, { ...preset.policy, name: opts.name ?? preset.policy.name, calendarId, preset: preset.key }),
        )
      })
    },

    async update(ctx: RequestContext, id: string, body: UpdateSlaPolicyBody, ifMatch: number | undefined): Promise<SlaPolicy> {
      const tenantId = ctx.actor.tenantId
      const row = await database.withTenant(tenantId, async (tx) => {
        const before = await mustFind(tx, id)
        assertVersion(ifMatch, before.version)
        if (body.targets) assertTargets(body.targets)
        if (body.name && body.name !== before.name && (await policyRepository.list(tx)).some((p) => p.name === body.name))
          throw new ConflictError('name_taken', `A policy named ${body.name} already exists`)
        const calendarId = body.calendarId ? await calendarFor(tx, body.calendarId) : undefined
        const updated = (await policyRepository.update(tx, id, { ...body, ...(calendarId ? { calendarId } : {}), updatedAt: clock.now() }))!
        await audit.record(tx, {
          tenantId,
          actorType: 'user',
          actorId: ctx.actor.userId,
          action: 'sla.policy_updated',
          entityType: 'sla_policy',
          entityId: id,
          before: toPolicyDto(before),
          after: toPolicyDto(updated),
          requestId: ctx.requestId,
          ip: ctx.ip,
        })
        return updated
      })
      await onPolicyChanged(tenantId, id)
      return toPolicyDto(row)
    },

    async remove(ctx: RequestContext, id: string, ifMatch: number | undefined) {
      const tenantId = ctx.actor.tenantId
      await database.withTenant(tenantId, async (tx) => {
        const row = await mustFind(tx, id)
        assertVersion(ifMatch, row.version)
        if (await policyRepository.isUsed(tx, id))
          throw new ConflictError('policy_in_use', 'Tickets were measured against this policy; deactivate it instead (active: false)')
        await policyRepository.delete(tx, id)
        await audit.record(tx, {
          tenantId,
          actorType: 'user',
          actorId: ctx.actor.userId,
          action: 'sla.policy_deleted',
          entityType: 'sla_policy',
          entityId: id,
          before: toPolicyDto(row),
          requestId: ctx.requestId,
          ip: ctx.ip,
        })
      })
    },

    /** Due and warning instants for a start time, without creating anything. */
    async preview(ctx: RequestContext, body: SlaPreviewBody): Promise<SlaPreview> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        await ensureSlaDefaults(tx, ctx.actor.tenantId, clock.now(), audit)
        const policy = body.policyId ? await mustFind(tx, body.policyId) : null
        const { id, compiled } = await previewCalendar(tx, body, policy)
        const start = new Date(body.start).getTime()
        const fraction = body.warningFraction ?? policy?.warningFraction ?? 0.8
        const specs: [SlaPreview['items'][number]['target'], SlaTargetSpec][] = []
        if (body.target) specs.push(['custom', body.target])
        else if (policy && body.priority) {
          const t = policy.targets[body.priority]
          if (!t) throw ValidationError.field('priority', `the policy states no targets for ${body.priority}`)
          for (const [kind, key] of KIND_KEYS) if (t[key]) specs.push([kind, t[key]])
        }
        const timing = startClock(start)
        const at = (ms: number) => {
          try {
            return new Date(instantAtConsumed(compiled, timing, ms)!).toISOString()
          } catch (e) {
            if (e instanceof CalendarHasNoWorkingTime) throw ValidationError.field(body.calendar ? 'calendar' : 'calendarId', e.message)
            throw e
          }
        }
        return {
          calendarId: id,
          timeZone: compiled.def.timeZone,
          start: new Date(start).toISOString(),
          items: specs.map(([target, spec]) => {
            const ms = targetMs(compiled, start, spec)
            return {
              target,
              spec,
              businessMinutes: ms / MINUTE,
              warnAt: at(Math.round(ms * fraction)),
              dueAt: at(ms),
            }
          }),
        }
      })
    },
  }
}

export type PolicyService = ReturnType<typeof createPolicyService>
