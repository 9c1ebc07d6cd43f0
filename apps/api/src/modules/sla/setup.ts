// The SLA defaults a tenant starts with, installed on first use (idempotent, race-safe).
import type { SlaWeekHours } from '@aftercare/contracts'
import type { AuditLog } from '../../platform/audit/audit-log.ts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { chineseHolidayExceptions } from './chinese-holidays.ts'
import { defaultComplaintTargets, defaultDisputeTargets, defaultPresetKeys, presets } from './presets.ts'
import { calendarRepository, policyRepository, settingsRepository } from './sla.repository.ts'

const office = [
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '18:00' },
]
export const officeWeek: SlaWeekHours = { mon: office, tue: office, wed: office, thu: office, fri: office, sat: [], sun: [] }
const none: SlaWeekHours = { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] }

export const OFFICE_CALENDAR = '工作日 9:00–18:00（中国大陆）'
export const ALWAYS_CALENDAR = '7×24'

/** Tenants whose SLA defaults were seen committed (they are never removed): not read again per event. */
const withDefaults = new Set<string>()
/** Transactions that installed the defaults: until they commit, what they read is not yet for everyone. */
const installing = new WeakSet<DbOrTx>()

/**
 * Installs, once per tenant: an office calendar (Asia/Shanghai, Mon–Fri 9–12 and 13–18, this and next
 * year's Chinese holidays and make-up days) as the default, a 7×24 calendar, the default presets
 * (basic, advanced, P0) and the complaint / dispute settings. A no-op when already installed.
 */
export async function ensureSlaDefaults(tx: DbOrTx, tenantId: string, now: Date, audit: AuditLog): Promise<void> {
  if (withDefaults.has(tenantId)) return
  if (await settingsRepository.find(tx)) {
    if (!installing.has(tx)) {
      if (withDefaults.size >= 10_000) withDefaults.clear()
      withDefaults.add(tenantId)
    }
    return
  }
  // The settings row is the marker: a concurrent first use waits here and then finds it taken.
  if (
    !(await settingsRepository.insertOnce(tx, {
      tenantId,
      complaintTargets: defaultComplaintTargets,
      disputeTargets: defaultDisputeTargets,
    }))
  )
    return
  installing.add(tx)
  const year = Number(new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 4))
  const officeCal =
    (await calendarRepository.findByName(tx, OFFICE_CALENDAR)) ??
    (await calendarRepository.insert(tx, {
      tenantId,
      name: OFFICE_CALENDAR,
      timeZone: 'Asia/Shanghai',
      alwaysOpen: false,
      week: officeWeek,
      isDefault: !(await calendarRepository.findDefault(tx)),
    }))
  const days = [...(chineseHolidayExceptions(year) ?? []), ...(chineseHolidayExceptions(year + 1) ?? [])]
  await calendarRepository.addDaysKeepingExisting(
    tx,
    tenantId,
    officeCal.id,
    days.map((d) => ({ date: d.date, kind: d.kind, name: d.name ?? null, hours: null })),
  )
  const alwaysCal =
    (await calendarRepository.findByName(tx, ALWAYS_CALENDAR)) ??
    (await calendarRepository.insert(tx, {
      tenantId,
      name: ALWAYS_CALENDAR,
      timeZone: 'Asia/Shanghai',
      alwaysOpen: true,
      week: none,
      isDefault: false,
    }))
  const existing = new Set((await policyRepository.list(tx)).map((p) => p.name))
  for (const key of defaultPresetKeys) {
    const preset = presets.find((p) => p.key === key)!
    if (existing.has(preset.policy.name)) continue
    await policyRepository.insert(tx, {
      tenantId,
      ...preset.policy,
      calendarId: preset.calendar === 'always' ? alwaysCal.id : officeCal.id,
      preset: preset.key,
    })
  }
  await settingsRepository.update(tx, { calendarId: officeCal.id })
  await audit.record(tx, {
    tenantId,
    actorType: 'system',
    actorId: null,
    action: 'sla.defaults_installed',
    entityType: 'sla_settings',
    entityId: tenantId,
    after: { calendars: [OFFICE_CALENDAR, ALWAYS_CALENDAR], policies: defaultPresetKeys },
  })
}
