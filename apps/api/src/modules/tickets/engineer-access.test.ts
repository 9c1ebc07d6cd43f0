// RELIABILITY B-ENGINEER: an engineer sees the tickets assigned to them (or that the desk asked them
// to watch), and loses one the moment it is reassigned, over REST and over the realtime socket.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, wsUrl, type TestSocket } from '../../platform/realtime/ws-client.fixture.ts'
import { loginAs, type Client } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { buildTicketWorld, newTicket, ok, type TicketWorld } from './tickets.fixtures.ts'

let rt: TestRuntime
let w: TicketWorld
let url: string
let e1: Client
let e2: Client
const sockets: TestSocket[] = []

beforeAll(async () => {
  rt = await createTestRuntime()
  url = wsUrl(await rt.app.listen({ port: 0, host: '127.0.0.1' }))
  w = await buildTicketWorld(rt)
  e1 = await loginAs(rt, w.tenant, 'engineer', { name: '工程师 甲' })
  e2 = await loginAs(rt, w.tenant, 'engineer', { name: '工程师 乙' })
})
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()))
  await rt?.close()
})

const assign = (id: string, assigneeId: string) => ok(w.admin.post(`/api/tickets/${id}/assign`, { assigneeId }))

describe('an engineer’s view of tickets', () => {
  it('cannot keep a ticket by watching it: the desk adds engineers as watchers', async () => {
    const t = await newTicket(w)
    await assign(t.id, e1.user.id)
    const mine = await ok<{ mayWatch: boolean; watching: boolean }>(e1.get(`/api/tickets/${t.id}`))
    expect(mine).toMatchObject({ mayWatch: false, watching: false })
    const self = await e1.post(`/api/tickets/${t.id}/watchers`, {})
    expect(self.statusCode).toBe(403)
    expect((await ok<{ mayWatch: boolean }>(w.agent.get(`/api/tickets/${t.id}`))).mayWatch).toBe(true)

    await assign(t.id, e2.user.id)
    expect((await e1.get(`/api/tickets/${t.id}`)).statusCode).toBe(404)
    // the desk asks engineer 1 to keep an eye on it: then they may read it
    await ok(w.admin.post(`/api/tickets/${t.id}/watchers`, { userId: e1.user.id }))
    expect((await e1.get(`/api/tickets/${t.id}`)).statusCode).toBe(200)
  })

  it('loses the ticket’s live updates at the reassignment, and the new engineer gets them', async () => {
    const t = await newTicket(w)
    await assign(t.id, e1.user.id)
    const topic = `ticket:${t.id}`
    const s1 = await connect(url, { cookie: e1.headers.cookie! })
    const s2 = await connect(url, { cookie: e2.headers.cookie! })
    sockets.push(s1, s2)
    expect(await s1.subscribe(topic)).toEqual({ type: 'subscribed', topic })
    expect(await s2.subscribe(topic)).toMatchObject({ type: 'error', code: 'forbidden' })

    await assign(t.id, e2.user.id)
    expect(await s1.take((m) => m.type === 'error' && m.topic === topic, 5_000)).toMatchObject({ code: 'forbidden' })
    expect(await s2.subscribe(topic)).toEqual({ type: 'subscribed', topic })
    await ok(w.admin.post(`/api/tickets/${t.id}/messages`, { body: '备件已发出', visibility: 'internal' }), 201)
    expect(await s2.take((m) => m.type === 'event' && m.topic === topic)).toBeTruthy()
    // engineer 1 heard nothing of the ticket after losing it
    expect(s1.pending().filter((m) => m.type === 'event' && m.topic === topic)).toEqual([])
  })
})
