// Escalation rules carried out on tickets, and the contract SLA tier, through the HTTP API: tickets
// are created and worked through /api/tickets, outbox events (ticket.* and sla.*) are handed to the
// SLA listeners as the worker does (at least once, so more than once here), timers are fired by the
// sweep, and the tickets, their timelines, the audit log and /api/sla/tickets/:id/escalations are
// read back.
import type { SlaCalendar, SlaEscalation, TicketSla } from '@aftercare/contracts'
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DeliveredEvent } from '../../platform/events/types.ts'
import { loginAs, signIn, type Client } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { buildTicketWorld, newTicket, ok, type TicketJson, type TicketWorld } from '../tickets/tickets.fixtures.ts'

let rt: TestRuntime
let w: TicketWorld
let supervisor: Client
let expertQueue: string
const sh = (s: string) => new Date(`${s}+08:00`)

beforeAll(async () => {
  rt = await createTestRuntime({ clock: sh('2026-10-12T09:00:00'), config: { LOGIN_RATE_LIMIT_PER_MINUTE: '100000' } })
  w = await buildTicketWorld(rt)
  supervisor = await loginAs(rt, w.tenant, 'supervisor', { name: '值班主管 陈静' })
  expertQueue = (await ok<{ id: string }>(w.admin.post('/api/tickets/queues', { name: '二线专家组', tier: 'L2', memberIds: [] }), 201)).id
  const cals = (await ok<{ items: SlaCalendar[] }>(w.admin.get('/api/sla/calendars'))).items
  const always = cals.find((c) => c.alwaysOpen)!
  const quick = { firstResponse: { minutes: 10 }, resolution: { minutes: 60 } }
  // Consultations only (typeIds), tried early (rank 5): response 10 min, resolution 1 h, warned at half.
  await ok(
    w.admin.post('/api/sla/policies', {
      name: '咨询快速响应',
      typeIds: [w.types.consult],
      rank: 5,
      calendarId: always.id,
      warningFraction: 0.5,
      targets: { P0: quick, P1: quick, P2: quick, P3: quick },
      escalations: [
        { on: 'warning', target: 'first_response', action: 'notify_supervisor' },
        { on: 'warning', target: 'first_response', action: 'raise_priority', maxPriority: 'P0' },
        { on: 'breach', target: 'first_response', action: 'reassign_queue', queueId: expertQueue },
        { on: 'breach', target: 'any', action: 'raise_tier' },
        // the same action twice for one threshold is carried out once
        { on: 'breach', target: 'first_response', action: 'raise_tier' },
      ],
    }),
    201,
  )
})
afterAll(() => rt?.close())

async function at(local: string) {
  rt.clock.set(sh(local))
  w.agent = await signIn(rt, w.tenant, w.agent.user)
  w.admin = await signIn(rt, w.tenant, w.admin.user)
  w.contactB = await signIn(rt, w.tenant, w.contactB.user)
  supervisor = await signIn(rt, w.tenant, supervisor.user)
}

type OutboxRow = {
  id: string
  tenant_id: string
  type: string
  aggregate_type: string | null
  aggregate_id: string | null
  payload: Record<string, unknown>
  actor_id: string | null
  created_at: Date
}
const toEvent = (r: OutboxRow, id = r.id): DeliveredEvent => ({
  id,
  tenantId: r.tenant_id,
  type: r.type,
  aggregateType: r.aggregate_type,
  aggregateId: r.aggregate_id,
  payload: r.payload,
  actorId: r.actor_id,
  createdAt: new Date(r.created_at),
})

/** Hands every event of the tenant to the SLA listeners, all of them again each time (at-least-once delivery). */
async function deliver() {
  const rows = await rt.database.query<OutboxRow>(`select * from outbox where tenant_id = $1 order by created_at, id`, [w.tenant.id])
  const listeners = rt.modules.listeners.filter((l) => l.name.startsWith('sla.'))
  for (const r of rows) for (const l of listeners) if (l.events === '*' || l.events.includes(r.type)) await l.handle(toEvent(r))
}

async function requests(ticketId: string) {
  return rt.database.query<OutboxRow>(`select * from outbox where aggregate_id = $1 and type = 'sla.escalation_requested'`, [ticketId])
}
const ticket = (id: string) => ok<TicketJson>(w.agent.get(`/api/tickets/${id}`))
const escalations = async (id: string, as: Client = supervisor) =>
  (await ok<{ items: SlaEscalation[] }>(as.get(`/api/sla/tickets/${id}/escalations`))).items

describe('escalation rules on warning and breach', () => {
  it('warning: supervisors are @mentioned in a system note and the priority rises one step; redelivery does nothing more', async () => {
    await at('2026-10-12T09:00:00')
    const t = await newTicket(w, { typeId: w.types.consult, priority: 'P2', subject: '咨询保修范围' })
    await deliver()
    expect((await ok<TicketSla>(w.agent.get(`/api/sla/tickets/${t.id}`))).policy?.name).toBe('咨询快速响应')

    await at('2026-10-12T09:06:00')
    await rt.modules.sla.timers.sweep({ tenantIds: [w.tenant.id] })
    await deliver()
    await deliver()
    // A second worker raising the same request (another event id) changes nothing either.
    const listener = rt.modules.listeners.find((l) => l.name === 'sla.escalation-actions')!
    for (const r of await requests(t.id)) await listener.handle(toEvent(r, randomUUID()))
    await deliver()

    const after = await ticket(t.id)
    expect(after.priority).toBe('P1') // once, though maxPriority would allow P0
    const done = await escalations(t.id)
    expect(done.map((e) => [e.trigger, e.target, e.action, e.outcome]).sort()).toEqual([
      ['warning', 'first_response', 'notify_supervisor', 'done'],
      ['warning', 'first_response', 'raise_priority', 'done'],
    ])
    expect(done.find((e) => e.action === 'raise_priority')!.detail).toEqual({ from: 'P2', to: 'P1' })
    expect(done.find((e) => e.action === 'notify_supervisor')!.detail.userIds).toEqual([supervisor.user.id])

    const mentioned = await rt.database.query<{ payload: { userIds: string[]; messageId: string } }>(
      `select payload from outbox where aggregate_id = $1 and type = 'ticket.mentioned'`,
      [t.id],
    )
    expect(mentioned.map((m) => m.payload.userIds)).toEqual([[supervisor.user.id]])
    const notes = await ok<{ items: { id: string; body: string; visibility: string; authorType: string }[] }>(
      w.agent.get(`/api/tickets/${t.id}/messages`),
    )
    expect(notes.items.find((m) => m.id === mentioned[0]!.payload.messageId)).toMatchObject({
      visibility: 'internal',
      authorType: 'system',
      body: expect.stringContaining('SLA 预警：首次响应'),
    })
    // The priority change went through the tickets module like a person's: event, timeline.
    const changed = await rt.database.query<{ n: number }>(
      `select count(*)::int as n from outbox where aggregate_id = $1 and type = 'ticket.priority_changed'`,
      [t.id],
    )
    expect(changed[0]!.n).toBe(1)
    const audited = await rt.database.query<{ action: string; n: number }>(
      `select action, count(*)::int as n from audit_log where entity_id = $1 and action like 'sla.escalation_%' group by 1`,
      [t.id],
    )
    expect(audited).toEqual([{ action: 'sla.escalation_done', n: 2 }])

    // Breach: reassigned to the expert queue and raised to L2, each once although two rules ask for raise_tier.
    await at('2026-10-12T09:11:00')
    await rt.modules.sla.timers.sweep({ tenantIds: [w.tenant.id] })
    await deliver()
    await deliver()
    const breached = await ticket(t.id)
    expect(breached).toMatchObject({ tier: 'L2', queueId: expertQueue, assigneeId: null, priority: 'P1' })
    const all = await escalations(t.id)
    expect(all.filter((e) => e.trigger === 'breach').map((e) => [e.action, e.outcome, e.detail])).toEqual(
      expect.arrayContaining([
        ['reassign_queue', 'done', { from: null, to: expertQueue }],
        ['raise_tier', 'done', { from: 'L1', to: 'L2' }],
      ]),
    )
    expect(all).toHaveLength(4)
    const timeline = await ok<{ items: { kind: string; data: Record<string, unknown> }[] }>(w.agent.get(`/api/tickets/${t.id}/timeline`))
    expect(timeline.items.filter((e) => e.kind === 'escalated').map((e) => e.data)).toEqual([
      { from: 'L1', to: 'L2', reason: 'SLA 超时：首次响应' },
    ])
  })

  it('a refused action (queue deactivated) is recorded as skipped and the others still happen', async () => {
    await at('2026-10-13T09:00:00')
    const q = (await ok<{ id: string }>(w.admin.post('/api/tickets/queues', { name: '临时组', tier: 'L2', memberIds: [] }), 201)).id
    const cals = (await ok<{ items: SlaCalendar[] }>(w.admin.get('/api/sla/calendars'))).items
    const p = await ok<{ id: string }>(
      w.admin.post('/api/sla/policies', {
        name: '停用队列测试',
        typeIds: [w.types.consult],
        categoryIds: [],
        tiers: ['standard'],
        rank: 0,
        calendarId: cals.find((c) => c.alwaysOpen)!.id,
        targets: { P3: { firstResponse: { minutes: 10 } } },
        escalations: [
          { on: 'breach', action: 'reassign_queue', queueId: q },
          { on: 'breach', action: 'raise_priority' },
        ],
      }),
      201,
    )
    const t = await newTicket(w, { typeId: w.types.consult, priority: 'P3', customerId: w.customerB })
    await deliver()
    expect((await ok<TicketSla>(w.agent.get(`/api/sla/tickets/${t.id}`))).policy?.id).toBe(p.id)
    await ok(w.admin.patch(`/api/tickets/queues/${q}`, { active: false }))
    await at('2026-10-13T09:11:00')
    await rt.modules.sla.timers.sweep({ tenantIds: [w.tenant.id] })
    await deliver()
    const done = await escalations(t.id)
    expect(done.map((e) => [e.action, e.outcome, e.detail.reason ?? null]).sort()).toEqual([
      ['raise_priority', 'done', null],
      ['reassign_queue', 'skipped', 'refused'],
    ])
    expect(await ticket(t.id)).toMatchObject({ priority: 'P2', queueId: null })
    await ok(w.admin.patch(`/api/sla/policies/${p.id}`, { active: false }))
  })

  it('a ticket cancelled before the request is delivered is left alone (skipped)', async () => {
    await at('2026-10-14T09:00:00')
    const t = await newTicket(w, { typeId: w.types.consult, priority: 'P2' })
    await deliver()
    await at('2026-10-14T09:11:00')
    await rt.modules.sla.timers.sweep({ tenantIds: [w.tenant.id] })
    await ok(w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'cancelled', reason: '客户撤回' }))
    await deliver()
    const done = await escalations(t.id)
    expect(done.filter((e) => e.action !== 'notify_supervisor').every((e) => e.outcome === 'skipped')).toBe(true)
    expect(await ticket(t.id)).toMatchObject({ status: 'cancelled', priority: 'P2', tier: 'L1' })
  })

  it('escalations of a ticket are 404 to a customer of another company, and validation names the field', async () => {
    const t = await newTicket(w, { typeId: w.types.consult })
    expect((await w.contactB.get(`/api/sla/tickets/${t.id}/escalations`)).statusCode).toBe(404)
    expect((await supervisor.get(`/api/sla/tickets/${randomUUID()}/escalations`)).statusCode).toBe(404)
    const bad = await w.admin.post('/api/sla/policies', {
      name: '错误',
      targets: { P1: { firstResponse: { minutes: 5 } } },
      escalations: [{ on: 'warning', action: 'raise_priority', maxPriority: 'P9' }],
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().issues[0].path).toBe('body.escalations.0.maxPriority')
  })
})

describe('contract SLA tier', () => {
  it("a device under a gold contract gets gold service for a standard customer; a standard contract overrides a gold customer's tier", async () => {
    await at('2026-10-15T10:00:00')
    const product = await ok<{ id: string }>(
      w.admin.post('/api/products', { model: 'KFR-72LW', name: '柜式空调 3 匹', category: '空调', warrantyMonths: 12 }),
      201,
    )
    const device = async (customerId: string, serialNumber: string, slaTier: string) => {
      const d = await ok<{ id: string }>(w.admin.post('/api/devices', { serialNumber, productId: product.id, customerId }), 201)
      await ok(
        w.admin.post('/api/contracts', {
          customerId,
          name: `${slaTier} 维保合同 ${serialNumber}`,
          startsOn: '2026-01-01',
          endsOn: '2026-12-31',
          slaTier,
          deviceIds: [d.id],
        }),
        201,
      )
      return d.id
    }
    const goldOnStandard = await device(w.customerB, 'SN-SLA-1', 'gold')
    const standardOnGold = await device(w.customerA, 'SN-SLA-2', 'standard')
    const a = await newTicket(w, { customerId: w.customerB, deviceId: goldOnStandard, priority: 'P2' })
    const b = await newTicket(w, { customerId: w.customerA, deviceId: standardOnGold, priority: 'P2' })
    const c = await newTicket(w, { customerId: w.customerA, priority: 'P2' })
    await deliver()
    const policyOf = async (id: string) => (await ok<TicketSla>(w.agent.get(`/api/sla/tickets/${id}`))).policy?.name
    expect(await policyOf(a.id)).toBe('高级服务')
    expect(await policyOf(b.id)).toBe('基础服务')
    expect(await policyOf(c.id)).toBe('高级服务')
    // Taking the device off the ticket: the customer's tier applies again.
    await ok(w.agent.patch(`/api/tickets/${a.id}`, { deviceId: null }))
    await deliver()
    expect(await policyOf(a.id)).toBe('基础服务')
  })
})
