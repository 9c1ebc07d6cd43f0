import type { SlaCalendar, SlaPolicy } from '@aftercare/contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTenant, loginAs, type Client, type TestTenant } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'

let rt: TestRuntime
let tenant: TestTenant
let admin: Client
let agent: Client

beforeAll(async () => {
  rt = await createTestRuntime({ clock: new Date('2026-09-28T02:00:00Z') })
  tenant = await buildTenant(rt)
  admin = await loginAs(rt, tenant, 'admin')
  agent = await loginAs(rt, tenant, 'agent_l1')
})
afterAll(() => rt?.close())

const office = [
  { start: '09:00', end: '12:00' },
  { start: '13:00', end: '18:00' },
]
const week = { mon: office, tue: office, wed: office, thu: office, fri: office, sat: [], sun: [] }

describe('SLA defaults', () => {
  it('a tenant starts with an office calendar carrying Chinese holidays, a 7×24 calendar and the basic / advanced / P0 policies', async () => {
    const cals = (await agent.get('/api/sla/calendars')).json().items as SlaCalendar[]
    expect(cals.map((c) => [c.name, c.isDefault, c.alwaysOpen])).toEqual([
      ['工作日 9:00–18:00（中国大陆）', true, false],
      ['7×24', false, true],
    ])
    const officeCal = cals[0]!
    expect(officeCal.days).toContainEqual({ date: '2026-10-01', kind: 'holiday', name: '国庆节', hours: null })
    expect(officeCal.days).toContainEqual({ date: '2026-10-10', kind: 'workday', name: '国庆节调休', hours: null })
    const policies = (await agent.get('/api/sla/policies')).json().items as SlaPolicy[]
    expect(policies.map((p) => [p.name, p.rank, p.tiers])).toEqual([
      ['P0 故障', 20, []],
      ['高级服务', 50, ['gold', 'strategic']],
      ['基础服务', 1000, []],
    ])
    expect(policies[0]!.targets.P0!.firstResponse).toEqual({ minutes: 10 })
    expect(policies[2]!.targets.P3).toMatchObject({ firstResponse: { minutes: 120 }, resolution: { minutes: 1440 } })
    const settings = (await agent.get('/api/sla/settings')).json()
    expect(settings.complaintTargets).toEqual({
      A: { response: { minutes: 120 }, plan: { minutes: 1440 } },
      B: { response: { minutes: 240 }, plan: { minutes: 4320 } },
      C: { response: { minutes: 480 }, plan: { workingDays: 5 } },
    })
    expect(settings.disputeTargets).toEqual({ review: { workingDays: 3 }, decision: { workingDays: 10 } })
  })
})

describe('calendars API', () => {
  it('creates a calendar with imported 2026 holidays, and the preview skips the National Day week to the make-up Saturday', async () => {
    const res = await admin.post('/api/sla/calendars', {
      name: '上海服务台',
      timeZone: 'Asia/Shanghai',
      week,
      importChineseHolidays: [2026],
    })
    expect(res.statusCode).toBe(201)
    const cal = res.json() as SlaCalendar
    expect(res.headers.etag).toBe(`"v${cal.version}"`)
    expect(cal.days.filter((d) => d.kind === 'workday').map((d) => d.date)).toEqual([
      '2026-01-04',
      '2026-02-14',
      '2026-02-28',
      '2026-05-09',
      '2026-09-20',
      '2026-10-10',
    ])
    // Friday 9 October 17:00 + 4 h → 1 h on Friday, 3 h on the make-up Saturday → 10 October 12:00.
    const preview = await agent.post('/api/sla/preview', {
      start: '2026-10-09T17:00:00+08:00',
      calendarId: cal.id,
      target: { minutes: 240 },
    })
    expect(preview.statusCode).toBe(200)
    expect(preview.json().items[0]).toMatchObject({ target: 'custom', businessMinutes: 240, dueAt: '2026-10-10T04:00:00.000Z' })
    // Wednesday 30 September 17:00 + 2 h → 8 October 10:00, warned at 80% (1 h 36 min) → 8 October 09:36.
    const p2 = (
      await agent.post('/api/sla/preview', { start: '2026-09-30T17:00:00+08:00', calendarId: cal.id, target: { minutes: 120 } })
    ).json()
    expect(p2.items[0]).toMatchObject({ dueAt: '2026-10-08T02:00:00.000Z', warnAt: '2026-10-08T01:36:00.000Z' })
  })

  it('edits one holiday, then the whole list; stale If-Match answers 412', async () => {
    const cal = (await admin.post('/api/sla/calendars', { name: '深圳服务台', week })).json() as SlaCalendar
    const put = await admin.put(
      `/api/sla/calendars/${cal.id}/days/2026-11-02`,
      { kind: 'holiday', name: '公司年会', hours: null },
      { 'if-match': `"v${cal.version}"` },
    )
    expect(put.statusCode).toBe(200)
    expect(put.json().days).toEqual([{ date: '2026-11-02', kind: 'holiday', name: '公司年会', hours: null }])
    const stale = await admin.patch(`/api/sla/calendars/${cal.id}`, { days: [] }, { 'if-match': `"v${cal.version}"` })
    expect(stale.statusCode).toBe(412)
    const preview = (
      await agent.post('/api/sla/preview', { start: '2026-11-02T09:00:00+08:00', calendarId: cal.id, target: { minutes: 60 } })
    ).json()
    expect(preview.items[0].dueAt).toBe('2026-11-03T02:00:00.000Z')
    const del = await admin.delete(`/api/sla/calendars/${cal.id}/days/2026-11-02`)
    expect(del.json().days).toEqual([])
    expect((await admin.delete(`/api/sla/calendars/${cal.id}/days/2026-11-02`)).statusCode).toBe(404)
  })

  it('imports a year of holidays into an existing calendar, replacing that year only', async () => {
    const cal = (
      await admin.post('/api/sla/calendars', { name: '北京服务台', week, days: [{ date: '2026-03-02', kind: 'holiday', name: '自定' }] })
    ).json() as SlaCalendar
    const res = await admin.post(`/api/sla/calendars/${cal.id}/import-holidays`, { year: 2026 })
    expect(res.statusCode).toBe(200)
    expect(res.json().imported).toBe(39)
    expect(res.json().calendar.days.some((d: { date: string }) => d.date === '2026-03-02')).toBe(false)
    const missing = await admin.post(`/api/sla/calendars/${cal.id}/import-holidays`, { year: 2099 })
    expect(missing.statusCode).toBe(422)
    expect(missing.json().issues[0].path).toBe('year')
  })

  it('rejects a bad calendar naming the field', async () => {
    const overlap = await admin.post('/api/sla/calendars', {
      name: '坏日历',
      timeZone: 'Mars/Olympus',
      week: {
        ...week,
        mon: [
          { start: '09:00', end: '12:00' },
          { start: '11:00', end: '13:00' },
        ],
      },
    })
    expect(overlap.statusCode).toBe(422)
    expect(overlap.json().issues.map((i: { path: string }) => i.path)).toEqual(['timeZone', 'week.mon'])
    const format = await admin.post('/api/sla/calendars', { name: '坏日历', week: { ...week, tue: [{ start: '9am', end: '18:00' }] } })
    expect(format.statusCode).toBe(400)
    expect(format.json().issues[0].path).toBe('body.week.tue.0.start')
    const empty = await admin.post('/api/sla/calendars', {
      name: '空日历',
      week: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
    })
    expect(empty.statusCode).toBe(422)
    expect(empty.json().issues[0].path).toBe('week')
    const dup = await admin.post('/api/sla/calendars', { name: '7×24', alwaysOpen: true })
    expect(dup.statusCode).toBe(409)
  })

  it('keeps the default calendar and calendars in use', async () => {
    const cals = (await admin.get('/api/sla/calendars')).json().items as SlaCalendar[]
    expect((await admin.delete(`/api/sla/calendars/${cals.find((c) => c.isDefault)!.id}`)).statusCode).toBe(409)
    expect((await admin.delete(`/api/sla/calendars/${cals.find((c) => c.name === '7×24')!.id}`)).statusCode).toBe(409)
    const spare = (await admin.post('/api/sla/calendars', { name: '备用', alwaysOpen: true })).json() as SlaCalendar
    expect((await admin.delete(`/api/sla/calendars/${spare.id}`)).statusCode).toBe(200)
  })

  it('only SLA managers change calendars; agents read them', async () => {
    expect((await agent.post('/api/sla/calendars', { name: 'x', week })).statusCode).toBe(403)
    expect((await agent.get('/api/sla/calendars')).statusCode).toBe(200)
  })
})

describe('policies API', () => {
  it('lists the seed presets and creates a policy from one', async () => {
    const presets = (await agent.get('/api/sla/presets')).json().items as { key: string; policy: SlaPolicy }[]
    expect(presets.map((p) => p.key)).toEqual(['cloud-basic', 'cloud-enterprise', 'cloud-emergency', 'p0-response', 'basic', 'advanced'])
    const basic = presets.find((p) => p.key === 'cloud-basic')!
    expect(basic.policy.targets.P1).toMatchObject({ firstResponse: { minutes: 15 }, resolution: { minutes: 240 } })
    expect(presets.find((p) => p.key === 'cloud-enterprise')!.policy.targets.P2).toMatchObject({
      firstResponse: { minutes: 30 },
      resolution: { minutes: 1440 },
    })
    expect(presets.find((p) => p.key === 'cloud-emergency')!.policy.targets.P0).toMatchObject({
      firstResponse: { minutes: 5 },
      resolution: { minutes: 120 },
    })
    const res = await admin.post('/api/sla/policies/from-preset', { preset: 'cloud-basic' })
    expect(res.statusCode).toBe(201)
    const p = res.json() as SlaPolicy
    expect(p).toMatchObject({ name: '基础云服务', preset: 'cloud-basic', warningFraction: 0.8, pauseStatuses: ['pending_customer'] })
    expect(p.compensation).toEqual({ rules: [{ kind: 'percent_per_hour', percentPerHour: 0.5, capPercent: 100 }], targets: ['resolution'] })
    const cals = (await admin.get('/api/sla/calendars')).json().items as SlaCalendar[]
    expect(p.calendarId).toBe(cals.find((c) => c.alwaysOpen)!.id)
    expect((await admin.post('/api/sla/policies/from-preset', { preset: 'nope' })).json().issues[0].path).toBe('preset')
  })

  it('creates, previews, edits and deletes a policy', async () => {
    const created = await admin.post('/api/sla/policies', {
      name: '金牌客户',
      tiers: ['gold'],
      rank: 30,
      warningFraction: 0.75,
      pauseStatuses: ['pending_customer', 'pending_parts'],
      targets: { P1: { firstResponse: { minutes: 30 }, resolution: { workingDays: 2 } } },
    })
    expect(created.statusCode).toBe(201)
    const p = created.json() as SlaPolicy
    // The default (office) calendar: Tuesday 29 September 17:30 + 30 min → 18:00 the same day.
    const preview = (await agent.post('/api/sla/preview', { start: '2026-09-29T17:30:00+08:00', policyId: p.id, priority: 'P1' })).json()
    expect(preview.items.map((i: { target: string; dueAt: string }) => [i.target, i.dueAt])).toEqual([
      ['first_response', '2026-09-29T10:00:00.000Z'],
      // 2 working days after Tuesday: Wednesday 30 September, then (National Day week) Thursday 8 October, 18:00.
      ['resolution', '2026-10-08T10:00:00.000Z'],
    ])
    const noTargets = await agent.post('/api/sla/preview', { start: '2026-09-29T17:30:00+08:00', policyId: p.id, priority: 'P4' })
    expect(noTargets.statusCode).toBe(422)
    expect(noTargets.json().issues[0].path).toBe('priority')
    const patched = await admin.patch(`/api/sla/policies/${p.id}`, { rank: 40 }, { 'if-match': `"v${p.version}"` })
    expect(patched.statusCode).toBe(200)
    expect(patched.json()).toMatchObject({ rank: 40, version: p.version + 1 })
    expect((await admin.patch(`/api/sla/policies/${p.id}`, { rank: 41 }, { 'if-match': `"v${p.version}"` })).statusCode).toBe(412)
    expect((await admin.delete(`/api/sla/policies/${p.id}`)).statusCode).toBe(200)
    expect((await admin.get(`/api/sla/policies/${p.id}`)).statusCode).toBe(404)
  })

  it('rejects bad policies naming the field', async () => {
    const noTargets = await admin.post('/api/sla/policies', { name: '空', targets: {} })
    expect(noTargets.statusCode).toBe(422)
    expect(noTargets.json().issues[0].path).toBe('targets')
    const badFraction = await admin.post('/api/sla/policies', {
      name: '坏',
      warningFraction: 1.5,
      targets: { P1: { firstResponse: { minutes: 10 } } },
    })
    expect(badFraction.statusCode).toBe(400)
    expect(badFraction.json().issues[0].path).toBe('body.warningFraction')
    const reassign = await admin.post('/api/sla/policies', {
      name: '坏',
      targets: { P1: { firstResponse: { minutes: 10 } } },
      escalations: [{ on: 'breach', action: 'reassign_queue' }],
    })
    expect(reassign.statusCode).toBe(400)
    expect(reassign.json().issues[0].path).toBe('body.escalations.0.queueId')
    const calendar = await admin.post('/api/sla/policies', {
      name: '坏',
      calendarId: '00000000-0000-4000-8000-000000000000',
      targets: { P1: { firstResponse: { minutes: 10 } } },
    })
    expect(calendar.statusCode).toBe(422)
    expect(calendar.json().issues[0].path).toBe('calendarId')
    expect((await agent.post('/api/sla/policies', { name: 'x', targets: { P1: { firstResponse: { minutes: 10 } } } })).statusCode).toBe(403)
  })

  it('previews on an unsaved calendar from the admin form', async () => {
    const res = await agent.post('/api/sla/preview', {
      start: '2026-10-09T17:00:00+08:00',
      target: { minutes: 120 },
      calendar: { timeZone: 'Asia/Shanghai', week, importChineseHolidays: [2026] },
    })
    expect(res.json().items[0].dueAt).toBe('2026-10-10T02:00:00.000Z')
    const none = await agent.post('/api/sla/preview', {
      start: '2026-10-09T17:00:00+08:00',
      target: { minutes: 120 },
      calendar: { timeZone: 'Asia/Shanghai', week: { mon: [], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] } },
    })
    expect(none.statusCode).toBe(422)
    expect(none.json().issues[0].path).toBe('calendar')
  })
})
