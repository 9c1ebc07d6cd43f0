// The bell rings live: a new in-app notification, and reading it, push the user's unread count on the
// realtime topic `user:<id>` (through a real listening server and WebSocket), and to nobody else.
import type { RealtimeServerMessage } from '@aftercare/contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect, eventOf, wsUrl, type TestSocket } from '../../platform/realtime/ws-client.fixture.ts'
import type { Client } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { buildTicketWorld, newTicket, ok, type TicketWorld } from '../tickets/tickets.fixtures.ts'
import { hearNew } from './notifications.fixture.ts'

let rt: TestRuntime
let w: TicketWorld
let url: string
const seen = new Set<string>()
const sockets: TestSocket[] = []
const open = async (c: Client) => {
  const s = await connect(url, { cookie: c.headers.cookie! })
  sockets.push(s)
  return s
}
const bellEvent = (topic: string, type: string) => (m: RealtimeServerMessage) =>
  m.type === 'event' && m.topic === topic && eventOf(m)?.type === type

beforeAll(async () => {
  rt = await createTestRuntime()
  url = wsUrl(await rt.app.listen({ port: 0, host: '127.0.0.1' }))
  w = await buildTicketWorld(rt)
})
afterAll(async () => {
  await Promise.all(sockets.map((s) => s.close()))
  await rt?.close()
})

describe('the bell over realtime', () => {
  it('pushes the unread count on user:<id> when a notification arrives and when it is read', async () => {
    const topic = `user:${w.agent2.user.id}`
    const mine = await open(w.agent2)
    expect(await mine.subscribe(topic)).toEqual({ type: 'subscribed', topic })
    const other = await open(w.agent)
    await other.subscribe(`user:${w.agent.user.id}`)
    await hearNew(rt, w.tenant.id, seen)
    const before = (await ok<{ unread: number }>(w.agent2.get('/api/notifications/unread-count'))).unread

    const t = await newTicket(w)
    await ok(w.admin.post(`/api/tickets/${t.id}/assign`, { assigneeId: w.agent2.user.id }))
    await hearNew(rt, w.tenant.id, seen)
    // one push per event heard (the new ticket and its assignment); the last names the current count
    const unread = (await ok<{ unread: number }>(w.agent2.get('/api/notifications/unread-count'))).unread
    expect(unread).toBeGreaterThan(before)
    let created = eventOf(await mine.take(bellEvent(topic, 'notification.created')))!
    while (created.unread !== unread) created = eventOf(await mine.take(bellEvent(topic, 'notification.created')))!
    const list = await ok<{ items: { id: string; link: string | null }[] }>(w.agent2.get('/api/notifications?unreadOnly=true'))
    const n = list.items.find((i) => i.link === `/tickets/${t.id}`)!
    expect(n).toBeTruthy()

    await ok(w.agent2.post('/api/notifications/read', { ids: [n.id] }))
    const read = eventOf(await mine.take(bellEvent(topic, 'notification.read')))!
    expect(read.unread).toBe(unread - 1)
    // the other agent's socket heard nothing of agent2's bell
    expect(other.pending().filter((m) => m.type === 'event' && eventOf(m)?.type === 'notification.read')).toEqual([])
  })
})
