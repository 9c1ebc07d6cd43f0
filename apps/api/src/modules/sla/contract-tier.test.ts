// A service contract changed after a ticket opened re-selects that ticket's policy, through the HTTP
// API: tickets and contracts are made through /api/tickets and /api/contracts, their outbox events
// (ticket.* and contract.*) are handed to the SLA listeners as the worker does — at least once, so
// twice here — and the ticket's SLA state and audit trail are read back.
import type { TicketSla } from '@aftercare/contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { deliveredEvents } from '../notifications/notifications.fixture.ts'
import { buildTicketWorld, newTicket, ok, type TicketWorld } from '../tickets/tickets.fixtures.ts'

let rt: TestRuntime
let w: TicketWorld
let productId: string
const sh = (s: string) => new Date(`${s}+08:00`)

beforeAll(async () => {
  rt = await createTestRuntime({ clock: sh('2026-10-15T10:00:00'), config: { LOGIN_RATE_LIMIT_PER_MINUTE: '100000' } })
  w = await buildTicketWorld(rt)
  productId = (
    await ok<{ id: string }>(
      w.admin.post('/api/products', { model: 'KFR-72LW', name: '柜式空调 3 匹', category: '空调', warrantyMonths: 12 }),
      201,
    )
  ).id
})
afterAll(() => rt?.close())

async function at(local: string) {
  rt.clock.set(sh(local))
  w.agent = await signIn(rt, w.tenant, w.agent.user)
  w.admin = await signIn(rt, w.tenant, w.admin.user)
}

/** Hands every ticket and contract event of the tenant to the SLA listeners, twice (at-least-once delivery). */
async function deliver() {
  const events = await deliveredEvents(rt, `tenant_id = $1 and (type like 'ticket.%' or type like 'contract.%')`, [w.tenant.id])
  const listeners = rt.modules.listeners.filter((l) => l.name.startsWith('sla.'))
  for (let round = 0; round < 2; round++)
    for (const e of events) for (const l of listeners) if (l.events === '*' || l.events.includes(e.type)) await l.handle(e)
}

/** A device of customer B (standard tier), for a contract to cover. */
const newDevice = (serialNumber: string) =>
  ok<{ id: string }>(w.admin.post('/api/devices', { serialNumber, productId, customerId: w.customerB }), 201)

async function slaOf(ticketId: string) {
  const s = await ok<TicketSla>(w.agent.get(`/api/sla/tickets/${ticketId}`))
  const due = (target: string) => s.clocks.find((c) => c.target === target && c.state !== 'stopped')?.dueAt ?? null
  return { policy: s.policy?.name, firstResponse: due('first_response'), resolution: due('resolution') }
}

async function reselections(ticketId: string) {
  return rt.database.query<{
    actor_type: string
    actor_id: string | null
    before: Record<string, unknown>
    after: Record<string, unknown>
  }>(`select actor_type, actor_id, before, after from audit_log where entity_id = $1 and action = 'sla.policy_reselected' order by id`, [
    ticketId,
  ])
}

const contract = (deviceId: string, fields: Record<string, unknown> = {}) => ({
  customerId: w.customerB,
  name: '金牌维保合同',
  startsOn: '2026-01-01',
  endsOn: '2026-12-31',
  slaTier: 'gold',
  deviceIds: [deviceId],
  ...fields,
})

const iso = (local: string) => sh(local).toISOString()

describe('service contracts changed after a ticket opened', () => {
  it("a gold contract on a standard customer's device moves its open ticket to gold service; a tier change and the contract's end move it back", async () => {
    await at('2026-10-15T10:00:00')
    const device = await newDevice('SN-CT-1')
    const ticket = await newTicket(w, { customerId: w.customerB, deviceId: device.id, priority: 'P2' })
    // a ticket of the same customer without a device keeps the customer's tier throughout
    const other = await newTicket(w, { customerId: w.customerB, priority: 'P2' })
    await deliver()
    // Standard customer: basic, 2 h response in office hours (Thursday 10:00 → 12:00), 24 business hours to resolve.
    const basic = { policy: '基础服务', firstResponse: iso('2026-10-15T12:00:00'), resolution: iso('2026-10-20T10:00:00') }
    expect(await slaOf(ticket.id)).toEqual(basic)

    // A gold contract for the device: advanced, 7×24, counted from the ticket's opening (15 min, 4 h).
    await at('2026-10-15T10:05:00')
    const gold = await ok<{ id: string; version: number }>(w.admin.post('/api/contracts', contract(device.id)), 201)
    await deliver()
    const advanced = { policy: '高级服务', firstResponse: iso('2026-10-15T10:15:00'), resolution: iso('2026-10-15T14:00:00') }
    expect(await slaOf(ticket.id)).toEqual(advanced)
    expect(await slaOf(other.id)).toEqual(basic)

    // The contract's tier lowered to standard, then its period ended yesterday: basic again, both times.
    await at('2026-10-15T10:08:00')
    await ok(w.admin.patch(`/api/contracts/${gold.id}`, { slaTier: 'standard' }))
    await deliver()
    expect(await slaOf(ticket.id)).toEqual(basic)
    await ok(w.admin.patch(`/api/contracts/${gold.id}`, { slaTier: 'gold' }))
    await deliver()
    expect(await slaOf(ticket.id)).toEqual(advanced)
    await ok(w.admin.patch(`/api/contracts/${gold.id}`, { endsOn: '2026-10-14' }))
    await deliver()
    expect(await slaOf(ticket.id)).toEqual(basic)

    // Each move is in the ticket's audit trail once (events were delivered twice), by the admin who changed the contract.
    const trail = await reselections(ticket.id)
    expect(trail.map((r) => [r.before.contractTier, r.after.contractTier, r.after.reason])).toEqual([
      [null, 'gold', 'contract.created'],
      ['gold', 'standard', 'contract.updated'],
      ['standard', 'gold', 'contract.updated'],
      ['gold', null, 'contract.updated'],
    ])
    expect(trail[0]).toMatchObject({ actor_type: 'user', actor_id: w.admin.user.id, after: { contractId: gold.id } })
    expect(trail[0]!.after.dueAt).toEqual({ first_response: advanced.firstResponse, resolution: advanced.resolution })
    expect(await reselections(other.id)).toEqual([])
  })

  it('removing a contract, or taking the device off it, ends its tier for the open tickets; finished tickets keep theirs', async () => {
    await at('2026-10-16T09:00:00')
    const device = await newDevice('SN-CT-2')
    const spare = await newDevice('SN-CT-3')
    const gold = await ok<{ id: string }>(w.admin.post('/api/contracts', contract(device.id, { code: 'HT-CT-2' })), 201)
    const open = await newTicket(w, { customerId: w.customerB, deviceId: device.id, priority: 'P2' })
    const done = await newTicket(w, { customerId: w.customerB, deviceId: device.id, priority: 'P2' })
    await ok(w.agent.post(`/api/tickets/${done.id}/transition`, { to: 'cancelled', reason: '重复报修' }))
    await deliver()
    expect((await slaOf(open.id)).policy).toBe('高级服务')
    expect((await slaOf(done.id)).policy).toBe('高级服务')

    // The device moved to another contract row of the customer's: off this one, the tier goes.
    await at('2026-10-16T09:05:00')
    await ok(w.admin.patch(`/api/contracts/${gold.id}`, { deviceIds: [spare.id] }))
    await deliver()
    expect((await slaOf(open.id)).policy).toBe('基础服务')
    await ok(w.admin.patch(`/api/contracts/${gold.id}`, { deviceIds: [device.id, spare.id] }))
    await deliver()
    expect((await slaOf(open.id)).policy).toBe('高级服务')

    // Removed altogether (its event names no devices): the customer's open tickets on devices are re-read.
    const removed = await w.admin.delete(`/api/contracts/${gold.id}`)
    expect(removed.statusCode).toBe(200)
    await deliver()
    expect(await slaOf(open.id)).toEqual({
      policy: '基础服务',
      firstResponse: iso('2026-10-16T11:00:00'),
      resolution: iso('2026-10-20T18:00:00'),
    })
    expect((await slaOf(done.id)).policy).toBe('高级服务')
    expect((await reselections(open.id)).map((r) => r.after.reason)).toEqual(['contract.updated', 'contract.updated', 'contract.deleted'])
  })

  it('a contract that lapses or begins overnight moves the open tickets of its devices with the daily job', async () => {
    await at('2026-10-19T09:00:00')
    const ending = await newDevice('SN-CT-4')
    const starting = await newDevice('SN-CT-5')
    await ok(w.admin.post('/api/contracts', contract(ending.id, { code: 'HT-CT-4', endsOn: '2026-10-19' })), 201)
    await ok(w.admin.post('/api/contracts', contract(starting.id, { code: 'HT-CT-5', startsOn: '2026-10-20' })), 201)
    const lapsing = await newTicket(w, { customerId: w.customerB, deviceId: ending.id, priority: 'P2' })
    const beginning = await newTicket(w, { customerId: w.customerB, deviceId: starting.id, priority: 'P2' })
    await deliver()
    expect((await slaOf(lapsing.id)).policy).toBe('高级服务')
    expect((await slaOf(beginning.id)).policy).toBe('基础服务')

    // The daily job runs the recheck for every tenant; here only this file's (PostgreSQL is shared by the files).
    expect(rt.modules.jobs.find((j) => j.name === 'sla.contractPeriods')?.cron).toBe('5 0 * * *')
    const job = { handler: () => rt.modules.sla.tickets.recheckContractPeriods({ tenantIds: [w.tenant.id] }) }
    // Still the contracts' last and eve day: nothing moves.
    await at('2026-10-19T23:59:00')
    await job.handler()
    expect((await slaOf(lapsing.id)).policy).toBe('高级服务')
    // Five past midnight: one contract is over, the other has begun.
    await at('2026-10-20T00:05:00')
    await job.handler()
    expect((await slaOf(lapsing.id)).policy).toBe('基础服务')
    expect((await slaOf(beginning.id)).policy).toBe('高级服务')
    const trail = await reselections(lapsing.id)
    expect(trail.at(-1)).toMatchObject({ actor_type: 'system', actor_id: null, after: { reason: 'contract.period', contractTier: null } })
    // Run again (a retried job): nothing more is recorded.
    await job.handler()
    expect(await reselections(lapsing.id)).toHaveLength(trail.length)
    expect((await reselections(beginning.id)).map((r) => r.after.reason)).toEqual(['contract.period'])
  })
})
