import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { buildTicketWorld, newTicket, ok, outboxOf, type TicketJson, type TicketWorld } from './tickets.fixtures.ts'

let rt: TestRuntime
let w: TicketWorld

beforeAll(async () => {
  rt = await createTestRuntime({ clock: new Date('2026-03-02T02:00:00Z') })
  w = await buildTicketWorld(rt)
})
afterAll(() => rt?.close())

describe('creating tickets', () => {
  it('numbers tickets SR-{year}-{seq:6}, derives the priority from impact × urgency, and records event, audit and timeline', async () => {
    const t = await newTicket(w, {
      impact: 1,
      urgency: 1,
      categoryId: w.category,
      customFields: { model: 'KFR-35GW' },
      description: '三楼机房空调不制冷，温度已到32度',
    })
    expect(t).toMatchObject({
      status: 'new',
      priority: 'P0',
      tier: 'L1',
      channel: 'workbench',
      queueId: w.queue,
      customFields: { model: 'KFR-35GW' },
    })
    expect(t.number).toMatch(/^SR-2026-\d{6}$/)
    const second = await newTicket(w)
    expect(Number(second.number.slice(-6))).toBe(Number(t.number.slice(-6)) + 1)
    expect(second.priority).toBe('P2') // defaults impact 3 × urgency 2

    const events = await outboxOf(rt, t.id)
    expect(events.find((e) => e.type === 'ticket.created')?.payload).toEqual({
      ticketId: t.id,
      number: t.number,
      status: 'new',
      priority: 'P0',
      typeId: w.types.repair,
      categoryId: w.category,
      customerId: w.customerA,
      customerTier: 'gold',
      deviceId: null,
      queueId: w.queue,
      assigneeId: null,
      channel: 'workbench',
      createdAt: '2026-03-02T02:00:00.000Z',
    })
    const audit = await rt.database.query<{ action: string; actor_id: string }>(
      `select action, actor_id from audit_log where entity_type = 'ticket' and entity_id = $1`,
      [t.id],
    )
    expect(audit).toEqual([{ action: 'ticket.created', actor_id: w.agent.user.id }])
    const timeline = await ok<{ items: { kind: string; actorName: string }[] }>(w.agent.get(`/api/tickets/${t.id}/timeline`))
    expect(timeline.items).toMatchObject([{ kind: 'created', actorName: '一线客服 张丽' }])
  })

  it('creates tickets arriving together in shared transactions, each with its own number, records and errors', async () => {
    const subjects = Array.from({ length: 10 }, (_, i) => `同时报修 ${i}`)
    const posts = [
      ...subjects.map((subject) => w.agent.post('/api/tickets', { subject, typeId: w.types.repair, customerId: w.customerA })),
      w.agent.post('/api/tickets', { subject: '客户不存在', typeId: w.types.repair, customerId: crypto.randomUUID() }),
      w.contactA.post('/api/tickets', { subject: '越权', typeId: w.types.repair, customerId: w.customerB }),
      w.agent.post('/api/tickets', { subject: '字段不对', typeId: w.types.repair, customerId: w.customerA, categoryId: w.category }),
    ]
    const res = await Promise.all(posts)
    expect(res.map((r) => r.statusCode)).toEqual([...Array(10).fill(201), 422, 404, 422])
    expect(res[10]!.json().issues[0].path).toBe('customerId')
    expect(res[12]!.json().issues[0].path).toBe('customFields.model')
    const created = res.slice(0, 10).map((r) => r.json() as TicketJson)
    expect(created.map((t) => t.subject)).toEqual(subjects)
    const numbers = created.map((t) => Number(t.number.slice(-6))).sort((x, y) => x - y)
    expect(numbers).toEqual(Array.from({ length: 10 }, (_, i) => numbers[0]! + i))

    const ids = created.map((t) => t.id)
    const [facts] = await rt.database.query<{ events: number; audits: number; timelines: number; transactions: number }>(
      `select (select count(*)::int from outbox where type = 'ticket.created' and aggregate_id::text = any($1::text[])) as events,
              (select count(*)::int from audit_log where action = 'ticket.created' and entity_id::text = any($1::text[])) as audits,
              (select count(*)::int from ticket_timeline where kind = 'created' and ticket_id::text = any($1::text[])) as timelines,
              (select count(distinct xmin::text)::int from tickets where id::text = any($1::text[])) as transactions`,
      [ids],
    )
    expect(facts).toMatchObject({ events: 10, audits: 10, timelines: 10 })
    // group commit: fewer transactions than tickets
    expect(facts!.transactions).toBeLessThan(10)
    for (const t of created.slice(0, 2)) {
      const timeline = await ok<{ items: { kind: string; actorName: string }[] }>(w.agent.get(`/api/tickets/${t.id}/timeline`))
      expect(timeline.items).toEqual([expect.objectContaining({ kind: 'created' })])
    }
  })

  it('validates custom fields on the server, naming each field', async () => {
    const res = await w.agent.post('/api/tickets', {
      subject: '空调噪音',
      typeId: w.types.repair,
      customerId: w.customerA,
      categoryId: w.category,
      customFields: { symptom: 'smoke', units: 0, colour: 'red' },
    })
    expect(res.statusCode).toBe(422)
    const paths = res.json().issues.map((i: { path: string }) => i.path)
    expect(paths).toEqual(
      expect.arrayContaining(['customFields.model', 'customFields.symptom', 'customFields.units', 'customFields.colour']),
    )
  })

  it('refuses an unknown type, customer or category with 422 naming the field, and a bad body with 400', async () => {
    const bad = async (body: Record<string, unknown>, path: string) => {
      const res = await w.agent.post('/api/tickets', { subject: '测试', typeId: w.types.repair, customerId: w.customerA, ...body })
      expect(res.statusCode, res.body).toBe(422)
      expect(res.json().issues[0].path).toBe(path)
    }
    await bad({ customerId: crypto.randomUUID() }, 'customerId')
    await bad({ typeId: crypto.randomUUID() }, 'typeId')
    await bad({ categoryId: crypto.randomUUID() }, 'categoryId')
    await bad({ categoryId: w.category, typeId: w.types.consult }, 'categoryId')
    await bad({ assigneeId: w.contactA.user.id }, 'assigneeId')
    await bad({ customerId: undefined }, 'customerId')
    const res = await w.agent.post('/api/tickets', { subject: '', typeId: 'x', impact: 9 })
    expect(res.statusCode).toBe(400)
    expect(res.json().issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining(['body.subject', 'body.typeId', 'body.impact']),
    )
  })
})

describe('customer contacts', () => {
  it('create for their own organisation only, see only it, and never internal notes', async () => {
    const mine = await ok<TicketJson>(
      w.contactA.post('/api/tickets', {
        subject: '打印机卡纸',
        typeId: w.types.repair,
        categoryId: w.category,
        customFields: { model: 'HP M404' },
      }),
      201,
    )
    expect(mine).toMatchObject({ customerId: w.customerA, channel: 'portal', requesterId: w.contactA.user.id, requesterName: '吴娜' })
    expect((await w.contactA.post('/api/tickets', { subject: '越权', typeId: w.types.repair, customerId: w.customerB })).statusCode).toBe(
      404,
    )
    // a staff-only field is not part of the customer's form
    const hidden = await w.contactA.post('/api/tickets', {
      subject: '字段',
      typeId: w.types.repair,
      categoryId: w.category,
      customFields: { model: 'x', internal_code: 'A1' },
    })
    expect(hidden.statusCode).toBe(422)
    expect(hidden.json().issues[0].path).toBe('customFields.internal_code')

    await ok(w.agent.post(`/api/tickets/${mine.id}/messages`, { body: '内部备注：疑似定影器故障', visibility: 'internal' }), 201)
    await ok(w.agent.post(`/api/tickets/${mine.id}/messages`, { body: '您好，工程师明天上午上门', visibility: 'public' }), 201)
    const msgs = await ok<{ items: { body: string; visibility: string }[] }>(w.contactA.get(`/api/tickets/${mine.id}/messages`))
    expect(msgs.items.map((m) => m.body)).toEqual(['您好，工程师明天上午上门'])
    const timeline = await ok<{ items: { visibility: string }[] }>(w.contactA.get(`/api/tickets/${mine.id}/timeline`))
    expect(timeline.items.every((e) => e.visibility === 'public')).toBe(true)
    expect((await ok<{ items: unknown[] }>(w.agent.get(`/api/tickets/${mine.id}/messages`))).items).toHaveLength(2)
    // a contact cannot write an internal note
    expect((await w.contactA.post(`/api/tickets/${mine.id}/messages`, { body: '内部', visibility: 'internal' })).statusCode).toBe(403)

    // the other organisation's contact: 404 on every ticket endpoint, and nothing in lists
    for (const url of ['', '/messages', '/timeline', '/links'])
      expect((await w.contactB.get(`/api/tickets/${mine.id}${url}`)).statusCode).toBe(404)
    expect((await w.contactB.post(`/api/tickets/${mine.id}/messages`, { body: '看看' })).statusCode).toBe(404)
    expect((await w.contactB.post(`/api/tickets/${mine.id}/confirm`, {})).statusCode).toBe(404)
    expect((await w.contactB.post(`/api/tickets/${mine.id}/reopen`, { reason: 'x' })).statusCode).toBe(404)
    const listB = await ok<{ items: { id: string }[] }>(w.contactB.get('/api/tickets?limit=200'))
    expect(listB.items.map((t) => t.id)).not.toContain(mine.id)
    const listA = await ok<{ items: { customerId: string }[] }>(w.contactA.get('/api/tickets?limit=200'))
    expect(listA.items.length).toBeGreaterThan(0)
    expect(new Set(listA.items.map((t) => t.customerId))).toEqual(new Set([w.customerA]))
    // keyword search by a contact does not see internal notes
    expect((await ok<{ items: unknown[] }>(w.contactA.get(`/api/tickets?q=${encodeURIComponent('定影器')}`))).items).toEqual([])
    expect(
      (await ok<{ items: { id: string }[] }>(w.agent.get(`/api/tickets?q=${encodeURIComponent('定影器')}`))).items.map((t) => t.id),
    ).toEqual([mine.id])
  })
})
