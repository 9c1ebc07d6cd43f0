import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTenant, loginAs, type Client, type TestTenant } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'

let rt: TestRuntime
let tenant: TestTenant
let agent: Client
let admin: Client

beforeAll(async () => {
  rt = await createTestRuntime()
  tenant = await buildTenant(rt)
  admin = await loginAs(rt, tenant, 'admin')
  agent = await loginAs(rt, tenant, 'agent_l1')
})
afterAll(() => rt?.close())

describe('customers API', () => {
  it('creates a customer and lists it with a Chinese name search', async () => {
    const created = await admin.post('/api/customers', { name: '华东精密制造有限公司', tier: 'gold', tags: ['制造业'] })
    expect(created.statusCode).toBe(201)
    expect(created.json()).toMatchObject({ name: '华东精密制造有限公司', tier: 'gold', kind: 'organisation', version: 1 })
    expect(created.headers.etag).toBe('"v1"')
    const list = await agent.get(`/api/customers?q=${encodeURIComponent('精密')}`)
    expect(list.statusCode).toBe(200)
    expect(list.json().items.map((c: { name: string }) => c.name)).toEqual(['华东精密制造有限公司'])
  })

  it('rejects bad input naming the field, and stores nothing', async () => {
    const res = await admin.post('/api/customers', { name: '', tier: 'platinum' })
    expect(res.statusCode).toBe(400)
    const paths = res.json().issues.map((i: { path: string }) => i.path)
    expect(paths).toEqual(expect.arrayContaining(['body.name', 'body.tier']))
    const list = await admin.get('/api/customers?tier=standard')
    expect(list.json().items.filter((c: { name: string }) => c.name === '')).toHaveLength(0)
  })

  it('shows a customer contact only their own organisation: another one answers 404', async () => {
    const mine = (await admin.post('/api/customers', { name: '甲公司' })).json()
    const other = (await admin.post('/api/customers', { name: '乙公司' })).json()
    const contact = await loginAs(rt, tenant, 'customer_contact', { customerOrgId: mine.id })
    expect((await contact.get(`/api/customers/${mine.id}`)).statusCode).toBe(200)
    const res = await contact.get(`/api/customers/${other.id}`)
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('not_found')
    expect((await contact.get('/api/customers')).statusCode).toBe(403)
  })

  it('keeps tenants apart: another tenant cannot read the customer', async () => {
    const created = (await admin.post('/api/customers', { name: '丙公司' })).json()
    const otherTenant = await buildTenant(rt)
    const outsider = await loginAs(rt, otherTenant, 'admin')
    expect((await outsider.get(`/api/customers/${created.id}`)).statusCode).toBe(404)
    expect((await outsider.get('/api/customers')).json().items).toEqual([])
  })

  it('records the creation in the audit log within the same transaction', async () => {
    const created = (await admin.post('/api/customers', { name: '丁公司' })).json()
    const rows = await rt.database.query<{ action: string; actor_id: string }>(
      'select action, actor_id from audit_log where entity_type = $1 and entity_id = $2',
      ['customer', created.id],
    )
    expect(rows).toEqual([{ action: 'customer.created', actor_id: admin.user.id }])
  })
})
