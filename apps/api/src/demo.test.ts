import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedCustomersAndDevices } from './demo.ts'
import { buildTenant, buildUser, loginAs } from './test/factories.ts'
import { createTestRuntime, type TestRuntime } from './test/harness.ts'

let rt: TestRuntime
beforeAll(async () => {
  rt = await createTestRuntime({ clock: new Date('2026-05-01T02:00:00Z') })
})
afterAll(() => rt?.close())

describe('demo customers and devices', () => {
  it('gives a newcomer about 20 customers and 60 devices whose warranties, contracts and places look real', async () => {
    const tenant = await buildTenant(rt)
    const supervisor = await buildUser(rt, tenant, 'supervisor')
    const agent2 = await buildUser(rt, tenant, 'agent_l2')
    const ids = await seedCustomersAndDevices(rt.modules, tenant.id, { supervisor: supervisor.id, agent_l2: agent2.id })
    expect(ids).toHaveLength(20)
    const admin = await loginAs(rt, tenant, 'admin')
    const devices = (await admin.get('/api/devices?limit=200')).json()
    expect(devices.total).toBeGreaterThanOrEqual(60)
    const states = new Set(devices.items.map((d: { warrantyState: string }) => d.warrantyState))
    expect([...states].sort()).toEqual(['expired', 'in_warranty', 'under_contract'])
    expect(devices.items.every((d: { installPlace: unknown }) => d.installPlace)).toBe(true)
    const contracts = (await admin.get('/api/contracts')).json()
    expect(contracts.items.map((c: { status: string }) => c.status).sort()).toEqual(['active', 'active', 'active', 'expired'])
    const first = (await admin.get(`/api/customers/${ids[0]}`)).json()
    expect(first).toMatchObject({ code: 'C0001', tier: 'strategic', accountManagerId: supervisor.id })
    expect(first.contacts[0]).toMatchObject({ name: '吴娜', isPrimary: true })
  })
})
