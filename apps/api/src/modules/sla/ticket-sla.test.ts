// Ticket SLA end to end through the HTTP API: tickets are created and worked through /api/tickets,
// their outbox events are handed to the SLA listener (as the worker does, at least once), and the
// SLA state, warnings, breaches, escalation requests and compensation are read back over HTTP.
import type { SlaCalendar, TicketSla } from '@aftercare/contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTenant, loginAs, signIn, type Client } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { deliveredEvents } from '../notifications/notifications.fixture.ts'
import { buildTicketWorld, newTicket, ok, type TicketWorld } from '../tickets/tickets.fixtures.ts'

let rt: TestRuntime
let w: TicketWorld
let supervisor: Client
const sh = (s: string) => new Date(`${s}+08:00`)

beforeAll(async () => {
  rt = await createTestRuntime({ clock: sh('2026-09-04T10:00:00'), config: { LOGIN_RATE_LIMIT_PER_MINUTE: '100000' } })
  w = await buildTicketWorld(rt)
  supervisor = await loginAs(rt, w.tenant, 'supervisor')
})
afterAll(() => rt?.close())

/** Moves the clock; sessions end after an hour idle, so everyone signs in again. */
async function at(local: string) {
  rt.clock.set(sh(local))
  w.agent = await signIn(rt, w.tenant, w.agent.user)
  w.agent2 = await signIn(rt, w.tenant, w.agent2.user)
  w.admin = await signIn(rt, w.tenant, w.admin.user)
  w.contactA = await signIn(rt, w.tenant, w.contactA.user)
  supervisor = await signIn(rt, w.tenant, supervisor.user)
}

/** Hands every ticket event of the tenant to the SLA listener (again: delivery is at least once). */
async function deliver(opts: { only?: (type: string) => boolean } = {}) {
  const listener = rt.modules.listeners.find((l) => l.name === 'sla.ticket-clocks')!
  for (const e of await deliveredEvents(rt, `tenant_id = $1 and type like 'ticket.%'`, [w.tenant.id])) {
    if (opts.only && !opts.only(e.type)) continue
    if (listener.events === '*' || listener.events.includes(e.type)) await listener.handle(e)
  }
}

async function slaOf(ticketId: string, as: Client = w.agent) {
  return ok<TicketSla>(as.get(`/api/sla/tickets/${ticketId}`))
}
const clockOf = (s: TicketSla, target: string) => s.clocks.find((c) => c.target === target)!

async function slaEvents(ticketId: string) {
  return rt.database.query<{ type: string; payload: Record<string, unknown> }>(
    `select type, payload from outbox where aggregate_id = $1 and type like 'sla.%' order by created_at, id`,
    [ticketId],
  )
}

async function work(ticketId: string) {
  await ok(w.agent2.post(`/api/tickets/${ticketId}/assign`, { assigneeId: w.agent.user.id }))
  await ok(w.agent.post(`/api/tickets/${ticketId}/transition`, { to: 'in_progress' }))
}

describe('ticket SLA clocks', () => {
  it('a standard customer opening a ticket on Friday 17:30 gets the basic policy on office hours: response Monday 10:30', async () => {
    await at('2026-09-04T17:30:00')
    const t = await newTicket(w, { customerId: w.customerB, priority: 'P2' })
    await deliver()
    const s = await slaOf(t.id)
    expect(s.policy?.name).toBe('基础服务')
    expect(s.calendar?.timeZone).toBe('Asia/Shanghai')
    expect(s.summary).toBe('ok')
    // 2 h of business time: ½ h on Friday, 1½ h on Monday from 09:00.
    expect(clockOf(s, 'first_response')).toMatchObject({
      state: 'running',
      dueAt: sh('2026-09-07T10:30:00').toISOString(),
      targetMinutes: 120,
    })
    // 24 h = three office days: ½ h Friday, Monday, Tuesday, 7½ h Wednesday → Wednesday 17:30.
    expect(clockOf(s, 'resolution').dueAt).toBe(sh('2026-09-09T17:30:00').toISOString())
    expect(s.next?.target).toBe('first_response')
    expect(s.clocks.map((c) => c.target).sort()).toEqual(['first_response', 'resolution'])
  })

  it('a gold customer gets the advanced 7×24 policy (15 min / 4 h); P0 gets the 10 minute response', async () => {
    await at('2026-09-05T22:00:00')
    const gold = await newTicket(w, { priority: 'P2' })
    const p0 = await newTicket(w, { priority: 'P0', subject: '生产线停机' })
    await deliver()
    const g = await slaOf(gold.id)
    expect(g.policy?.name).toBe('高级服务')
    expect(clockOf(g, 'first_response').dueAt).toBe(sh('2026-09-05T22:15:00').toISOString())
    expect(clockOf(g, 'resolution').dueAt).toBe(sh('2026-09-06T02:00:00').toISOString())
    const p = await slaOf(p0.id)
    expect(p.policy?.name).toBe('P0 故障')
    expect(clockOf(p, 'first_response').dueAt).toBe(sh('2026-09-05T22:10:00').toISOString())
  })

  it('pausing while pending the customer never brings the due time forward; resuming pushes it later by the paused business time', async () => {
    await at('2026-09-07T09:00:00')
    const t = await newTicket(w, { customerId: w.customerB, priority: 'P3' })
    await work(t.id)
    await deliver()
    const before = clockOf(await slaOf(t.id), 'resolution')
    expect(before.dueAt).toBe(sh('2026-09-09T18:00:00').toISOString())
    await at('2026-09-07T10:00:00')
    await ok(w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'pending_customer', reason: '等待客户提供型号' }))
    await deliver()
    const paused = await slaOf(t.id)
    expect(paused.summary).toBe('paused')
    expect(clockOf(paused, 'resolution')).toMatchObject({ state: 'paused', dueAt: null, remainingMinutes: 23 * 60 })
    // The time left stays frozen however long the customer takes.
    await at('2026-09-08T15:00:00')
    expect(clockOf(await slaOf(t.id), 'resolution').remainingMinutes).toBe(23 * 60)
    await ok(w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'in_progress' }))
    await deliver()
    const resumed = clockOf(await slaOf(t.id), 'resolution')
    // 1 h used on Monday; 23 h from Tuesday 15:00: 3 h Tuesday, 8 h Wed, 8 h Thu, 4 h Fri → Friday 14:00.
    expect(resumed).toMatchObject({ state: 'running', dueAt: sh('2026-09-11T14:00:00').toISOString() })
    expect(new Date(resumed.dueAt!).getTime()).toBeGreaterThan(new Date(before.dueAt!).getTime())
  })

  it("an agent's public reply meets the first response and starts next-update cycles; an internal note does not", async () => {
    await at('2026-09-08T09:00:00')
    const t = await newTicket(w, { customerId: w.customerB, priority: 'P2' })
    await work(t.id)
    await at('2026-09-08T09:20:00')
    await ok(w.agent.post(`/api/tickets/${t.id}/messages`, { body: '内部：先查库存', visibility: 'internal' }), 201)
    await deliver()
    expect(clockOf(await slaOf(t.id), 'first_response').state).toBe('running')
    await at('2026-09-08T09:40:00')
    await ok(w.agent.post(`/api/tickets/${t.id}/messages`, { body: '您好，工程师已安排。' }), 201)
    await deliver()
    const s = await slaOf(t.id)
    expect(clockOf(s, 'first_response')).toMatchObject({ state: 'stopped', met: true, stopReason: 'responded', consumedMinutes: 40 })
    // Next update: 8 business hours from 09:40 → 18:40 is past closing; 17:40 + lunch → Wednesday 09:40.
    expect(clockOf(s, 'next_update')).toMatchObject({ state: 'running', cycle: 1, dueAt: sh('2026-09-09T09:40:00').toISOString() })
    await at('2026-09-08T14:00:00')
    await ok(w.agent.post(`/api/tickets/${t.id}/messages`, { body: '配件已发出。' }), 201)
    await deliver()
    expect(clockOf(await slaOf(t.id), 'next_update')).toMatchObject({
      state: 'running',
      cycle: 2,
      dueAt: sh('2026-09-09T14:00:00').toISOString(),
    })
  })

  it('raising the priority re-selects the policy and recomputes the due times from the same history', async () => {
    await at('2026-09-09T09:00:00')
    const t = await newTicket(w, { customerId: w.customerB, priority: 'P3' })
    await deliver()
    expect(clockOf(await slaOf(t.id), 'first_response').dueAt).toBe(sh('2026-09-09T11:00:00').toISOString())
    await at('2026-09-09T09:05:00')
    const fresh = await ok<{ version: number }>(w.agent.get(`/api/tickets/${t.id}`))
    await ok(w.agent.patch(`/api/tickets/${t.id}`, { priority: 'P0' }, { 'if-match': `"v${fresh.version}"` }))
    await deliver()
    const s = await slaOf(t.id)
    expect(s.policy?.name).toBe('P0 故障')
    expect(s.priority).toBe('P0')
    // The P0 policy runs 7×24 from the ticket's creation: 10 min → 09:10.
    expect(clockOf(s, 'first_response').dueAt).toBe(sh('2026-09-09T09:10:00').toISOString())
    expect(clockOf(s, 'resolution').dueAt).toBe(sh('2026-09-09T13:00:00').toISOString())
  })

  it('redelivering every event changes nothing (at-least-once delivery)', async () => {
    const before = await rt.database.query<{ n: number }>('select count(*)::int as n from sla_clocks where tenant_id = $1', [w.tenant.id])
    const states = await rt.database.query('select id, segments, due_at, cycle from sla_clocks where tenant_id = $1 order by id', [
      w.tenant.id,
    ])
    await deliver()
    await deliver()
    expect(await rt.database.query('select count(*)::int as n from sla_clocks where tenant_id = $1', [w.tenant.id])).toEqual(before)
    expect(
      await rt.database.query('select id, segments, due_at, cycle from sla_clocks where tenant_id = $1 order by id', [w.tenant.id]),
    ).toEqual(states)
  })

  it('registers a ticket from its current state when an event outruns ticket.created', async () => {
    await at('2026-09-10T09:00:00')
    const t = await newTicket(w, { customerId: w.customerB, priority: 'P2' })
    await work(t.id)
    await deliver({ only: (type) => type !== 'ticket.created' })
    const s = await slaOf(t.id)
    expect(s.status).toBe('in_progress')
    expect(clockOf(s, 'first_response').startedAt).toBe(sh('2026-09-10T09:00:00').toISOString())
    await deliver()
    expect((await slaOf(t.id)).clocks).toHaveLength(2)
  })
})

describe('warnings and breaches', () => {
  it('raises the warning at 80% and the breach at the deadline exactly once, however often and concurrently the job runs', async () => {
    await at('2026-09-14T09:00:00')
    const t = await newTicket(w, { customerId: w.customerB, priority: 'P2' })
    await deliver()
    const fr = clockOf(await slaOf(t.id), 'first_response')
    const check = (kind: 'warning' | 'breach', at: string) =>
      rt.modules.sla.timers.check({ tenantId: w.tenant.id, clockId: fr.id, cycle: 1, kind, at: new Date(at).getTime() })
    // Before the instant: nothing to raise.
    await at('2026-09-14T10:30:00')
    expect(await check('warning', fr.warnAt!)).toEqual([])
    await at('2026-09-14T10:36:00')
    const warned = await Promise.all([check('warning', fr.warnAt!), check('warning', fr.warnAt!), check('warning', fr.warnAt!)])
    expect(warned.flat()).toEqual(['warning'])
    expect((await slaOf(t.id)).summary).toBe('warning')
    await at('2026-09-14T11:00:00')
    const breached = await Promise.all([
      check('breach', fr.dueAt!),
      check('breach', fr.dueAt!),
      rt.modules.sla.timers.sweep({ tenantIds: [w.tenant.id] }),
    ])
    expect(breached.slice(0, 2).flat()).toEqual(['breach'])
    expect(await check('breach', fr.dueAt!)).toEqual([])
    expect(await rt.modules.sla.timers.sweep({ tenantIds: [w.tenant.id] })).toBe(0)
    const events = await slaEvents(t.id)
    expect(events.filter((e) => e.type === 'sla.warning' && e.payload.clockId === fr.id)).toHaveLength(1)
    const breach = events.filter((e) => e.type === 'sla.breached' && e.payload.clockId === fr.id)
    expect(breach).toHaveLength(1)
    expect(breach[0]!.payload).toMatchObject({ ticketId: t.id, target: 'first_response', cycle: 1, dueAt: fr.dueAt })
    const s = await slaOf(t.id)
    expect(s.summary).toBe('breached')
    expect(clockOf(s, 'first_response')).toMatchObject({ breached: true, warned: true, remainingMinutes: 0 })
  })

  it('escalation rules publish requests: notify the supervisor on warning; notify and raise the tier on a resolution breach', async () => {
    await at('2026-09-15T09:00:00')
    const t = await newTicket(w, { priority: 'P1' })
    await deliver()
    await at('2026-09-15T13:30:00')
    await rt.modules.sla.timers.sweep({ tenantIds: [w.tenant.id] })
    const esc = (await slaEvents(t.id))
      .filter((e) => e.type === 'sla.escalation_requested')
      .map((e) => [e.payload.trigger, e.payload.target, e.payload.action])
    expect(esc).toEqual(
      expect.arrayContaining([
        ['warning', 'first_response', 'notify_supervisor'],
        ['breach', 'first_response', 'notify_supervisor'],
        ['warning', 'resolution', 'notify_supervisor'],
        ['breach', 'resolution', 'notify_supervisor'],
        ['breach', 'resolution', 'raise_tier'],
      ]),
    )
    expect(esc).toHaveLength(5)
  })

  it('a job scheduled for an instant that has since moved is moot', async () => {
    await at('2026-09-16T09:00:00')
    const t = await newTicket(w, { customerId: w.customerB, priority: 'P2' })
    await work(t.id)
    await deliver()
    const res = clockOf(await slaOf(t.id), 'resolution')
    await ok(w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'pending_customer', reason: '等待客户' }))
    await deliver()
    rt.clock.set(new Date(new Date(res.dueAt!).getTime() + 60_000))
    expect(
      await rt.modules.sla.timers.check({
        tenantId: w.tenant.id,
        clockId: res.id,
        cycle: 1,
        kind: 'breach',
        at: new Date(res.dueAt!).getTime(),
      }),
    ).toEqual([])
    expect((await slaEvents(t.id)).filter((e) => e.type === 'sla.breached')).toEqual([])
  })

  it('the at-risk list shows breached tickets first, then those due soonest; stopped clocks never', async () => {
    await at('2026-09-17T09:00:00')
    const soon = await newTicket(w, { customerId: w.customerB, priority: 'P2', subject: '即将超时' })
    await deliver()
    await at('2026-09-17T10:50:00')
    const res = await ok<{ items: { ticketId: string; clock: { target: string; breached: boolean; remainingMinutes: number } }[] }>(
      supervisor.get('/api/sla/at-risk?withinMinutes=30'),
    )
    const first = res.items.findIndex((i) => !i.clock.breached)
    expect(res.items.slice(0, first).every((i) => i.clock.breached)).toBe(true)
    expect(res.items.find((i) => i.ticketId === soon.id && i.clock.target === 'first_response')).toMatchObject({
      clock: { remainingMinutes: 10 },
    })
    const breachedOnly = await ok<{ items: { clock: { breached: boolean } }[] }>(supervisor.get('/api/sla/at-risk?state=breached'))
    expect(breachedOnly.items.length).toBeGreaterThan(0)
    expect(breachedOnly.items.every((i) => i.clock.breached)).toBe(true)
    expect((await supervisor.get('/api/sla/at-risk?withinMinutes=-1')).statusCode).toBe(400)
  })
})

describe('compensation', () => {
  it('proposes 0.5% of the monthly fee per hour late when a breached resolution stops; a supervisor approves it into the ledger', async () => {
    await ok(supervisor.put(`/api/sla/customers/${w.customerA}/credit`, { monthlyFeeCents: 2_000_000 }))
    await at('2026-09-21T09:00:00')
    const t = await newTicket(w, { priority: 'P2' })
    await work(t.id)
    await ok(w.agent.post(`/api/tickets/${t.id}/messages`, { body: '已收到，正在处理。' }), 201)
    await deliver()
    // Resolution due 13:00 (4 h, 7×24); resolved at 15:20: 2 h 20 min late → 3 started hours.
    await at('2026-09-21T15:20:00')
    await ok(
      w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'resolved', resolution: { cause: '压缩机故障', actions: '更换压缩机' } }),
    )
    await deliver()
    expect(clockOf(await slaOf(t.id), 'resolution')).toMatchObject({ state: 'stopped', met: false, breached: true, remainingMinutes: -140 })
    const list = await ok<{
      items: { id: string; ticketId: string; amountCents: number; hours: number; formula: string; status: string }[]
    }>(supervisor.get(`/api/sla/compensations?status=proposed&customerId=${w.customerA}`))
    const c = list.items.find((i) => i.ticketId === t.id)!
    expect(c).toMatchObject({ hours: 3, amountCents: 30_000, status: 'proposed', formula: '3 h × 0.5% × ¥20,000.00' })
    expect((await w.agent.post(`/api/sla/compensations/${c.id}/decision`, { decision: 'approve' })).statusCode).toBe(403)
    const approved = await ok(supervisor.post(`/api/sla/compensations/${c.id}/decision`, { decision: 'approve', note: '同意' }))
    expect(approved).toMatchObject({ status: 'approved', decidedBy: supervisor.user.id })
    const again = await supervisor.post(`/api/sla/compensations/${c.id}/decision`, { decision: 'reject' })
    expect(again.statusCode).toBe(409)
    const credit = await ok<{ balances: { amountCents: number }; entries: { delta: number; compensationId: string }[] }>(
      w.agent.get(`/api/sla/customers/${w.customerA}/credit`),
    )
    expect(credit.balances.amountCents).toBe(30_000)
    expect(credit.entries[0]).toMatchObject({ delta: 30_000, compensationId: c.id })
    expect((await slaEvents(t.id)).filter((e) => e.type.startsWith('sla.compensation')).map((e) => e.type)).toEqual([
      'sla.compensation_proposed',
      'sla.compensation_decided',
    ])
  })

  it('a cancelled ticket is never compensated; credit points are redeemed but never below zero', async () => {
    await at('2026-09-22T09:00:00')
    const t = await newTicket(w, { priority: 'P2' })
    await deliver()
    await at('2026-09-22T18:00:00')
    await ok(w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'cancelled', reason: '客户撤回' }))
    await deliver()
    const list = await ok<{ items: { ticketId: string }[] }>(supervisor.get('/api/sla/compensations'))
    expect(list.items.some((i) => i.ticketId === t.id)).toBe(false)
    await ok(supervisor.post(`/api/sla/customers/${w.customerB}/credit/entries`, { kind: 'points', delta: 100, note: '补偿积分' }))
    const over = await supervisor.post(`/api/sla/customers/${w.customerB}/credit/entries`, {
      kind: 'points',
      delta: -150,
      note: '兑换优先服务',
    })
    expect(over.statusCode).toBe(422)
    expect(over.json().issues[0].path).toBe('delta')
    const redeemed = await ok<{ balances: { points: number } }>(
      supervisor.post(`/api/sla/customers/${w.customerB}/credit/entries`, { kind: 'points', delta: -50, note: '兑换优先服务' }),
    )
    expect(redeemed.balances.points).toBe(50)
  })
})

describe('calendar changes and tenants', () => {
  it('adding a holiday to the office calendar recomputes open tickets on it', async () => {
    await at('2026-11-02T09:00:00')
    const t = await newTicket(w, { customerId: w.customerB, priority: 'P2' })
    await deliver()
    expect(clockOf(await slaOf(t.id), 'first_response').dueAt).toBe(sh('2026-11-02T11:00:00').toISOString())
    const cal = (await ok<{ items: SlaCalendar[] }>(w.admin.get('/api/sla/calendars'))).items.find((c) => c.isDefault)!
    await ok(w.admin.put(`/api/sla/calendars/${cal.id}/days/2026-11-02`, { kind: 'holiday', name: '公司停电', hours: null }))
    expect(clockOf(await slaOf(t.id), 'first_response').dueAt).toBe(sh('2026-11-03T11:00:00').toISOString())
  })

  it('another tenant sees nothing', async () => {
    const other = await buildTenant(rt)
    const outsider = await loginAs(rt, other, 'admin')
    const [anyTicket] = await rt.database.query<{ ticket_id: string }>('select ticket_id from sla_tickets where tenant_id = $1 limit 1', [
      w.tenant.id,
    ])
    expect((await outsider.get(`/api/sla/tickets/${anyTicket!.ticket_id}`)).statusCode).toBe(404)
    expect((await ok<{ items: unknown[] }>(outsider.get('/api/sla/at-risk?withinMinutes=43200'))).items).toEqual([])
    expect((await ok<{ items: unknown[] }>(outsider.get(`/api/sla/tickets?ids=${anyTicket!.ticket_id}`))).items).toEqual([])
  })

  it("a customer contact sees the SLA of their organisation's tickets only, at risk or not", async () => {
    const [mine] = await rt.database.query<{ ticket_id: string }>('select ticket_id from sla_tickets where customer_id = $1 limit 1', [
      w.customerA,
    ])
    const [theirs] = await rt.database.query<{ ticket_id: string }>('select ticket_id from sla_tickets where customer_id = $1 limit 1', [
      w.customerB,
    ])
    expect((await w.contactA.get(`/api/sla/tickets/${mine!.ticket_id}`)).statusCode).toBe(200)
    expect((await w.contactA.get(`/api/sla/tickets/${theirs!.ticket_id}`)).statusCode).toBe(404)
    const risky = await ok<{ items: { customerId: string }[] }>(w.contactA.get('/api/sla/at-risk?withinMinutes=43200'))
    expect(risky.items.length).toBeGreaterThan(0)
    expect(risky.items.every((i) => i.customerId === w.customerA)).toBe(true)
  })
})
