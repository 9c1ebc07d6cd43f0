import { formatTicketNumber } from '@aftercare/contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sql } from 'drizzle-orm'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { buildTicketWorld, newTicket, ok, type TicketJson, type TicketWorld } from './tickets.fixtures.ts'

let rt: TestRuntime
let w: TicketWorld

beforeAll(async () => {
  rt = await createTestRuntime({ clock: new Date('2026-07-01T02:00:00Z') })
  w = await buildTicketWorld(rt)
})
afterAll(() => rt?.close())

const seq = (n: string) => Number(n.slice(-6))

describe('ticket configuration', () => {
  it('lets admins edit a category form; the new field is validated at once (If-Match honoured)', async () => {
    const res = await w.admin.get('/api/tickets/categories')
    const cat = (res.json().items as { id: string; version: number; form: unknown[] }[]).find((c) => c.id === w.category)!
    const form = [
      ...cat.form,
      { key: 'visit_date', label: '期望上门日期', type: 'date', required: true },
      { key: 'site', label: '安装地址', type: 'address' },
    ]
    const edited = await w.admin.patch(`/api/tickets/categories/${cat.id}`, { form }, { 'if-match': `"v${cat.version}"` })
    expect(edited.statusCode, edited.body).toBe(200)
    expect(
      (await w.admin.patch(`/api/tickets/categories/${cat.id}`, { name: '旧版本' }, { 'if-match': `"v${cat.version}"` })).statusCode,
    ).toBe(412)
    const missing = await w.agent.post('/api/tickets', {
      subject: '需要上门',
      typeId: w.types.repair,
      customerId: w.customerA,
      categoryId: cat.id,
      customFields: { model: 'A' },
    })
    expect(missing.statusCode).toBe(422)
    expect(missing.json().issues.map((i: { path: string }) => i.path)).toEqual(['customFields.visit_date'])
    const badDate = await w.agent.post('/api/tickets', {
      subject: '需要上门',
      typeId: w.types.repair,
      customerId: w.customerA,
      categoryId: cat.id,
      customFields: { model: 'A', visit_date: '2026-02-30', site: { provinceCode: '310000', cityCode: '440100', detail: '' } },
    })
    expect(
      badDate
        .json()
        .issues.map((i: { path: string }) => i.path)
        .sort(),
    ).toEqual(['customFields.site', 'customFields.visit_date'])
    const good = await ok<TicketJson>(
      w.agent.post('/api/tickets', {
        subject: '需要上门',
        typeId: w.types.repair,
        customerId: w.customerA,
        categoryId: cat.id,
        customFields: {
          model: 'A',
          visit_date: '2026-07-03',
          site: { provinceCode: '310000', cityCode: '310100', districtCode: '310115', detail: '张江路 88 号' },
        },
      }),
      201,
    )
    expect(good.customFields).toMatchObject({ visit_date: '2026-07-03', site: { districtCode: '310115' } })
    // a broken template is refused naming the field
    const dup = await w.admin.patch(`/api/tickets/categories/${cat.id}`, {
      form: [...form, { key: 'model', label: '重复', type: 'select' }],
    })
    expect(dup.statusCode).toBe(422)
    expect(dup.json().issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining([`form.${form.length}.key`, `form.${form.length}.options`]),
    )
    expect((await w.agent.patch(`/api/tickets/categories/${cat.id}`, { name: 'x' })).statusCode).toBe(403)
  })

  it('keeps the category tree a tree', async () => {
    const parent = await ok<{ id: string }>(w.admin.post('/api/tickets/categories', { name: '网络设备' }), 201)
    const child = await ok<{ id: string; parentId: string }>(
      w.admin.post('/api/tickets/categories', { name: '交换机', parentId: parent.id }),
      201,
    )
    expect(child.parentId).toBe(parent.id)
    const loop = await w.admin.patch(`/api/tickets/categories/${parent.id}`, { parentId: child.id })
    expect(loop.statusCode).toBe(422)
    expect(loop.json().issues[0].path).toBe('parentId')
    const twin = await w.admin.post('/api/tickets/categories', { name: '交换机', parentId: parent.id })
    expect(twin.statusCode).toBe(422)
    expect(twin.json().issues[0].path).toBe('name')
    expect((await w.admin.post('/api/tickets/types', { code: 'repair', name: '重复' })).statusCode).toBe(422)
  })

  it('refuses a settings or priority-matrix save made on an older version (412), so one admin cannot undo another', async () => {
    const got = await w.admin.get('/api/tickets/settings')
    const etag = got.headers.etag as string
    expect(etag).toMatch(/^"v\d+"$/)
    expect((await w.admin.get('/api/tickets/priority-matrix')).headers.etag).toBe(etag)
    const saved = await w.admin.patch('/api/tickets/settings', { reopenDays: 9 }, { 'if-match': etag })
    expect(saved.statusCode).toBe(200)
    expect(saved.headers.etag).not.toBe(etag)
    // a second admin still holding the first version
    const stale = await w.admin.patch('/api/tickets/settings', { reopenDays: 3 }, { 'if-match': etag })
    expect(stale.statusCode).toBe(412)
    const matrix = (await ok<{ matrix: string[][] }>(w.admin.get('/api/tickets/priority-matrix'))).matrix
    expect((await w.admin.put('/api/tickets/priority-matrix', { matrix }, { 'if-match': etag })).statusCode).toBe(412)
    expect((await ok<{ reopenDays: number }>(w.admin.get('/api/tickets/settings'))).reopenDays).toBe(9)
    expect((await w.admin.put('/api/tickets/priority-matrix', { matrix }, { 'if-match': saved.headers.etag as string })).statusCode).toBe(
      200,
    )
    await ok(w.admin.patch('/api/tickets/settings', { reopenDays: 7 }))
  })

  // Numbers come from a sequence per tenant and period (migration 0033, ADR 0010): a create that
  // rolls back after taking its number leaves that number unused; no number is ever handed out twice.
  it('numbers with the tenant format; a rolled-back create never lets its number be reused', async () => {
    const a = await newTicket(w)
    let rolledBack = ''
    await rt.database
      .withTenant(w.tenant.id, async (tx) => {
        rolledBack = (await rt.modules.tickets.createTicket(tx, w.tenant.id, { subject: '回滚', customerId: w.customerA, channel: 'api' }))
          .number
        throw new Error('rollback')
      })
      .catch(() => undefined)
    expect(seq(rolledBack)).toBe(seq(a.number) + 1)
    const b = await newTicket(w)
    expect(seq(b.number)).toBe(seq(rolledBack) + 1)
    await ok(w.admin.patch('/api/tickets/settings', { numberFormat: 'HCS-{year}-{seq:4}' }))
    expect((await newTicket(w)).number).toBe(`HCS-2026-${String(seq(b.number) + 1).padStart(4, '0')}`)
    // the database formats the number inside the insert exactly as formatTicketNumber does: a monthly
    // counter starts at 1, {seq:2} pads, a bare {seq} does not, every token is filled
    const monthly = 'T{yy}{month}/{seq:2}/{seq}'
    await ok(w.admin.patch('/api/tickets/settings', { numberFormat: monthly }))
    expect((await newTicket(w)).number).toBe(formatTicketNumber(monthly, rt.clock.now(), 1))
    expect((await newTicket(w)).number).toBe('T2607/02/2')
    const bad = await w.admin.patch('/api/tickets/settings', { numberFormat: 'NO-SEQ' })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().issues[0].path).toBe('body.numberFormat')
    await ok(w.admin.patch('/api/tickets/settings', { numberFormat: 'SR-{year}-{seq:6}' }))
  })

  it("a tenant's transaction cannot draw another tenant's ticket numbers", async () => {
    const other = '00000000-0000-4000-8000-000000000001'
    const err = await rt.database
      .withTenant(w.tenant.id, (tx) => tx.execute(sql`select next_ticket_number(${other}, '2026')`))
      .then(
        () => undefined,
        (e: unknown) => e,
      )
    expect(String((err as Error | undefined)?.cause)).toMatch(/another tenant/)
  })

  it('other modules create tickets in their own transaction (system author, customer form)', async () => {
    const created = await rt.database.withTenant(w.tenant.id, (tx) =>
      rt.modules.tickets.createTicket(
        tx,
        w.tenant.id,
        {
          subject: '扫码报修：设备异响',
          typeCode: 'repair',
          customerId: w.customerA,
          channel: 'qr',
          requesterName: '现场人员',
          requesterPhone: '13800001111',
        },
        { type: 'customer', name: '现场人员' },
      ),
    )
    expect(created).toMatchObject({ status: 'new', channel: 'qr', typeId: w.types.repair, customerId: w.customerA })
    const seen = await ok<TicketJson>(w.agent.get(`/api/tickets/${created.id}`))
    expect(seen).toMatchObject({ requesterName: '现场人员', createdBy: null })
    const timeline = await ok<{ items: { actorType: string; actorName: string }[] }>(w.agent.get(`/api/tickets/${created.id}/timeline`))
    expect(timeline.items[0]).toMatchObject({ actorType: 'customer', actorName: '现场人员' })
  })
})

describe.runIf(!!process.env.TEST_DATABASE_URL)('ticket numbers under concurrency (PostgreSQL)', () => {
  it('200 parallel creates get 200 distinct, consecutive numbers', async () => {
    const before = await newTicket(w)
    const results = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        w.agent.post('/api/tickets', { subject: `并发创建 ${i}`, typeId: w.types.repair, customerId: w.customerA }),
      ),
    )
    expect(results.map((r) => r.statusCode)).toEqual(Array(200).fill(201))
    const numbers = results.map((r) => seq((r.json() as TicketJson).number)).sort((x, y) => x - y)
    expect(new Set(numbers).size).toBe(200)
    expect(numbers).toEqual(Array.from({ length: 200 }, (_, i) => seq(before.number) + 1 + i))
  }, 120_000)
})
