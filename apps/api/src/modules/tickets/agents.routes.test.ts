import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTenant, loginAs } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { buildTicketWorld, ok, type TicketWorld } from './tickets.fixtures.ts'

let rt: TestRuntime
let w: TicketWorld

beforeAll(async () => {
  rt = await createTestRuntime()
  w = await buildTicketWorld(rt)
})
afterAll(() => rt?.close())

interface Agent {
  id: string
  name: string
  tier: string | null
  queueIds: string[]
  assignable: boolean
  [k: string]: unknown
}

describe('GET /api/tickets/agents', () => {
  it('gives an L1 agent the desk by name, tier and queue, without emails or phones', async () => {
    // the user administration is not theirs to read
    expect((await w.agent.get('/api/users')).statusCode).toBe(403)
    const engineer = await loginAs(rt, w.tenant, 'engineer', { name: '现场工程师 孙强' })
    const keeper = await loginAs(rt, w.tenant, 'warehouse_keeper', { name: '库管 周敏' })
    const { items } = await ok<{ items: Agent[] }>(w.agent.get('/api/tickets/agents'))
    const byId = new Map(items.map((a) => [a.id, a]))
    expect(byId.get(w.agent.user.id)).toEqual({
      id: w.agent.user.id,
      name: '一线客服 张丽',
      tier: 'L1',
      queueIds: [w.queue],
      assignable: true,
    })
    expect(byId.get(w.agent2.user.id)).toMatchObject({ tier: 'L2', queueIds: [], assignable: true })
    expect(byId.get(engineer.user.id)).toMatchObject({ tier: null, assignable: true })
    // mentionable, not assignable
    expect(byId.get(keeper.user.id)).toMatchObject({ assignable: false })
    // customer contacts are not staff
    expect(byId.has(w.contactA.user.id)).toBe(false)
    for (const a of items) expect(Object.keys(a).sort()).toEqual(['assignable', 'id', 'name', 'queueIds', 'tier'])
    expect(JSON.stringify(items)).not.toMatch(/@/)
  })

  it('leaves out disabled users and other tenants’ staff', async () => {
    const gone = await loginAs(rt, w.tenant, 'agent_l1', { name: '已离职 客服' })
    await ok(w.admin.post(`/api/users/${gone.user.id}/disable`, {}))
    const other = await buildTenant(rt)
    const stranger = await loginAs(rt, other, 'agent_l1', { name: '别家客服' })
    const ids = (await ok<{ items: Agent[] }>(w.agent.get('/api/tickets/agents'))).items.map((a) => a.id)
    expect(ids).not.toContain(gone.user.id)
    expect(ids).not.toContain(stranger.user.id)
  })

  it('refuses customer contacts and the anonymous', async () => {
    expect((await w.contactA.get('/api/tickets/agents')).statusCode).toBe(403)
    expect((await rt.app.inject({ method: 'GET', url: '/api/tickets/agents' })).statusCode).toBe(401)
  })
})
