// Complaints A/B/C and disputes with staged deadlines, tracked by the SLA engine, through HTTP.
import type { Complaint, Dispute } from '@aftercare/contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTenant, loginAs, signIn, type Client, type TestTenant } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'

let rt: TestRuntime
let tenant: TestTenant
let admin: Client
let supervisor: Client
let agent: Client
let engineer: Client
let contact: Client
let customerId: string
let otherCustomerId: string
const sh = (s: string) => new Date(`${s}+08:00`)

async function at(local: string) {
  rt.clock.set(sh(local))
  admin = await signIn(rt, tenant, admin.user)
  supervisor = await signIn(rt, tenant, supervisor.user)
  agent = await signIn(rt, tenant, agent.user)
  contact = await signIn(rt, tenant, contact.user)
  engineer = await signIn(rt, tenant, engineer.user)
}

beforeAll(async () => {
  rt = await createTestRuntime({ clock: sh('2026-09-07T09:00:00'), config: { LOGIN_RATE_LIMIT_PER_MINUTE: '100000' } })
  tenant = await buildTenant(rt)
  admin = await loginAs(rt, tenant, 'admin')
  supervisor = await loginAs(rt, tenant, 'supervisor')
  agent = await loginAs(rt, tenant, 'agent_l1')
  engineer = await loginAs(rt, tenant, 'engineer')
  customerId = (await admin.post('/api/customers', { name: '云上数据科技有限公司', tier: 'gold' })).json().id
  otherCustomerId = (await admin.post('/api/customers', { name: '其他公司' })).json().id
  contact = await loginAs(rt, tenant, 'customer_contact', { customerOrgId: customerId })
})
afterAll(() => rt?.close())

const clock = (c: Complaint | Dispute, target: string) => c.clocks.find((k) => k.target === target)!

async function events(aggregateId: string) {
  return rt.database.query<{ type: string; aggregate_type: string; payload: Record<string, unknown> }>(
    `select type, aggregate_type, payload from outbox where aggregate_id = $1 order by created_at, id`,
    [aggregateId],
  )
}

describe('complaints', () => {
  it('grade A: respond within 2 h and plan within 24 h of office time; responding stops the first clock only', async () => {
    await at('2026-09-07T10:00:00')
    const res = await agent.post('/api/sla/complaints', { customerId, grade: 'A', summary: '数据库实例宕机超过1小时，业务中断' })
    expect(res.statusCode).toBe(201)
    const c = res.json() as Complaint
    expect(c.status).toBe('open')
    expect(clock(c, 'complaint_response').dueAt).toBe(sh('2026-09-07T12:00:00').toISOString())
    // 24 h of office time: 7 h Monday, 8 h Tuesday, 8 h Wednesday, 1 h Thursday → Thursday 10:00.
    expect(clock(c, 'complaint_plan').dueAt).toBe(sh('2026-09-10T10:00:00').toISOString())
    await at('2026-09-07T11:00:00')
    const responded = await agent.post(
      `/api/sla/complaints/${c.id}/actions`,
      { action: 'respond', text: '已成立专项小组处理' },
      { 'if-match': `"v${c.version}"` },
    )
    expect(responded.statusCode).toBe(200)
    const r = responded.json() as Complaint
    expect(r).toMatchObject({ status: 'responded', response: '已成立专项小组处理' })
    expect(clock(r, 'complaint_response')).toMatchObject({ state: 'stopped', met: true })
    expect(clock(r, 'complaint_plan').state).toBe('running')
    const again = await agent.post(`/api/sla/complaints/${c.id}/actions`, { action: 'respond', text: '重复' })
    expect(again.statusCode).toBe(409)
    const planned = (
      await agent.post(`/api/sla/complaints/${c.id}/actions`, { action: 'plan', text: '迁移至高可用集群' })
    ).json() as Complaint
    expect(planned.status).toBe('planned')
    expect(clock(planned, 'complaint_plan')).toMatchObject({ state: 'stopped', met: true })
    expect((await events(c.id)).map((e) => e.type)).toEqual(['sla.complaint_created', 'sla.complaint_responded', 'sla.complaint_planned'])
  })

  it('grade B: 4 h / 72 h; grade C: 8 h / 5 working days (to the close of the fifth working day)', async () => {
    await at('2026-09-07T10:00:00')
    const b = (await agent.post('/api/sla/complaints', { customerId, grade: 'B', summary: '账单多扣费 ¥12,000' })).json() as Complaint
    expect(clock(b, 'complaint_response').dueAt).toBe(sh('2026-09-07T15:00:00').toISOString())
    // 72 h = nine office days from Monday 10:00 → Friday 18 September 10:00.
    expect(clock(b, 'complaint_plan').dueAt).toBe(sh('2026-09-18T10:00:00').toISOString())
    const c = (await agent.post('/api/sla/complaints', { customerId, grade: 'C', summary: '咨询发票开具流程' })).json() as Complaint
    expect(clock(c, 'complaint_response').dueAt).toBe(sh('2026-09-08T10:00:00').toISOString())
    expect(clock(c, 'complaint_plan').dueAt).toBe(sh('2026-09-14T18:00:00').toISOString())
  })

  it('an unanswered complaint breaches once, raised by the sweep', async () => {
    await at('2026-09-21T09:00:00')
    const c = (await agent.post('/api/sla/complaints', { customerId, grade: 'A', summary: '服务中断' })).json() as Complaint
    await at('2026-09-21T11:30:00')
    await rt.modules.sla.timers.sweep({ tenantIds: [tenant.id] })
    await rt.modules.sla.timers.sweep({ tenantIds: [tenant.id] })
    const raised = (await events(c.id)).filter((e) => e.type.startsWith('sla.warning') || e.type === 'sla.breached')
    // Both thresholds passed before the sweep ran: raised together, once each.
    expect(raised.map((e) => [e.type, e.aggregate_type, e.payload.target]).sort()).toEqual([
      ['sla.breached', 'complaint', 'complaint_response'],
      ['sla.warning', 'complaint', 'complaint_response'],
    ])
  })

  it('refuses bad input naming the field; only the desk registers complaints; contacts see their own', async () => {
    const bad = await agent.post('/api/sla/complaints', { customerId, grade: 'D', summary: '' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(['body.grade', 'body.summary']))
    const unknown = await agent.post('/api/sla/complaints', {
      customerId: '00000000-0000-4000-8000-000000000000',
      grade: 'C',
      summary: '未知客户',
    })
    expect(unknown.statusCode).toBe(422)
    expect(unknown.json().issues[0].path).toBe('customerId')
    expect((await engineer.post('/api/sla/complaints', { customerId, grade: 'C', summary: '工程师登记' })).statusCode).toBe(403)
    const other = (
      await agent.post('/api/sla/complaints', { customerId: otherCustomerId, grade: 'C', summary: '别家的投诉' })
    ).json() as Complaint
    const mine = (await contact.get('/api/sla/complaints')).json() as { items: Complaint[] }
    expect(mine.items.length).toBeGreaterThan(0)
    expect(mine.items.every((c) => c.customerId === customerId)).toBe(true)
    expect((await contact.get(`/api/sla/complaints/${other.id}`)).statusCode).toBe(404)
    // the customer filter: the desk narrows to one customer; a contact asking for another gets nothing
    const filtered = (await agent.get(`/api/sla/complaints?customerId=${otherCustomerId}`)).json() as { items: Complaint[]; total: number }
    expect(filtered.items.map((c) => c.id)).toEqual([other.id])
    expect(filtered.total).toBe(1)
    expect((await contact.get(`/api/sla/complaints?customerId=${otherCustomerId}`)).json()).toEqual({ items: [], total: 0 })
    expect((await agent.get(`/api/sla/disputes?customerId=${otherCustomerId}`)).json()).toEqual({ items: [], total: 0 })
    const outsider = await loginAs(rt, await buildTenant(rt), 'admin')
    expect((await outsider.get(`/api/sla/complaints/${other.id}`)).statusCode).toBe(404)
  })
  it('resolving records the resolution, who and when, stops the running clocks (event + audit); a resolved complaint refuses every action with 409', async () => {
    await at('2026-09-08T09:30:00')
    const c = (await agent.post('/api/sla/complaints', { customerId, grade: 'B', summary: '发票金额错误' })).json() as Complaint
    await at('2026-09-08T10:00:00')
    const empty = await agent.post(`/api/sla/complaints/${c.id}/resolve`, { resolution: '   ' }, { 'if-match': `"v${c.version}"` })
    expect(empty.statusCode).toBe(422)
    expect(empty.json().issues).toEqual([{ path: 'resolution', message: 'the resolution text is required' }])
    const res = await agent.post(
      `/api/sla/complaints/${c.id}/resolve`,
      { resolution: '已退还多收费用并致歉' },
      { 'if-match': `"v${c.version}"` },
    )
    expect(res.statusCode).toBe(200)
    const r = res.json() as Complaint
    expect(r).toMatchObject({
      status: 'resolved',
      resolution: '已退还多收费用并致歉',
      resolvedBy: agent.user.id,
      resolvedAt: sh('2026-09-08T10:00:00').toISOString(),
    })
    expect(clock(r, 'complaint_response')).toMatchObject({ state: 'stopped', met: true, stopReason: 'resolved' })
    expect(clock(r, 'complaint_plan')).toMatchObject({ state: 'stopped', met: true, stopReason: 'resolved' })
    const resolved = (await events(c.id)).filter((e) => e.type === 'sla.complaint_resolved')
    expect(resolved.map((e) => e.payload)).toEqual([
      expect.objectContaining({ id: c.id, resolution: '已退还多收费用并致歉', resolvedBy: agent.user.id }),
    ])
    const audit = await rt.database.query<{ actor_id: string; after: Record<string, unknown> }>(
      `select actor_id, after from audit_log where action = 'sla.complaint_resolved' and entity_id = $1`,
      [c.id],
    )
    expect(audit).toEqual([
      { actor_id: agent.user.id, after: expect.objectContaining({ status: 'resolved', resolution: '已退还多收费用并致歉' }) },
    ])

    // final: resolving again, responding and planning all answer 409 with a clear message, and change nothing
    for (const [url, body] of [
      [`/api/sla/complaints/${c.id}/resolve`, { resolution: '再次解决' }],
      [`/api/sla/complaints/${c.id}/actions`, { action: 'respond', text: '补充回复' }],
      [`/api/sla/complaints/${c.id}/actions`, { action: 'plan', text: '补充方案' }],
    ] as const) {
      const again = await agent.post(url, body)
      expect(again.statusCode).toBe(409)
      expect(again.json()).toMatchObject({ code: 'complaint_resolved', message: expect.stringContaining('already resolved') })
    }
    expect((await agent.get(`/api/sla/complaints/${c.id}`)).json()).toMatchObject({
      resolution: '已退还多收费用并致歉',
      version: r.version,
    })
    expect((await events(c.id)).filter((e) => e.type === 'sla.complaint_resolved')).toHaveLength(1)
    // the old action 'close' is gone: resolving is the one way to end a complaint
    expect((await agent.post(`/api/sla/complaints/${c.id}/actions`, { action: 'close', text: 'x' })).statusCode).toBe(400)
    // the status filter finds it among the resolved ones, not among the open ones
    const byStatus = async (status: string) =>
      (
        (await agent.get(`/api/sla/complaints?status=${status}&customerId=${customerId}&limit=200`)).json() as { items: Complaint[] }
      ).items.map((x) => x.id)
    expect(await byStatus('resolved')).toContain(c.id)
    expect(await byStatus('open')).not.toContain(c.id)
  })

  it('a responded complaint can be resolved (the plan clock stops, the response clock keeps its result); only the desk resolves; 404 for another tenant', async () => {
    await at('2026-09-08T09:00:00')
    const c = (await agent.post('/api/sla/complaints', { customerId, grade: 'A', summary: '备份失败' })).json() as Complaint
    await agent.post(`/api/sla/complaints/${c.id}/actions`, { action: 'respond', text: '正在排查' })
    await at('2026-09-08T10:00:00')
    expect((await engineer.post(`/api/sla/complaints/${c.id}/resolve`, { resolution: '工程师' })).statusCode).toBe(403)
    expect((await contact.post(`/api/sla/complaints/${c.id}/resolve`, { resolution: '客户' })).statusCode).toBe(403)
    const outsider = await loginAs(rt, await buildTenant(rt), 'admin')
    expect((await outsider.post(`/api/sla/complaints/${c.id}/resolve`, { resolution: '别的租户' })).statusCode).toBe(404)
    const r = (await supervisor.post(`/api/sla/complaints/${c.id}/resolve`, { resolution: '已恢复备份' })).json() as Complaint
    expect(r).toMatchObject({ status: 'resolved', response: '正在排查', resolvedBy: supervisor.user.id })
    expect(clock(r, 'complaint_response')).toMatchObject({ stopReason: 'responded' })
    expect(clock(r, 'complaint_plan')).toMatchObject({ state: 'stopped', stopReason: 'resolved' })
    // a stale If-Match still answers 412 (someone else changed it first)
    expect(
      (await agent.post(`/api/sla/complaints/${c.id}/resolve`, { resolution: 'x' }, { 'if-match': `"v${c.version}"` })).statusCode,
    ).toBe(412)
  })
})

describe('disputes', () => {
  it('review within 3 working days (National Day week and the make-up Saturday), then a decision within 10 working days of the investigation', async () => {
    await at('2026-09-30T10:00:00')
    const res = await agent.post('/api/sla/disputes', {
      customerId,
      summary: '对SLA赔付金额有异议',
      evidence: ['工单截图 SR-2026-000123', '监控时间戳 2026-09-29 14:05'],
    })
    expect(res.statusCode).toBe(201)
    const d = res.json() as Dispute
    expect(d.stage).toBe('review')
    // After 30 September the working days are 8, 9 and 10 (make-up Saturday) October.
    expect(clock(d, 'dispute_review').dueAt).toBe(sh('2026-10-10T18:00:00').toISOString())
    // Monday 12 October 10:00: one working hour past the deadline (Sunday does not count).
    await at('2026-10-12T10:00:00')
    const refused = await agent.post(`/api/sla/disputes/${d.id}/stage`, { to: 'investigation' })
    expect(refused.statusCode).toBe(403)
    const inv = await supervisor.post(`/api/sla/disputes/${d.id}/stage`, { to: 'investigation', note: '审查完成，进入调查' })
    expect(inv.statusCode).toBe(200)
    const i = inv.json() as Dispute
    // The review ran late: it was due on the 10th.
    expect(clock(i, 'dispute_review')).toMatchObject({ state: 'stopped', met: false, breached: true })
    // 13–16, 19–23 and 26 October are the ten working days.
    expect(clock(i, 'dispute_decision').dueAt).toBe(sh('2026-10-26T18:00:00').toISOString())
    const skip = await supervisor.post(`/api/sla/disputes/${d.id}/stage`, { to: 'arbitration' })
    expect(skip.statusCode).toBe(409)
    expect(skip.json().allowed).toEqual(['decided', 'closed'])
    const noText = await supervisor.post(`/api/sla/disputes/${d.id}/stage`, { to: 'decided' })
    expect(noText.statusCode).toBe(422)
    expect(noText.json().issues[0].path).toBe('note')
    const decided = (await supervisor.post(`/api/sla/disputes/${d.id}/stage`, { to: 'decided', note: '维持原赔付方案' })).json() as Dispute
    expect(decided).toMatchObject({ stage: 'decided', decision: '维持原赔付方案' })
    expect(clock(decided, 'dispute_decision')).toMatchObject({ state: 'stopped', met: true })
    const arb = (await supervisor.post(`/api/sla/disputes/${d.id}/stage`, { to: 'arbitration', note: '客户申请仲裁' })).json() as Dispute
    expect(arb.history.map((h) => h.stage)).toEqual(['review', 'investigation', 'decided', 'arbitration'])
  })

  it('needs evidence, and a compensation of the same customer', async () => {
    const none = await agent.post('/api/sla/disputes', { customerId, summary: '无证据', evidence: [] })
    expect(none.statusCode).toBe(400)
    expect(none.json().issues[0].path).toBe('body.evidence')
    const comp = await agent.post('/api/sla/disputes', {
      customerId,
      summary: 'x',
      evidence: ['a'],
      compensationId: '00000000-0000-4000-8000-000000000000',
    })
    expect(comp.statusCode).toBe(422)
    expect(comp.json().issues[0].path).toBe('compensationId')
  })
  it('a dispute appealing a complaint keeps its id; the complaint lists its disputes; 404 naming complaintId for none or another tenant', async () => {
    await at('2026-09-09T10:00:00')
    const c = (await agent.post('/api/sla/complaints', { customerId, grade: 'C', summary: '对处理结果不满意' })).json() as Complaint
    await agent.post(`/api/sla/complaints/${c.id}/resolve`, { resolution: '已解释计费规则' })
    const res = await agent.post('/api/sla/disputes', {
      customerId,
      complaintId: c.id,
      summary: '不认可投诉处理结果',
      evidence: ['合同第 7 条'],
    })
    expect(res.statusCode).toBe(201)
    const d = res.json() as Dispute
    expect(d.complaintId).toBe(c.id)
    expect((await agent.get(`/api/sla/disputes/${d.id}`)).json()).toMatchObject({ complaintId: c.id })
    const plain = (await agent.post('/api/sla/disputes', { customerId, summary: '无关申诉', evidence: ['x'] })).json() as Dispute
    expect(plain.complaintId).toBeNull()
    const ofComplaint = (await agent.get(`/api/sla/disputes?complaintId=${c.id}`)).json() as { items: Dispute[]; total: number }
    expect(ofComplaint).toMatchObject({ total: 1, items: [{ id: d.id, complaintId: c.id }] })
    // the customer's contact sees the link too
    expect(((await contact.get(`/api/sla/disputes?complaintId=${c.id}`)).json() as { items: Dispute[] }).items.map((x) => x.id)).toEqual([
      d.id,
    ])
    const opened = (await events(d.id)).find((e) => e.type === 'sla.dispute_opened')
    expect(opened?.payload).toMatchObject({ complaintId: c.id })

    const missing = await agent.post('/api/sla/disputes', {
      customerId,
      complaintId: '00000000-0000-4000-8000-000000000000',
      summary: '不存在的投诉',
      evidence: ['x'],
    })
    expect(missing.statusCode).toBe(404)
    expect(missing.json().issues[0].path).toBe('complaintId')

    // a complaint of another tenant is not found either (and nothing is written)
    const otherTenant = await buildTenant(rt)
    const otherAdmin = await loginAs(rt, otherTenant, 'admin')
    const otherCustomer = (await otherAdmin.post('/api/customers', { name: '外租户客户' })).json().id as string
    const foreign = (
      await otherAdmin.post('/api/sla/complaints', { customerId: otherCustomer, grade: 'C', summary: '外租户投诉' })
    ).json() as Complaint
    const cross = await agent.post('/api/sla/disputes', { customerId, complaintId: foreign.id, summary: '跨租户', evidence: ['x'] })
    expect(cross.statusCode).toBe(404)
    expect(cross.json()).toMatchObject({ code: 'not_found', issues: [{ path: 'complaintId' }] })
    expect((await otherAdmin.get(`/api/sla/disputes?complaintId=${foreign.id}`)).json()).toEqual({ items: [], total: 0 })

    // a complaint of another customer of the same tenant: 422 naming the field
    const others = (
      await agent.post('/api/sla/complaints', { customerId: otherCustomerId, grade: 'C', summary: '别家' })
    ).json() as Complaint
    const mismatch = await agent.post('/api/sla/disputes', { customerId, complaintId: others.id, summary: '错配', evidence: ['x'] })
    expect(mismatch.statusCode).toBe(422)
    expect(mismatch.json().issues[0].path).toBe('complaintId')
  })
})

describe('settings', () => {
  it('changes complaint targets for new complaints; stale If-Match answers 412', async () => {
    const s = (await admin.get('/api/sla/settings')).json()
    const res = await admin.patch(
      '/api/sla/settings',
      { complaintTargets: { C: { response: { minutes: 240 }, plan: { workingDays: 3 } } } },
      { 'if-match': `"v${s.version}"` },
    )
    expect(res.statusCode).toBe(200)
    expect(res.json().complaintTargets.C).toEqual({ response: { minutes: 240 }, plan: { workingDays: 3 } })
    expect(res.json().complaintTargets.A).toEqual(s.complaintTargets.A)
    expect((await admin.patch('/api/sla/settings', { calendarId: null }, { 'if-match': `"v${s.version}"` })).statusCode).toBe(412)
    expect((await agent.patch('/api/sla/settings', { calendarId: null })).statusCode).toBe(403)
  })
})
