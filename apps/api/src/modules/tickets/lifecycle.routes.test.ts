import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loginAs, signIn } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { buildTicketWorld, newTicket, ok, outboxOf, type TicketJson, type TicketWorld } from './tickets.fixtures.ts'

let rt: TestRuntime
let w: TicketWorld
const day = 86_400_000

beforeAll(async () => {
  rt = await createTestRuntime({ clock: new Date('2026-04-01T01:00:00Z') })
  w = await buildTicketWorld(rt)
})
afterAll(() => rt?.close())

const resolution = { cause: '压缩机电容老化', actions: '更换启动电容并测试制冷', suggestions: '每年入夏前做一次保养' }

describe('editing a ticket', () => {
  it('honours If-Match: a stale version answers 412 and changes nothing', async () => {
    const t = await newTicket(w)
    const first = await w.agent.patch(`/api/tickets/${t.id}`, { subject: '空调完全不制冷' }, { 'if-match': `"v${t.version}"` })
    expect(first.statusCode).toBe(200)
    expect(first.headers.etag).toBe(`"v${t.version + 1}"`)
    const stale = await w.agent2.patch(`/api/tickets/${t.id}`, { subject: '旧版本的修改' }, { 'if-match': `"v${t.version}"` })
    expect(stale.statusCode).toBe(412)
    expect(stale.json().code).toBe('precondition_failed')
    expect((await ok<TicketJson>(w.agent.get(`/api/tickets/${t.id}`))).subject).toBe('空调完全不制冷')
    expect((await w.agent.patch(`/api/tickets/${t.id}`, { subject: 'x' }, { 'if-match': 'v1' })).statusCode).toBe(400)
  })

  it('recomputes the priority from a new impact/urgency and publishes ticket.updated and ticket.priority_changed', async () => {
    const t = await newTicket(w)
    const updated = await ok<TicketJson>(w.agent.patch(`/api/tickets/${t.id}`, { impact: 1, urgency: 1, tags: ['VIP'] }))
    expect(updated.priority).toBe('P0')
    const events = await outboxOf(rt, t.id)
    expect(events.find((e) => e.type === 'ticket.updated')?.payload).toEqual({
      ticketId: t.id,
      fields: expect.arrayContaining(['impact', 'urgency', 'priority', 'tags']),
    })
    expect(events.find((e) => e.type === 'ticket.priority_changed')?.payload).toEqual({
      ticketId: t.id,
      from: 'P2',
      to: 'P0',
      at: '2026-04-01T01:00:00.000Z',
    })
    const timeline = await ok<{ items: { kind: string; data: { changes?: { field: string }[] } }[] }>(
      w.agent.get(`/api/tickets/${t.id}/timeline`),
    )
    expect(timeline.items.find((e) => e.kind === 'field_changed')?.data.changes?.map((c) => c.field)).toEqual(
      expect.arrayContaining(['priority', 'tags']),
    )
    // the same values again change nothing
    const again = await ok<TicketJson>(w.agent.patch(`/api/tickets/${t.id}`, { impact: 1, urgency: 1 }))
    expect(again.version).toBe(updated.version)
  })

  it('follows the tenant matrix after an admin changes it', async () => {
    const matrix = (await ok<{ matrix: string[][] }>(w.admin.get('/api/tickets/priority-matrix'))).matrix
    matrix[2]![1] = 'P1'
    await ok(w.admin.put('/api/tickets/priority-matrix', { matrix }))
    expect((await newTicket(w, { impact: 3, urgency: 2 })).priority).toBe('P1')
    expect((await w.admin.put('/api/tickets/priority-matrix', { matrix: [['P0']] })).statusCode).toBe(400)
    expect((await w.agent.put('/api/tickets/priority-matrix', { matrix })).statusCode).toBe(403)
  })
})

describe('lifecycle', () => {
  it('walks new → assigned → in_progress → pending → in_progress → resolved → closed, publishing every status change', async () => {
    const t = await newTicket(w)
    const assigned = await ok<TicketJson>(w.agent2.post(`/api/tickets/${t.id}/assign`, { assigneeId: w.agent.user.id }))
    expect(assigned.status).toBe('assigned')
    await ok(w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'in_progress' }))
    const noReason = await w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'pending_parts' })
    expect(noReason.statusCode).toBe(422)
    expect(noReason.json().issues[0].path).toBe('reason')
    await ok(w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'pending_parts', reason: '等待压缩机电容到货' }))
    await ok(w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'in_progress' }))
    const noResolution = await w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'resolved' })
    expect(noResolution.statusCode).toBe(422)
    expect(noResolution.json().issues[0].path).toBe('resolution')
    const resolved = await ok<TicketJson>(w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'resolved', resolution }))
    expect(resolved).toMatchObject({ status: 'resolved', resolution, resolvedAt: '2026-04-01T01:00:00.000Z' })
    const closed = await ok<TicketJson>(w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'closed' }))
    expect(closed).toMatchObject({ status: 'closed', closedAt: '2026-04-01T01:00:00.000Z' })
    const changes = (await outboxOf(rt, t.id)).filter((e) => e.type === 'ticket.status_changed').map((e) => e.payload)
    expect(changes.map((c) => `${String(c.from)}>${String(c.to)}`)).toEqual([
      'new>assigned',
      'assigned>in_progress',
      'in_progress>pending_parts',
      'pending_parts>in_progress',
      'in_progress>resolved',
      'resolved>closed',
    ])
    expect(changes[2]).toEqual({
      ticketId: t.id,
      from: 'in_progress',
      to: 'pending_parts',
      reason: '等待压缩机电容到货',
      at: '2026-04-01T01:00:00.000Z',
    })
  })

  it('answers an illegal transition with 409 and the allowed ones', async () => {
    const t = await newTicket(w)
    const res = await w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'closed' })
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'illegal_transition', allowed: ['cancelled'] })
    const cancelNoReason = await w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'cancelled' })
    expect(cancelNoReason.statusCode).toBe(422)
    await ok(w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'cancelled', reason: '客户重复提交' }))
    const after = await w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'in_progress' })
    expect(after.json()).toMatchObject({ code: 'illegal_transition', allowed: [] })
  })

  it('an agent starting an unowned ticket takes it', async () => {
    const t = await newTicket(w)
    const started = await ok<TicketJson>(w.agent2.post(`/api/tickets/${t.id}/transition`, { to: 'in_progress' }))
    expect(started).toMatchObject({ status: 'in_progress', assigneeId: w.agent2.user.id })
    expect((await outboxOf(rt, t.id)).find((e) => e.type === 'ticket.assigned')?.payload).toMatchObject({
      assigneeId: w.agent2.user.id,
      previousAssigneeId: null,
    })
  })

  it('the customer confirms the resolution, or reopens within the window; after it, 409', async () => {
    const t = await ok<TicketJson>(w.contactA.post('/api/tickets', { subject: '门禁刷卡无反应', typeId: w.types.consult }), 201)
    const resolve = async () => {
      await ok(w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'in_progress' }))
      await ok(w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'resolved', resolution }))
    }
    await resolve()
    // staff-only moves are not the customer's
    expect((await w.contactA.post(`/api/tickets/${t.id}/transition`, { to: 'closed' })).statusCode).toBe(403)
    const reopened = await ok<TicketJson>(w.contactA.post(`/api/tickets/${t.id}/reopen`, { reason: '问题又出现了' }))
    expect(reopened).toMatchObject({ status: 'in_progress', reopenCount: 1, resolution: null })
    await ok(w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'resolved', resolution }))
    const closed = await ok<TicketJson>(w.contactA.post(`/api/tickets/${t.id}/confirm`, { comment: '已恢复正常，谢谢' }))
    expect(closed.status).toBe('closed')
    rt.clock.advance(8 * day)
    try {
      // sessions idle for 8 days have expired: sign in again
      const contact = await signIn(rt, w.tenant, w.contactA.user)
      const admin = await signIn(rt, w.tenant, w.admin.user)
      const late = await contact.post(`/api/tickets/${t.id}/reopen`, { reason: '又坏了' })
      expect(late.statusCode).toBe(409)
      expect(late.json()).toMatchObject({ code: 'reopen_window_expired', allowed: [] })
      // the window is a tenant setting
      await ok(admin.patch('/api/tickets/settings', { reopenDays: 30 }))
      expect((await ok<TicketJson>(contact.post(`/api/tickets/${t.id}/reopen`, { reason: '又坏了' }))).status).toBe('in_progress')
      await ok(admin.patch('/api/tickets/settings', { reopenDays: 7 }))
    } finally {
      rt.clock.advance(-8 * day)
    }
  })
})

describe('the moves a ticket offers (allowedTransitions)', () => {
  const moves = async (c: TicketWorld['agent'], id: string) =>
    (await ok<{ allowedTransitions: string[] }>(c.get(`/api/tickets/${id}`))).allowedTransitions

  it('follows the state machine, narrowed to what each caller may do, and every offered move is accepted', async () => {
    const t = await ok<TicketJson & { allowedTransitions: string[] }>(
      w.contactA.post('/api/tickets', { subject: '投影仪无信号', typeId: w.types.consult }),
      201,
    )
    // the agent may start an unowned ticket (taking it) or cancel it; the customer may do neither
    expect(await moves(w.agent, t.id)).toEqual(['in_progress', 'cancelled'])
    expect(t.allowedTransitions).toEqual([])
    expect(await moves(w.contactA, t.id)).toEqual([])
    // a dispatcher reads every ticket but works only their own: nothing to offer
    const dispatcher = await loginAs(rt, w.tenant, 'dispatcher')
    expect(await moves(dispatcher, t.id)).toEqual([])
    const started = await ok<TicketJson & { allowedTransitions: string[] }>(
      w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'in_progress' }),
    )
    expect(started.allowedTransitions).toEqual(['pending_customer', 'pending_parts', 'pending_third_party', 'resolved', 'cancelled'])
    const resolved = await ok<TicketJson & { allowedTransitions: string[] }>(
      w.agent.post(`/api/tickets/${t.id}/transition`, { to: 'resolved', resolution }),
    )
    // owned: reopening goes to in_progress, not back to new
    expect(resolved.allowedTransitions).toEqual(['closed', 'in_progress'])
    expect(await moves(w.contactA, t.id)).toEqual(['closed', 'in_progress'])
    expect((await w.contactB.get(`/api/tickets/${t.id}`)).statusCode).toBe(404)
    const closed = await ok<TicketJson & { allowedTransitions: string[] }>(w.contactA.post(`/api/tickets/${t.id}/confirm`, {}))
    expect(closed.allowedTransitions).toEqual(['in_progress'])
    rt.clock.advance(8 * day)
    try {
      const agent = await signIn(rt, w.tenant, w.agent.user)
      expect(await moves(agent, t.id)).toEqual([])
    } finally {
      rt.clock.advance(-8 * day)
    }
  })
})

describe('assignment and escalation', () => {
  it('assigns to a person and a queue, transfers, and sends it back to a queue', async () => {
    const t = await newTicket(w)
    const a = await ok<TicketJson>(
      w.agent2.post(`/api/tickets/${t.id}/assign`, { assigneeId: w.agent.user.id, queueId: w.queue, note: '熟悉该客户' }),
    )
    expect(a).toMatchObject({ status: 'assigned', assigneeId: w.agent.user.id, queueId: w.queue })
    const moved = await ok<TicketJson>(w.agent2.post(`/api/tickets/${t.id}/assign`, { assigneeId: w.agent2.user.id }))
    expect(moved.assigneeId).toBe(w.agent2.user.id)
    const back = await ok<TicketJson>(w.agent2.post(`/api/tickets/${t.id}/assign`, { assigneeId: null }))
    expect(back).toMatchObject({ status: 'new', assigneeId: null, queueId: w.queue })
    const assigned = (await outboxOf(rt, t.id)).filter((e) => e.type === 'ticket.assigned').map((e) => e.payload)
    expect(assigned).toEqual([
      { ticketId: t.id, assigneeId: w.agent.user.id, queueId: w.queue, previousAssigneeId: null, at: '2026-04-01T01:00:00.000Z' },
      {
        ticketId: t.id,
        assigneeId: w.agent2.user.id,
        queueId: w.queue,
        previousAssigneeId: w.agent.user.id,
        at: '2026-04-01T01:00:00.000Z',
      },
      { ticketId: t.id, assigneeId: null, queueId: w.queue, previousAssigneeId: w.agent2.user.id, at: '2026-04-01T01:00:00.000Z' },
    ])
    // a customer contact is no assignee; agent_l1 may not assign
    const bad = await w.agent2.post(`/api/tickets/${t.id}/assign`, { assigneeId: w.contactA.user.id })
    expect(bad.statusCode).toBe(422)
    expect(bad.json().issues[0].path).toBe('assigneeId')
    expect((await w.agent.post(`/api/tickets/${t.id}/assign`, { assigneeId: w.agent.user.id })).statusCode).toBe(403)
    expect((await w.agent2.post(`/api/tickets/${t.id}/assign`, {})).statusCode).toBe(400)
  })

  it('escalates L1 → L2 → L3, then refuses', async () => {
    const l2queue = await ok<{ id: string }>(
      w.admin.post('/api/tickets/queues', { name: '二线技术组', tier: 'L2', memberIds: [w.agent2.user.id] }),
      201,
    )
    const t = await newTicket(w, { assigneeId: w.agent.user.id })
    const l2 = await ok<TicketJson>(w.agent.post(`/api/tickets/${t.id}/escalate`, { reason: '需要二线排查主板', queueId: l2queue.id }))
    expect(l2).toMatchObject({ tier: 'L2', queueId: l2queue.id, assigneeId: null, status: 'new' })
    const l3 = await ok<TicketJson>(w.agent2.post(`/api/tickets/${t.id}/escalate`, { reason: '厂家介入', assigneeId: w.agent2.user.id }))
    expect(l3).toMatchObject({ tier: 'L3', assigneeId: w.agent2.user.id, status: 'assigned' })
    const top = await w.agent2.post(`/api/tickets/${t.id}/escalate`, { reason: '再升级' })
    expect(top.statusCode).toBe(409)
    expect(top.json().code).toBe('already_top_tier')
    const timeline = await ok<{ items: { kind: string; data: Record<string, unknown> }[] }>(w.agent.get(`/api/tickets/${t.id}/timeline`))
    expect(timeline.items.filter((e) => e.kind === 'escalated').map((e) => e.data)).toEqual([
      { from: 'L1', to: 'L2', reason: '需要二线排查主板' },
      { from: 'L2', to: 'L3', reason: '厂家介入' },
    ])
  })
})

describe('who may work a ticket', () => {
  it('an engineer sees and works only tickets assigned to them; a dispatcher reads all but works only their own', async () => {
    const engineer = await loginAs(rt, w.tenant, 'engineer')
    const dispatcher = await loginAs(rt, w.tenant, 'dispatcher')
    const theirs = await newTicket(w, { assigneeId: engineer.user.id })
    const other = await newTicket(w)
    expect((await engineer.get(`/api/tickets/${theirs.id}`)).statusCode).toBe(200)
    expect((await engineer.get(`/api/tickets/${other.id}`)).statusCode).toBe(404)
    const list = await ok<{ items: { id: string }[] }>(engineer.get('/api/tickets?limit=200'))
    expect(list.items.map((t) => t.id)).toEqual([theirs.id])
    await ok(engineer.post(`/api/tickets/${theirs.id}/transition`, { to: 'in_progress' }))
    await ok(engineer.post(`/api/tickets/${theirs.id}/messages`, { body: '已到现场，开始检修' }), 201)
    expect((await dispatcher.get(`/api/tickets/${other.id}`)).statusCode).toBe(200)
    expect((await dispatcher.patch(`/api/tickets/${other.id}`, { subject: '改' })).statusCode).toBe(403)
    await ok(dispatcher.post(`/api/tickets/${other.id}/assign`, { assigneeId: dispatcher.user.id }))
    await ok(dispatcher.patch(`/api/tickets/${other.id}`, { subject: '调度员已接手' }))
  })
})
