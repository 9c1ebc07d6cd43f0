import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { buildTicketWorld, newTicket, ok, type TicketJson, type TicketWorld } from './tickets.fixtures.ts'

let rt: TestRuntime
let w: TicketWorld
const ids = (r: { items: { id: string }[] }) => r.items.map((t) => t.id)
const list = (q: string, client = w.agent) =>
  ok<{ items: { id: string; number: string }[]; nextCursor: string | null }>(client.get(`/api/tickets?${q}`))

let printer: TicketJson
let server: TicketJson
let english: TicketJson
let hotel: TicketJson

beforeAll(async () => {
  rt = await createTestRuntime({ clock: new Date('2026-06-01T02:00:00Z') })
  w = await buildTicketWorld(rt)
  printer = await newTicket(w, {
    subject: '办公室打印机卡纸',
    description: '三楼的激光打印机频繁卡纸',
    impact: 2,
    urgency: 1,
    tags: ['办公设备'],
  })
  rt.clock.advance(60_000)
  server = await newTicket(w, {
    subject: '服务器宕机后数据库无法连接',
    typeId: w.types.consult,
    assigneeId: w.agent.user.id,
    queueId: w.queue,
  })
  rt.clock.advance(60_000)
  english = await newTicket(w, { subject: 'ECS instance fails to start', description: 'Huawei Cloud ECS stuck in booting' })
  rt.clock.advance(60_000)
  hotel = await ok<TicketJson>(
    w.agent.post('/api/tickets', { subject: '客房空调噪音大', typeId: w.types.repair, customerId: w.customerB }),
    201,
  )
  await ok(w.agent.post(`/api/tickets/${english.id}/messages`, { body: '已联系华为云技术支持，等待回复' }), 201)
})
afterAll(() => rt?.close())

describe('ticket list', () => {
  it('searches Chinese and English keywords over subject, description and messages; a number matches exactly', async () => {
    expect(ids(await list(`q=${encodeURIComponent('打印机')}`))).toEqual([printer.id])
    expect(ids(await list(`q=${encodeURIComponent('打印')}`))).toEqual([printer.id]) // indexed with cutForSearch
    expect(ids(await list(`q=${encodeURIComponent('数据库 宕机')}`))).toEqual([server.id])
    expect(ids(await list(`q=${encodeURIComponent('华为云')}`))).toEqual([english.id]) // from a reply
    expect(ids(await list('q=ecs'))).toEqual([english.id])
    expect(ids(await list(`q=${encodeURIComponent('服务器连接不上')}`))).toEqual([server.id]) // no ticket has every word: any word
    expect(ids(await list(`q=${printer.number}`))).toEqual([printer.id])
    expect(ids(await list(`q=${encodeURIComponent('洗衣机')}`))).toEqual([])
  })

  it('filters by status, priority, type, queue, assignee, customer, tag and time ranges', async () => {
    expect(ids(await list(`customerId=${w.customerB}`))).toEqual([hotel.id])
    expect(ids(await list(`typeId=${w.types.consult}`))).toEqual([server.id])
    expect(ids(await list(`queueId=${w.queue}&assigneeId=me`))).toEqual([server.id])
    expect(ids(await list('assigneeId=none&customerId=' + w.customerA)).sort()).toEqual([printer.id, english.id].sort())
    expect(ids(await list('priority=P0,P1'))).toEqual([printer.id])
    expect(ids(await list(`tag=${encodeURIComponent('办公设备')}`))).toEqual([printer.id])
    expect(ids(await list('status=assigned'))).toEqual([server.id])
    expect(ids(await list('status=new,assigned&sort=createdAt&order=asc'))).toEqual([printer.id, server.id, english.id, hotel.id])
    expect(ids(await list(`createdFrom=2026-06-01T02:01:00Z&createdTo=2026-06-01T02:03:00Z&sort=createdAt&order=asc`))).toEqual([
      server.id,
      english.id,
    ])
    const bad = await w.agent.get('/api/tickets?status=open&createdFrom=yesterday')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().issues.map((i: { path: string }) => i.path)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^querystring\.status/), 'querystring.createdFrom']),
    )
  })

  it('pages with a cursor in the chosen order, without duplicates or gaps', async () => {
    const all = ids(await list('sort=createdAt&order=desc&limit=200'))
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page = await list(`sort=createdAt&order=desc&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      seen.push(...ids(page))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual(all)
    expect(all.slice(0, 4)).toEqual([hotel.id, english.id, server.id, printer.id])
    expect((await w.agent.get('/api/tickets?cursor=garbage')).statusCode).toBe(422)
  })

  it('counts the workbench tabs', async () => {
    const counts = await ok<{ my: number; unassigned: number; queue: number; watching: number }>(w.agent.get('/api/tickets/counts'))
    expect(counts).toEqual({ my: 1, unassigned: 3, queue: 1, watching: 0 })
    expect(ids(await list('tab=my'))).toEqual([server.id])
    expect(ids(await list('tab=queue'))).toEqual([server.id])
    expect((await list('tab=unassigned')).items).toHaveLength(3)
  })

  it('saves views per user and shared ones, and lists through a view', async () => {
    const mine = await ok<{ id: string }>(
      w.agent.post('/api/tickets/views', { name: '我的紧急工单', filters: { priority: ['P0', 'P1'] }, sort: 'createdAt', order: 'asc' }),
      201,
    )
    const shared = await ok<{ id: string }>(
      w.agent.post('/api/tickets/views', { name: '酒店客户', shared: true, filters: { customerId: w.customerB } }),
      201,
    )
    expect(ids(await list(`viewId=${mine.id}`))).toEqual([printer.id])
    const others = await ok<{ items: { id: string }[] }>(w.agent2.get('/api/tickets/views'))
    expect(ids(others)).toEqual([shared.id])
    expect(ids(await list(`viewId=${shared.id}`, w.agent2))).toEqual([hotel.id])
    expect((await w.agent2.get(`/api/tickets?viewId=${mine.id}`)).statusCode).toBe(404)
    expect((await w.agent2.patch(`/api/tickets/views/${shared.id}`, { name: '改名' })).statusCode).toBe(403)
    await ok(w.agent.patch(`/api/tickets/views/${shared.id}`, { name: '酒店集团' }))
    await ok(w.agent.delete(`/api/tickets/views/${mine.id}`))
    expect(ids(await ok<{ items: { id: string }[] }>(w.agent.get('/api/tickets/views')))).toEqual([shared.id])
  })

  it('bulk: assigns, tags and moves many tickets, each succeeding or failing on its own', async () => {
    const a = await newTicket(w, { subject: '批量一' })
    const b = await newTicket(w, { subject: '批量二' })
    const assign = await ok<{ results: { ticketId: string; ok: boolean }[] }>(
      w.agent2.post('/api/tickets/bulk', { ticketIds: [a.id, b.id], action: { type: 'assign', assigneeId: w.agent.user.id } }),
    )
    expect(assign.results.every((r) => r.ok)).toBe(true)
    await ok(w.agent.post('/api/tickets/bulk', { ticketIds: [a.id, b.id], action: { type: 'tag', add: ['批量处理'], remove: [] } }))
    expect(ids(await list(`tag=${encodeURIComponent('批量处理')}`)).sort()).toEqual([a.id, b.id].sort())
    await ok(w.agent.post(`/api/tickets/${b.id}/transition`, { to: 'cancelled', reason: '重复' }))
    const moved = await ok<{ results: { ticketId: string; ok: boolean; code?: string }[] }>(
      w.agent.post('/api/tickets/bulk', { ticketIds: [a.id, b.id, crypto.randomUUID()], action: { type: 'status', to: 'in_progress' } }),
    )
    expect(moved.results.map((r) => [r.ok, r.code])).toEqual([
      [true, undefined],
      [false, 'illegal_transition'],
      [false, 'not_found'],
    ])
    expect((await w.contactA.post('/api/tickets/bulk', { ticketIds: [a.id], action: { type: 'tag', add: ['x'] } })).statusCode).toBe(403)
  })

  it('suggests similar open tickets of the same customer while creating', async () => {
    const res = await ok<{ items: { ticket: { id: string }; score: number }[] }>(
      w.agent.get(`/api/tickets/similar?customerId=${w.customerA}&subject=${encodeURIComponent('打印机又卡纸了')}`),
    )
    expect(res.items[0]?.ticket.id).toBe(printer.id)
    expect(res.items[0]!.score).toBeGreaterThan(0.3)
    // another customer's tickets are never suggested; a contact sees only their own organisation's
    expect(
      (
        await ok<{ items: unknown[] }>(
          w.agent.get(`/api/tickets/similar?customerId=${w.customerB}&subject=${encodeURIComponent('打印机卡纸')}`),
        )
      ).items,
    ).toEqual([])
    const fromPortal = await ok<{ items: { ticket: { id: string } }[] }>(
      w.contactA.get(`/api/tickets/similar?subject=${encodeURIComponent('打印机卡纸')}`),
    )
    expect(fromPortal.items.map((s) => s.ticket.id)).toContain(printer.id)
    expect(
      (
        await ok<{ items: unknown[] }>(
          w.contactB.get(`/api/tickets/similar?customerId=${w.customerA}&subject=${encodeURIComponent('打印机卡纸')}`),
        )
      ).items,
    ).toEqual([])
  })

  it('authorises realtime topics: ticket:<id> for readers of the ticket, ticket for the desk', async () => {
    const topic = rt.modules.topics.find((t) => t.family === 'ticket')!
    expect(await topic.authorize(await actorOf(w.agent), printer.id)).toBe(true)
    expect(await topic.authorize(await actorOf(w.contactA), printer.id)).toBe(true)
    expect(await topic.authorize(await actorOf(w.contactB), printer.id)).toBe(false)
    expect(await topic.authorize(await actorOf(w.agent), null)).toBe(true)
    expect(await topic.authorize(await actorOf(w.contactA), null)).toBe(false)
  })
})

async function actorOf(c: typeof w.agent) {
  const me = await ok<{
    id: string
    tenantId: string
    roles: string[]
    permissions: string[]
    customerOrgId: string | null
    locale: string
  }>(c.get('/api/auth/me'))
  return {
    kind: 'session' as const,
    userId: me.id,
    tenantId: me.tenantId,
    roles: me.roles,
    permissions: new Set(me.permissions) as never,
    customerOrgId: me.customerOrgId,
    locale: me.locale,
  }
}
