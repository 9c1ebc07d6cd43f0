import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { createRealtimeClient, type TopicListener } from './client.ts'
import { FakeSocket } from './fake-socket.fixture.ts'

function listener(): TopicListener & { events: Record<string, unknown>[]; resyncs: number; refused: string[] } {
  const l = {
    events: [] as Record<string, unknown>[],
    resyncs: 0,
    refused: [] as string[],
    onEvent: (e: Record<string, unknown>) => l.events.push(e),
    onResync: () => l.resyncs++,
    onRefused: (code: string) => l.refused.push(code),
  }
  return l
}

const makeClient = (extra: Partial<Parameters<typeof createRealtimeClient>[0]> = {}) =>
  createRealtimeClient({ url: 'ws://test/api/ws', createSocket: (url) => new FakeSocket(url), random: () => 0.5, ...extra })

beforeEach(() => {
  vi.useFakeTimers()
  FakeSocket.created = []
})
afterEach(() => vi.useRealTimers())

describe('realtime client', () => {
  it('connects on the first subscription, subscribes each topic once, and unsubscribes when its last listener leaves', () => {
    const client = makeClient()
    expect(FakeSocket.created).toHaveLength(0)
    const a1 = listener()
    const stopA1 = client.subscribe('ticket', a1)
    const stopA2 = client.subscribe('ticket', listener())
    FakeSocket.last().accept()
    client.subscribe('ticket:42', listener())
    const socket = FakeSocket.last()
    expect(FakeSocket.created).toHaveLength(1)
    expect(socket.subscribedTopics()).toEqual(['ticket', 'ticket:42'])
    stopA1()
    expect(socket.sent.filter((m) => m.type === 'unsubscribe')).toEqual([])
    stopA2()
    expect(socket.sent.at(-1)).toEqual({ type: 'unsubscribe', topic: 'ticket' })
  })

  it('delivers an event to the listeners of its topic only, and reports a refused topic', () => {
    const client = makeClient()
    const tickets = listener()
    const one = listener()
    client.subscribe('ticket', tickets)
    client.subscribe('ticket:42', one)
    const socket = FakeSocket.last()
    socket.accept()
    socket.push({ type: 'event', topic: 'ticket:42', event: { type: 'ticket.replied', aggregateId: '42' } })
    expect(one.events).toEqual([{ type: 'ticket.replied', aggregateId: '42' }])
    expect(tickets.events).toEqual([])
    socket.push({ type: 'error', topic: 'ticket', code: 'forbidden', message: 'no' })
    expect(tickets.refused).toEqual(['forbidden'])
  })

  it('reconnects with doubling delays, resubscribes every topic and tells listeners to resync', () => {
    const client = makeClient({ baseDelayMs: 1000 })
    const a = listener()
    const b = listener()
    client.subscribe('ticket', a)
    client.subscribe('user:7', b)
    FakeSocket.last().accept()
    expect(a.resyncs).toBe(0) // the first connection has nothing to catch up on

    FakeSocket.last().drop()
    vi.advanceTimersByTime(999)
    expect(FakeSocket.created).toHaveLength(1)
    vi.advanceTimersByTime(1)
    expect(FakeSocket.created).toHaveLength(2)
    FakeSocket.last().drop() // the server is still down
    vi.advanceTimersByTime(1999)
    expect(FakeSocket.created).toHaveLength(2)
    vi.advanceTimersByTime(1)
    expect(FakeSocket.created).toHaveLength(3)
    FakeSocket.last().drop()
    vi.advanceTimersByTime(4000)
    expect(FakeSocket.created).toHaveLength(4)

    const socket = FakeSocket.last()
    socket.accept()
    expect(socket.subscribedTopics()).toEqual(['ticket', 'user:7'])
    expect([a.resyncs, b.resyncs]).toEqual([1, 1])

    // a successful connection resets the backoff
    socket.drop()
    vi.advanceTimersByTime(1000)
    expect(FakeSocket.created).toHaveLength(5)
  })

  it('doubles the delay up to the cap, with ±20 % jitter so clients do not reconnect in step', () => {
    const delays: number[] = []
    let r = 0
    const client = makeClient({ baseDelayMs: 1000, maxDelayMs: 8000, random: () => [0, 1][r++ % 2]! })
    client.subscribe('ticket', listener())
    for (let i = 0; i < 6; i++) {
      const before = FakeSocket.created.length
      FakeSocket.last().drop()
      let waited = 0
      while (FakeSocket.created.length === before) {
        vi.advanceTimersByTime(100)
        waited += 100
      }
      delays.push(waited)
    }
    expect(delays).toEqual([800, 2400, 3200, 9600, 6400, 9600])
  })

  it('stops when the server says the session ended, and connects again on the next subscription', () => {
    const ended = vi.fn()
    const client = makeClient({ onSessionEnded: ended })
    const stop = client.subscribe('ticket', listener())
    FakeSocket.last().accept()
    FakeSocket.last().drop(4401)
    expect(ended).toHaveBeenCalledOnce()
    vi.advanceTimersByTime(60_000)
    expect(FakeSocket.created).toHaveLength(1)
    stop()
    client.subscribe('ticket', listener()) // signed in again
    expect(FakeSocket.created).toHaveLength(2)
  })

  it('treats a missing pong as a dead link and reconnects', () => {
    const client = makeClient({ pingEveryMs: 1000, pongTimeoutMs: 500, baseDelayMs: 100 })
    client.subscribe('ticket', listener())
    const first = FakeSocket.last()
    first.accept()
    vi.advanceTimersByTime(1000)
    expect(first.sent.at(-1)).toEqual({ type: 'ping' })
    first.push({ type: 'pong' })
    vi.advanceTimersByTime(1000) // answered: still the same socket
    expect(FakeSocket.created).toHaveLength(1)
    vi.advanceTimersByTime(500) // this ping got no answer
    expect(first.closedWith).toBe(4000)
    vi.advanceTimersByTime(100)
    expect(FakeSocket.created).toHaveLength(2)
  })

  it('closes the socket a moment after the last topic is gone, and keeps it for a quick page change', () => {
    const client = makeClient({ idleCloseMs: 5000 })
    const stop = client.subscribe('ticket', listener())
    const socket = FakeSocket.last()
    socket.accept()
    stop()
    vi.advanceTimersByTime(1000)
    const stop2 = client.subscribe('ticket:9', listener()) // the next page
    vi.advanceTimersByTime(10_000)
    expect(socket.closedWith).toBeUndefined()
    stop2()
    vi.advanceTimersByTime(5000)
    expect(socket.closedWith).toBe(1000)
    vi.advanceTimersByTime(60_000)
    expect(FakeSocket.created).toHaveLength(1)
  })
})
