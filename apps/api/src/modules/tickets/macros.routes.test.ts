import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { buildTicketWorld, newTicket, ok, type TicketJson, type TicketWorld } from './tickets.fixtures.ts'

let rt: TestRuntime
let w: TicketWorld

beforeAll(async () => {
  rt = await createTestRuntime()
  w = await buildTicketWorld(rt)
})
afterAll(() => rt?.close())

interface Macro {
  id: string
  name: string
  shared: boolean
  ownerId: string | null
}

const body = '{{customer.name}} 您好，工单 {{ticket.number}}（{{ ticket.subject }}）已由 {{agent.name}} 受理，请保持电话畅通。'

describe('macros', () => {
  it('renders a shared macro for a ticket with its variables filled; rendering writes nothing', async () => {
    const m = await ok<Macro>(w.admin.post('/api/tickets/macros', { name: '受理确认', body, shared: true }), 201)
    expect(m).toMatchObject({ shared: true, ownerId: null })
    const t = await newTicket(w)
    const r = await ok<{ body: string; actions: object }>(w.agent.post(`/api/tickets/${t.id}/macros/${m.id}/render`, {}))
    expect(r.body).toBe(`华东精密制造有限公司 您好，工单 ${t.number}（空调不制冷）已由 一线客服 张丽 受理，请保持电话畅通。`)
    expect(r.actions).toEqual({})
    expect((await ok<TicketJson>(w.agent.get(`/api/tickets/${t.id}`))).version).toBe(t.version)
  })

  it('previews a text not saved yet for a ticket (the editor), naming an unknown variable; nothing is written', async () => {
    const t = await newTicket(w)
    const before = (await ok<{ items: Macro[] }>(w.agent.get('/api/tickets/macros'))).items.length
    const r = await ok<{ body: string }>(
      w.agent.post(`/api/tickets/${t.id}/macros/preview`, { body: '工单 {{ticket.number}}：{{ agent.name }}' }),
    )
    expect(r.body).toBe(`工单 ${t.number}：一线客服 张丽`)
    const bad = await w.agent.post(`/api/tickets/${t.id}/macros/preview`, { body: '{{ticket.numbr}}' })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().issues).toEqual([{ path: 'body', message: expect.stringContaining('{{ticket.numbr}}') }])
    expect((await w.agent.post(`/api/tickets/${t.id}/macros/preview`, { body: ' ' })).statusCode).toBe(400)
    expect((await w.contactA.post(`/api/tickets/${t.id}/macros/preview`, { body: '{{ticket.number}}' })).statusCode).toBe(403)
    expect((await w.agent.post(`/api/tickets/00000000-0000-4000-8000-000000000000/macros/preview`, { body: 'x' })).statusCode).toBe(404)
    expect((await ok<{ items: Macro[] }>(w.agent.get('/api/tickets/macros'))).items).toHaveLength(before)
    expect((await ok<TicketJson>(w.agent.get(`/api/tickets/${t.id}`))).version).toBe(t.version)
  })

  it('refuses an unknown variable with 422 naming it', async () => {
    const res = await w.agent.post('/api/tickets/macros', { name: '错变量', body: '您好 {{customer.nmae}}，{{ticket.number}}' })
    expect(res.statusCode).toBe(422)
    expect(res.json().issues).toEqual([{ path: 'body', message: expect.stringContaining('{{customer.nmae}}') }])
    const m = await ok<Macro>(w.agent.post('/api/tickets/macros', { name: '正确变量', body: '{{ticket.number}}' }), 201)
    const patch = await w.agent.patch(`/api/tickets/macros/${m.id}`, { body: '{{agent.phone}}' })
    expect(patch.statusCode).toBe(422)
    expect(patch.json().message).toContain('{{agent.phone}}')
  })

  it('keeps personal macros private: others neither list, render, change nor delete them (404)', async () => {
    const mine = await ok<Macro>(w.agent.post('/api/tickets/macros', { name: '我的常用回复', body: '稍等，{{agent.name}} 正在查询' }), 201)
    expect(mine).toMatchObject({ shared: false, ownerId: w.agent.user.id })
    const t = await newTicket(w)
    const theirs = (await ok<{ items: Macro[] }>(w.agent2.get('/api/tickets/macros'))).items.map((x) => x.id)
    expect(theirs).not.toContain(mine.id)
    expect((await ok<{ items: Macro[] }>(w.agent.get('/api/tickets/macros'))).items.map((x) => x.id)).toContain(mine.id)
    expect((await w.agent2.post(`/api/tickets/${t.id}/macros/${mine.id}/render`, {})).statusCode).toBe(404)
    expect((await w.agent2.patch(`/api/tickets/macros/${mine.id}`, { name: '改' })).statusCode).toBe(404)
    expect((await w.agent2.delete(`/api/tickets/macros/${mine.id}`)).statusCode).toBe(404)
    expect((await w.admin.delete(`/api/tickets/macros/${mine.id}`)).statusCode).toBe(404)
    // customer contacts have no macros at all
    expect((await w.contactA.get('/api/tickets/macros')).statusCode).toBe(403)
    expect((await w.contactA.post(`/api/tickets/${t.id}/macros/${mine.id}/render`, {})).statusCode).toBe(403)
    await ok(w.agent.delete(`/api/tickets/macros/${mine.id}`))
    expect((await w.agent.post(`/api/tickets/${t.id}/macros/${mine.id}/render`, {})).statusCode).toBe(404)
  })

  it('shared macros are managed by those who configure tickets', async () => {
    expect((await w.agent.post('/api/tickets/macros', { name: '共享', body: 'x', shared: true })).statusCode).toBe(403)
    const m = await ok<Macro>(w.admin.post('/api/tickets/macros', { name: '共享的', body: '您好', shared: true }), 201)
    expect((await w.agent.patch(`/api/tickets/macros/${m.id}`, { body: '改了' })).statusCode).toBe(403)
    expect((await ok<{ body: string }>(w.admin.patch(`/api/tickets/macros/${m.id}`, { body: '您好！' }))).body).toBe('您好！')
  })

  it('a taken name answers 409 naming the field (the database’s unique index, through the central error handler)', async () => {
    await ok(w.agent.post('/api/tickets/macros', { name: '上门预约', body: '预约' }), 201)
    const dup = await w.agent.post('/api/tickets/macros', { name: '上门预约', body: '再一次' })
    expect(dup.statusCode).toBe(409)
    expect(dup.json()).toMatchObject({
      code: 'conflict',
      message: expect.stringContaining('ticket_macros_owner_name'),
      issues: [{ path: 'name', message: expect.stringContaining('already exists') }],
    })
    expect(dup.json().message).toMatch(/^name: /)
    // another agent may use the name for their own
    await ok(w.agent2.post('/api/tickets/macros', { name: '上门预约', body: '预约' }), 201)
    const mine = (await ok<{ items: Macro[] }>(w.agent.get('/api/tickets/macros'))).items.filter((m) => m.name === '上门预约')
    expect(mine).toHaveLength(1)
  })

  it('applies its actions in one go: tags, queue, status with the macro as the reason', async () => {
    const queue2 = (await ok<{ id: string }>(w.admin.post('/api/tickets/queues', { name: '备件协调组', tier: 'L1' }), 201)).id
    const m = await ok<Macro>(
      w.agent.post('/api/tickets/macros', {
        name: '等备件',
        body: '{{customer.name}}，所需备件已下单，到货后安排上门。',
        actions: { status: 'pending_parts', addTags: ['待备件'], queueId: queue2 },
      }),
      201,
    )
    const t = await newTicket(w, { assigneeId: w.agent.user.id })
    await ok(w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'in_progress' }))
    const applied = await ok<TicketJson & { tags: string[] }>(w.agent.post(`/api/tickets/${t.id}/macros/${m.id}/apply`, {}))
    expect(applied).toMatchObject({ status: 'pending_parts', queueId: queue2, tags: ['待备件'] })
    const timeline = await ok<{ items: { kind: string; data: { reason?: string } }[] }>(w.agent.get(`/api/tickets/${t.id}/timeline`))
    expect(timeline.items.find((e) => e.kind === 'status_changed' && e.data.reason)?.data.reason).toBe('宏：等备件')
    // another customer's contact cannot reach the ticket
    expect((await w.contactB.post(`/api/tickets/${t.id}/macros/${m.id}/apply`, {})).statusCode).toBe(403)
  })
})
