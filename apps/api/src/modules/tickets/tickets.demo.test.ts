import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedCustomersAndDevices } from '../../demo.ts'
import { buildTenant, buildUser, loginAs } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { seededRandom } from './tickets.demo.ts'

let rt: TestRuntime
beforeAll(async () => {
  rt = await createTestRuntime({ clock: new Date('2026-05-01T02:00:00Z') })
})
afterAll(() => rt?.close())

describe('demo tickets', () => {
  it('gives a newcomer ~200 tickets in every status, with conversations and resolutions; seeding again adds nothing', async () => {
    const tenant = await buildTenant(rt)
    const u = {
      admin: await buildUser(rt, tenant, 'admin'),
      supervisor: await buildUser(rt, tenant, 'supervisor'),
      agentL1: await buildUser(rt, tenant, 'agent_l1'),
      agentL2: await buildUser(rt, tenant, 'agent_l2'),
      engineer: await buildUser(rt, tenant, 'engineer'),
    }
    const customerIds = await seedCustomersAndDevices(rt.modules, tenant.id, { supervisor: u.supervisor.id, agent_l2: u.agentL2.id })
    const contact = await buildUser(rt, tenant, 'customer_contact', { customerOrgId: customerIds[0]! })
    const admin = await loginAs(rt, tenant, 'admin')
    const customers = []
    for (const id of customerIds) {
      const devices = (await admin.get(`/api/devices?customerId=${id}&limit=200`)).json() as { items: { id: string }[] }
      customers.push({ id, deviceIds: devices.items.map((d) => d.id) })
    }
    const input = {
      tenantId: tenant.id,
      people: {
        admin: u.admin.id,
        supervisor: u.supervisor.id,
        agentL1: u.agentL1.id,
        agentL2: u.agentL2.id,
        engineer: u.engineer.id,
        contact: { userId: contact.id, customerId: customerIds[0]! },
      },
      customers,
    }
    const started = performance.now()
    expect(await rt.modules.tickets.seedDemo(input)).toBe(200)
    const seconds = (performance.now() - started) / 1000
    console.log(`demo tickets seeded in ${seconds.toFixed(1)} s`)

    const counts = await rt.database.query<{ status: string; n: number }>(
      `select status, count(*)::int as n from tickets where tenant_id = $1 group by status order by status`,
      [tenant.id],
    )
    expect(Object.fromEntries(counts.map((c) => [c.status, c.n]))).toEqual({
      new: 24,
      assigned: 18,
      in_progress: 40,
      pending_customer: 18,
      pending_parts: 14,
      pending_third_party: 8,
      resolved: 46,
      closed: 12,
      cancelled: 20,
    })
    const [facts] = await rt.database.query<{ messages: number; customers: number; devices: number; resolved: number; past: number }>(
      `select (select count(*)::int from ticket_messages where tenant_id = $1) as messages,
              (select count(distinct customer_id)::int from tickets where tenant_id = $1) as customers,
              (select count(distinct device_id)::int from tickets where tenant_id = $1) as devices,
              (select count(*)::int from tickets where tenant_id = $1 and resolution is not null) as resolved,
              (select count(*)::int from tickets where tenant_id = $1 and created_at < now() - interval '0 day' and created_at < $2) as past`,
      [tenant.id, new Date('2026-05-01T02:00:00Z')],
    )
    expect(facts!.messages).toBeGreaterThan(150)
    expect(facts!.customers).toBe(20)
    expect(facts!.devices).toBeGreaterThan(30)
    expect(facts!.resolved).toBe(58)
    expect(facts!.past).toBe(200)
    // the customer contact sees their organisation's tickets, some of which they confirmed
    const contactClient = await loginAs(rt, tenant, 'customer_contact', { customerOrgId: customerIds[0]! })
    const theirs = (await contactClient.get('/api/tickets?limit=200')).json() as { items: { customerId: string }[] }
    expect(theirs.items.length).toBeGreaterThan(5)
    expect(theirs.items.every((t) => t.customerId === customerIds[0])).toBe(true)
    const macros = (await admin.get('/api/tickets/macros')).json() as { items: unknown[] }
    expect(macros.items).toHaveLength(3)

    // again: nothing more
    expect(await rt.modules.tickets.seedDemo(input)).toBe(0)
    const [again] = await rt.database.query<{ n: number }>(`select count(*)::int as n from tickets where tenant_id = $1`, [tenant.id])
    expect(again!.n).toBe(200)
    expect(((await admin.get('/api/tickets/macros')).json() as { items: unknown[] }).items).toHaveLength(3)
  }, 600_000)

  it('draws the same numbers for the same seed', () => {
    const a = seededRandom(7)
    const b = seededRandom(7)
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()))
  })
})
