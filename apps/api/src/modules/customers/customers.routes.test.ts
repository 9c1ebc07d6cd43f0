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

describe('contacts, addresses, masking and the audited reveal', () => {
  const body = {
    code: 'C-HD-001',
    name: '华东精密仪器有限公司',
    tier: 'gold',
    tags: ['制造业', '华东'],
    contacts: [
      { name: '张伟', mobile: '+86 138-1234-5678', email: 'zhangwei@hdjm.example.com', wechatId: 'zhangwei_88', title: '设备科科长' },
      { name: '李娜', mobile: '13987654321', isPrimary: true },
    ],
    addresses: [
      {
        label: '总部',
        provinceCode: '310000',
        cityCode: '310100',
        districtCode: '310115',
        detail: '碧波路690号3栋501室',
        latitude: 31.2,
        longitude: 121.6,
      },
    ],
  }

  it('stores normalised contacts, masks them in lists and details, and reveals them only with customers.pii (audited)', async () => {
    const created = await admin.post('/api/customers', body)
    expect(created.statusCode).toBe(201)
    const c = created.json()
    expect(c.contacts.map((x: { name: string; isPrimary: boolean }) => [x.name, x.isPrimary])).toEqual([
      ['李娜', true],
      ['张伟', false],
    ])
    expect(c.contacts[1]).toMatchObject({ mobile: '138****5678', email: 'z***i@hdjm.example.com', wechatId: 'zh***88' })
    expect(c.addresses[0]).toMatchObject({
      provinceName: '上海市',
      districtName: '浦东新区',
      detail: '碧波路***',
      latitude: null,
      isDefault: true,
    })

    const list = (await agent.get('/api/customers?q=C-HD-001')).json()
    expect(list.items).toHaveLength(1)
    expect(list.items[0]).toMatchObject({
      primaryContact: { name: '李娜', mobile: '139****4321' },
      defaultAddress: '上海市浦东新区碧波路***',
    })
    expect(JSON.stringify(list)).not.toContain('13812345678')

    // agent_l1 has no customers.pii: the reveal is refused and nothing is audited
    expect((await agent.post(`/api/customers/${c.id}/reveal`)).statusCode).toBe(403)
    const l2 = await loginAs(rt, tenant, 'agent_l2')
    const revealed = await l2.post(`/api/customers/${c.id}/reveal`)
    expect(revealed.statusCode).toBe(200)
    expect(revealed.json()).toMatchObject({ revealed: true })
    expect(revealed.json().contacts[1]).toMatchObject({
      mobile: '13812345678',
      email: 'zhangwei@hdjm.example.com',
      wechatId: 'zhangwei_88',
    })
    expect(revealed.json().addresses[0]).toMatchObject({ detail: '碧波路690号3栋501室', latitude: 31.2, longitude: 121.6 })
    const audit = await rt.database.query<{ action: string; actor_id: string }>(
      "select action, actor_id from audit_log where entity_id = $1 and action = 'customer.pii_revealed'",
      [c.id],
    )
    expect(audit).toEqual([{ action: 'customer.pii_revealed', actor_id: l2.user.id }])
  })

  it('finds customers by a contact mobile, tag and tier, with totals for paging', async () => {
    const hit = await agent.get('/api/customers?q=13987654321')
    expect(hit.json().items.map((x: { code: string }) => x.code)).toEqual(['C-HD-001'])
    const byTag = await agent.get(`/api/customers?tag=${encodeURIComponent('华东')}&tier=gold&limit=1`)
    expect(byTag.json()).toMatchObject({ total: 1 })
  })

  it('refuses a region that does not fit together, naming the field, and stores nothing', async () => {
    const bad = await admin.post('/api/customers', {
      name: '错地址公司',
      addresses: [{ provinceCode: '310000', cityCode: '310100', districtCode: '440305', detail: '某路1号' }],
    })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().issues[0].path).toBe('addresses.0.districtCode')
    expect((await admin.get(`/api/customers?q=${encodeURIComponent('错地址公司')}`)).json().total).toBe(0)
    const badPhone = await admin.post('/api/customers', { name: '错号码公司', contacts: [{ name: '王', mobile: '1381234' }] })
    expect(badPhone.statusCode).toBe(400)
    expect(badPhone.json().issues.map((i: { path: string }) => i.path)).toContain('body.contacts.0.mobile')
  })

  it('updates with If-Match: a stale ETag answers 412 and changes nothing; a taken customer number 409', async () => {
    const c = (await admin.post('/api/customers', { name: '版本测试公司', code: 'C-V-1' })).json()
    const ok = await admin.patch(`/api/customers/${c.id}`, { tier: 'strategic' }, { 'if-match': '"v1"' })
    expect(ok.statusCode).toBe(200)
    expect(ok.headers.etag).toBe('"v2"')
    const stale = await admin.patch(`/api/customers/${c.id}`, { tier: 'silver' }, { 'if-match': '"v1"' })
    expect(stale.statusCode).toBe(412)
    expect((await admin.get(`/api/customers/${c.id}`)).json().tier).toBe('strategic')
    const taken = await admin.patch(`/api/customers/${c.id}`, { code: 'c-hd-001' })
    expect(taken.statusCode).toBe(409)
    expect(taken.json()).toMatchObject({ code: 'code_taken', issues: [{ path: 'code' }] })
  })

  it('accepts only an active staff member as account manager', async () => {
    const manager = await loginAs(rt, tenant, 'supervisor')
    const contactUser = await loginAs(rt, tenant, 'customer_contact')
    const bad = await admin.post('/api/customers', { name: '经理测试公司', accountManagerId: contactUser.user.id })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().issues[0].path).toBe('accountManagerId')
    const good = await admin.post('/api/customers', { name: '经理测试公司', accountManagerId: manager.user.id })
    expect(good.statusCode).toBe(201)
    expect(good.json().accountManagerName).toBe('supervisor')
  })

  it('moves the primary mark between contacts and promotes another when the primary one is removed', async () => {
    const c = (await admin.post('/api/customers', { name: '联系人测试公司', contacts: [{ name: '甲', mobile: '13800000001' }] })).json()
    const second = await admin.post(`/api/customers/${c.id}/contacts`, { name: '乙', email: 'yi@example.com', isPrimary: true })
    expect(second.statusCode).toBe(201)
    let detail = (await admin.get(`/api/customers/${c.id}`)).json()
    expect(detail.contacts.map((x: { name: string; isPrimary: boolean }) => [x.name, x.isPrimary])).toEqual([
      ['乙', true],
      ['甲', false],
    ])
    const noWay = await admin.patch(`/api/customers/${c.id}/contacts/${second.json().id}`, { mobile: null, email: null })
    expect(noWay.statusCode).toBe(422)
    expect(noWay.json().issues[0].path).toBe('mobile')
    const removed = await admin.delete(`/api/customers/${c.id}/contacts/${second.json().id}`)
    expect(removed.statusCode).toBe(200)
    detail = (await admin.get(`/api/customers/${c.id}`)).json()
    expect(detail.contacts.map((x: { name: string; isPrimary: boolean }) => [x.name, x.isPrimary])).toEqual([['甲', true]])
    // another customer's contact id answers 404 under this customer
    const other = (await admin.post('/api/customers', { name: '别家公司', contacts: [{ name: '丙', mobile: '13800000002' }] })).json()
    expect((await admin.patch(`/api/customers/${c.id}/contacts/${other.contacts[0].id}`, { name: '改' })).statusCode).toBe(404)
  })

  it('adds, changes and removes addresses with region checks', async () => {
    const c = (await admin.post('/api/customers', { name: '地址测试公司' })).json()
    const a = await admin.post(`/api/customers/${c.id}/addresses`, {
      provinceCode: '440000',
      cityCode: '440300',
      districtCode: '440305',
      detail: '科技园南区8号',
    })
    expect(a.statusCode).toBe(201)
    expect(a.json()).toMatchObject({ cityName: '深圳市', districtName: '南山区', isDefault: true })
    const moved = await admin.patch(`/api/customers/${c.id}/addresses/${a.json().id}`, { districtCode: '440304' }, { 'if-match': '"v1"' })
    expect(moved.statusCode).toBe(200)
    expect(moved.json()).toMatchObject({ districtName: '福田区', version: 2 })
    const wrong = await admin.patch(`/api/customers/${c.id}/addresses/${a.json().id}`, { cityCode: '310100' })
    expect(wrong.statusCode).toBe(422)
    expect(wrong.json().issues[0].path).toBe('cityCode')
    expect((await admin.delete(`/api/customers/${c.id}/addresses/${a.json().id}`)).statusCode).toBe(200)
    expect((await admin.get(`/api/customers/${c.id}`)).json().addresses).toEqual([])
  })

  it('deletes a customer, after which it answers 404', async () => {
    const c = (await admin.post('/api/customers', { name: '待删除公司', contacts: [{ name: '丁', mobile: '13800000003' }] })).json()
    expect((await agent.delete(`/api/customers/${c.id}`, { 'if-match': '"v9"' })).statusCode).toBe(412)
    expect((await agent.delete(`/api/customers/${c.id}`)).statusCode).toBe(200)
    expect((await agent.get(`/api/customers/${c.id}`)).statusCode).toBe(404)
  })

  it('gives other modules a customer summary and contact lookups in their transaction', async () => {
    const { findCustomerSummary, findContactsBy } = await import('./index.ts')
    const c = (
      await admin.post('/api/customers', { name: '摘要测试公司', tier: 'silver', contacts: [{ name: '戊', mobile: '13800000004' }] })
    ).json()
    const summary = await rt.database.withTenant(tenant.id, (tx) => findCustomerSummary(tx, c.id))
    expect(summary).toMatchObject({ id: c.id, name: '摘要测试公司', tier: 'silver', accountManager: null })
    const found = await rt.database.withTenant(tenant.id, (tx) => findContactsBy(tx, { mobile: '+86 138 0000 0004' }))
    expect(found).toEqual([expect.objectContaining({ name: '戊', mobile: '13800000004', customerId: c.id })])
  })
})
