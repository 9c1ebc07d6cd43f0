import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTenant, loginAs, type Client, type TestTenant } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'

let rt: TestRuntime
let tenant: TestTenant
let admin: Client
let agent: Client
let owner: { id: string; name: string }
let other: { id: string }
let product: { id: string }

const place = {
  provinceCode: '440000',
  cityCode: '440300',
  districtCode: '440305',
  detail: '科技园南区8号A栋',
  latitude: 22.54,
  longitude: 113.95,
}

async function json<T = Record<string, unknown>>(
  p: Promise<{ statusCode: number; body: string; json(): unknown }>,
  status: number,
): Promise<T> {
  const r = await p
  expect(r.statusCode, r.body).toBe(status)
  return r.json() as T
}

beforeAll(async () => {
  // 2026-05-01 10:00 in Beijing
  rt = await createTestRuntime({ clock: new Date('2026-05-01T02:00:00Z') })
  tenant = await buildTenant(rt)
  admin = await loginAs(rt, tenant, 'admin')
  agent = await loginAs(rt, tenant, 'agent_l1')
  owner = await json(admin.post('/api/customers', { name: '华东精密制造有限公司', code: 'HD-1', tier: 'gold' }), 201)
  other = await json(admin.post('/api/customers', { name: '星河酒店', code: 'XH-1' }), 201)
  product = await json(
    agent.post('/api/products', { model: 'KFR-35GW', name: '壁挂式空调 1.5 匹', category: '空调', warrantyMonths: 36 }),
    201,
  )
})
afterAll(() => rt?.close())

describe('products', () => {
  it('keeps models unique per tenant and lets only devices.write change them', async () => {
    const dup = await agent.post('/api/products', { model: 'kfr-35gw', name: '重复', category: '空调', warrantyMonths: 12 })
    expect(dup.statusCode).toBe(409)
    expect(dup.json()).toMatchObject({ code: 'model_taken', issues: [{ path: 'model' }] })
    const engineer = await loginAs(rt, tenant, 'engineer')
    expect((await engineer.get('/api/products')).json().items.map((p: { model: string }) => p.model)).toContain('KFR-35GW')
    expect((await engineer.post('/api/products', { model: 'X', name: 'X', category: 'X', warrantyMonths: 1 })).statusCode).toBe(403)
    const bad = await agent.post('/api/products', { model: 'Y', name: 'Y', category: 'Y', warrantyMonths: 999 })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().issues[0].path).toBe('body.warrantyMonths')
  })
})

describe('device archive', () => {
  it('computes the warranty end from the purchase date and the product, and shows the state', async () => {
    const d = await json<Record<string, unknown>>(
      agent.post('/api/devices', {
        serialNumber: 'SN-0001',
        productId: product.id,
        customerId: owner.id,
        purchasedOn: '2024-03-15',
        installedOn: '2024-03-20',
        installPlace: place,
      }),
      201,
    )
    expect(d).toMatchObject({
      serialNumber: 'SN-0001',
      product: { model: 'KFR-35GW', warrantyMonths: 36 },
      customer: { id: owner.id, name: '华东精密制造有限公司', tier: 'gold' },
      warrantyEndsOn: '2027-03-14',
      warrantyOverridden: false,
      warrantyState: 'in_warranty',
      installPlace: { cityName: '深圳市', districtName: '南山区', detail: '科技园南区***', latitude: null },
      activeContract: null,
    })
  })

  it('lets a person override the warranty end and go back to the computed one', async () => {
    const d = await json<{ id: string }>(
      agent.post('/api/devices', { serialNumber: 'SN-0002', productId: product.id, customerId: owner.id, installedOn: '2020-01-10' }),
      201,
    )
    expect((await agent.get(`/api/devices/${d.id}`)).json()).toMatchObject({ warrantyEndsOn: '2023-01-09', warrantyState: 'expired' })
    const extended = await json(agent.patch(`/api/devices/${d.id}`, { warrantyEndsOn: '2026-12-31' }, { 'if-match': '"v1"' }), 200)
    expect(extended).toMatchObject({ warrantyEndsOn: '2026-12-31', warrantyOverridden: true, warrantyState: 'in_warranty', version: 2 })
    expect((await agent.patch(`/api/devices/${d.id}`, { notes: '旧版本' }, { 'if-match': '"v1"' })).statusCode).toBe(412)
    // a new purchase date does not move an overridden end
    expect(await json(agent.patch(`/api/devices/${d.id}`, { purchasedOn: '2021-06-01' }), 200)).toMatchObject({
      warrantyEndsOn: '2026-12-31',
    })
    expect(await json(agent.patch(`/api/devices/${d.id}`, { warrantyEndsOn: null }), 200)).toMatchObject({
      warrantyEndsOn: '2024-05-31',
      warrantyOverridden: false,
      warrantyState: 'expired',
    })
  })

  it('moves computed warranty ends when the product warranty changes, but not overridden ones', async () => {
    const p = await json<{ id: string }>(
      admin.post('/api/products', { model: 'RO-100', name: '净水器', category: '净水', warrantyMonths: 12 }),
      201,
    )
    const a = await json<{ id: string }>(
      admin.post('/api/devices', { serialNumber: 'RO-A', productId: p.id, customerId: owner.id, purchasedOn: '2025-06-01' }),
      201,
    )
    const b = await json<{ id: string }>(
      admin.post('/api/devices', {
        serialNumber: 'RO-B',
        productId: p.id,
        customerId: owner.id,
        purchasedOn: '2025-06-01',
        warrantyEndsOn: '2025-12-31',
      }),
      201,
    )
    await json(admin.patch(`/api/products/${p.id}`, { warrantyMonths: 24 }), 200)
    expect((await admin.get(`/api/devices/${a.id}`)).json().warrantyEndsOn).toBe('2027-05-31')
    expect((await admin.get(`/api/devices/${b.id}`)).json().warrantyEndsOn).toBe('2025-12-31')
    expect((await admin.delete(`/api/products/${p.id}`)).statusCode).toBe(409)
  })

  it('refuses a serial number twice (any case), an unknown product and a wrong region, naming the field', async () => {
    const dup = await agent.post('/api/devices', { serialNumber: 'sn-0001', productId: product.id, customerId: owner.id })
    expect(dup.statusCode).toBe(409)
    expect(dup.json()).toMatchObject({ code: 'serial_taken', issues: [{ path: 'serialNumber' }] })
    const noProduct = await agent.post('/api/devices', { serialNumber: 'SN-X', productId: other.id, customerId: owner.id })
    expect(noProduct.statusCode).toBe(422)
    expect(noProduct.json().issues[0].path).toBe('productId')
    const badPlace = await agent.post('/api/devices', {
      serialNumber: 'SN-Y',
      productId: product.id,
      customerId: owner.id,
      installPlace: { ...place, cityCode: '310100' },
    })
    expect(badPlace.statusCode).toBe(422)
    expect(badPlace.json().issues[0].path).toBe('installPlace.cityCode')
    expect((await agent.get('/api/devices?q=SN-Y')).json().total).toBe(0)
  })

  it('filters by warranty state, owner and text, and the owner cannot be deleted while it has devices', async () => {
    const inWarranty = (await agent.get(`/api/devices?customerId=${owner.id}&warrantyState=in_warranty`)).json()
    expect(inWarranty.items.map((d: { serialNumber: string }) => d.serialNumber).sort()).toEqual(['RO-A', 'SN-0001'])
    const expired = (await agent.get(`/api/devices?warrantyState=expired`)).json()
    expect(expired.items.map((d: { serialNumber: string }) => d.serialNumber).sort()).toEqual(['RO-B', 'SN-0002'])
    expect((await agent.get(`/api/devices?q=${encodeURIComponent('华东精密')}`)).json().total).toBe(4)
    expect((await agent.get('/api/devices?q=kfr')).json().total).toBe(2)
    const del = await admin.delete(`/api/customers/${owner.id}`)
    expect(del.statusCode).toBe(409)
    expect(del.json().code).toBe('customer_in_use')
  })

  it('masks the installation street; the reveal needs customers.pii and is audited', async () => {
    const [d] = (await agent.get('/api/devices?q=SN-0001')).json().items
    expect((await agent.post(`/api/devices/${d.id}/reveal`)).statusCode).toBe(403)
    const l2 = await loginAs(rt, tenant, 'agent_l2')
    const full = await json<{ installPlace: { detail: string; latitude: number } }>(l2.post(`/api/devices/${d.id}/reveal`), 200)
    expect(full.installPlace).toMatchObject({ detail: '科技园南区8号A栋', latitude: 22.54 })
    const audit = await rt.database.query<{ actor_id: string }>(
      "select actor_id from audit_log where entity_id = $1 and action = 'device.pii_revealed'",
      [d.id],
    )
    expect(audit).toEqual([{ actor_id: l2.user.id }])
  })

  it('keeps tenants apart: another tenant gets 404 for every device endpoint with our ids, and changes nothing', async () => {
    const [d] = (await agent.get('/api/devices?q=SN-0001')).json().items
    const outsider = await loginAs(rt, await buildTenant(rt), 'admin')
    expect((await outsider.get(`/api/devices/${d.id}`)).statusCode).toBe(404)
    expect((await outsider.patch(`/api/devices/${d.id}`, { notes: 'x' })).statusCode).toBe(404)
    expect((await outsider.delete(`/api/devices/${d.id}`)).statusCode).toBe(404)
    expect((await outsider.get(`/api/devices/${d.id}/qr`)).statusCode).toBe(404)
    expect((await outsider.get(`/api/devices/${d.id}/qr.png`)).statusCode).toBe(404)
    expect((await outsider.post(`/api/devices/${d.id}/reveal`)).statusCode).toBe(404)
    expect((await outsider.get(`/api/products/${product.id}`)).statusCode).toBe(404)
    expect((await outsider.get('/api/devices')).json().total).toBe(0)
    const create = await outsider.post('/api/devices', { serialNumber: 'STEAL-1', productId: product.id, customerId: owner.id })
    expect(create.statusCode).toBe(422)
    expect((await agent.get(`/api/devices/${d.id}`)).json().notes).toBeNull()
  })
})

describe('service contracts', () => {
  it('puts covered devices under contract while it is active, and refuses another customer’s device', async () => {
    const [d] = (await agent.get('/api/devices?q=SN-0002')).json().items
    const foreign = await json<{ id: string }>(
      admin.post('/api/devices', { serialNumber: 'XH-DEV', productId: product.id, customerId: other.id }),
      201,
    )
    const bad = await admin.post('/api/contracts', {
      customerId: owner.id,
      name: '年度维保',
      startsOn: '2026-01-01',
      endsOn: '2026-12-31',
      deviceIds: [d.id, foreign.id],
    })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().issues[0].path).toBe('deviceIds')
    const backwards = await admin.post('/api/contracts', {
      customerId: owner.id,
      name: '反了',
      startsOn: '2026-12-31',
      endsOn: '2026-01-01',
    })
    expect(backwards.statusCode).toBe(400)
    const c = await json<{ id: string; status: string }>(
      admin.post('/api/contracts', {
        customerId: owner.id,
        code: 'MC-2026-01',
        name: '2026 年度维保合同',
        startsOn: '2026-01-01',
        endsOn: '2026-12-31',
        slaTier: 'gold',
        coveredServices: ['onsite_repair', 'parts'],
        includedVisits: 4,
        deviceIds: [d.id],
      }),
      201,
    )
    expect(c).toMatchObject({ status: 'active', customerName: '华东精密制造有限公司', deviceIds: [d.id] })
    const detail = (await agent.get(`/api/devices/${d.id}`)).json()
    expect(detail).toMatchObject({ warrantyState: 'under_contract', activeContract: { id: c.id, slaTier: 'gold', endsOn: '2026-12-31' } })
    expect(detail.contracts.map((x: { code: string }) => x.code)).toEqual(['MC-2026-01'])
    expect((await agent.get('/api/devices?warrantyState=under_contract')).json().items.map((x: { id: string }) => x.id)).toEqual([d.id])
    // after the period the device falls back to its warranty
    rt.clock.set(new Date('2027-01-02T02:00:00Z'))
    try {
      const nextYear = await loginAs(rt, tenant, 'agent_l1') // sessions from 2026 have expired
      expect((await nextYear.get(`/api/devices/${d.id}`)).json()).toMatchObject({ warrantyState: 'expired', activeContract: null })
      expect((await nextYear.get(`/api/contracts?customerId=${owner.id}&status=expired`)).json().total).toBe(1)
    } finally {
      rt.clock.set(new Date('2026-05-01T02:00:00Z'))
    }
  })
})

describe('service history', () => {
  it('lists the tickets about a device on its page', async () => {
    const type = await json<{ id: string }>(admin.post('/api/tickets/types', { code: 'repair', name: '报修' }), 201)
    const [d] = (await agent.get('/api/devices?q=SN-0001')).json().items
    const t = await json<{ id: string; number: string }>(
      admin.post('/api/tickets', { subject: '空调不制冷', typeId: type.id, customerId: owner.id, deviceId: d.id }),
      201,
    )
    const detail = (await agent.get(`/api/devices/${d.id}`)).json()
    expect(detail.historyAvailable).toBe(true)
    expect(detail.serviceHistory).toEqual([
      expect.objectContaining({ ticketId: t.id, number: t.number, subject: '空调不制冷', status: 'new' }),
    ])
  })
})
