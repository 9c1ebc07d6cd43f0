// @vitest-environment jsdom
import { QueryClient, QueryClientProvider, useQuery } from '@tanstack/react-query'
import { act, render, screen, waitFor } from '@testing-library/react'
import type { ReactNode } from 'react'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createRealtimeClient } from './client.ts'
import { FakeSocket } from './fake-socket.fixture.ts'
import { RealtimeContext, RESYNC, useRealtime, type RealtimeHandler } from './useRealtime.ts'

let fetches: number
function Ticket({ topic, onEvent }: { topic: string | null; onEvent: RealtimeHandler }) {
  const { data } = useQuery({ queryKey: ['tickets', '42'], queryFn: () => Promise.resolve(++fetches) })
  useRealtime(topic, onEvent)
  return <p>fetched {data ?? 0}</p>
}

function setup(children: ReactNode) {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } })
  const client = createRealtimeClient({
    url: 'ws://test/api/ws',
    createSocket: (url) => new FakeSocket(url),
    random: () => 0.5,
    baseDelayMs: 10,
  })
  const wrap = (node: ReactNode) => (
    <QueryClientProvider client={queryClient}>
      <RealtimeContext.Provider value={client}>{node}</RealtimeContext.Provider>
    </QueryClientProvider>
  )
  const view = render(wrap(children))
  return { view, client, rerender: (node: ReactNode) => view.rerender(wrap(node)) }
}

const ticketEvent = (type: string) => ({
  type: 'event',
  topic: 'ticket:42',
  event: { id: crypto.randomUUID(), type, aggregateType: 'ticket', aggregateId: '42' },
})

beforeEach(() => {
  fetches = 0
  FakeSocket.created = []
})
afterEach(() => {
  FakeSocket.created = []
})

describe('useRealtime', () => {
  it('refetches the named queries once for a burst of events, and after a reconnect', async () => {
    setup(<Ticket topic="ticket:42" onEvent={[['tickets', '42']]} />)
    await screen.findByText('fetched 1')
    const socket = FakeSocket.last()
    act(() => socket.accept())
    expect(socket.subscribedTopics()).toEqual(['ticket:42'])
    act(() => {
      socket.push(ticketEvent('ticket.replied'))
      socket.push(ticketEvent('ticket.assigned'))
      socket.push(ticketEvent('ticket.updated'))
    })
    await screen.findByText('fetched 2')
    await new Promise((r) => setTimeout(r, 300))
    expect(fetches).toBe(2)

    act(() => socket.drop())
    await waitFor(() => expect(FakeSocket.created).toHaveLength(2))
    act(() => FakeSocket.last().accept())
    await screen.findByText('fetched 3')
  })

  it('lets the handler choose the keys per event (nothing for events it ignores) and sees RESYNC after a reconnect', async () => {
    const seen: unknown[] = []
    const onEvent = (e: Record<string, unknown>) => {
      seen.push(e.type)
      return e.type === 'ticket.replied' || e === RESYNC ? [['tickets', '42']] : undefined
    }
    setup(<Ticket topic="ticket:42" onEvent={onEvent} />)
    await screen.findByText('fetched 1')
    const socket = FakeSocket.last()
    act(() => socket.accept())
    act(() => socket.push(ticketEvent('ticket.viewed')))
    await new Promise((r) => setTimeout(r, 300))
    expect(fetches).toBe(1)
    act(() => socket.push(ticketEvent('ticket.replied')))
    await screen.findByText('fetched 2')
    act(() => socket.drop())
    await waitFor(() => expect(FakeSocket.created).toHaveLength(2))
    act(() => FakeSocket.last().accept())
    await screen.findByText('fetched 3')
    expect(seen).toEqual(['ticket.viewed', 'ticket.replied', 'realtime.resync'])
  })

  it('subscribes to nothing without a topic, follows a topic change, and unsubscribes on unmount', async () => {
    const { view, rerender } = setup(<Ticket topic={null} onEvent={[['tickets', '42']]} />)
    await screen.findByText('fetched 1')
    expect(FakeSocket.created).toHaveLength(0)
    rerender(<Ticket topic="ticket:42" onEvent={[['tickets', '42']]} />)
    const socket = FakeSocket.last()
    act(() => socket.accept())
    expect(socket.subscribedTopics()).toEqual(['ticket:42'])
    rerender(<Ticket topic="ticket:43" onEvent={[['tickets', '42']]} />)
    expect(socket.sent.slice(-2)).toEqual([
      { type: 'unsubscribe', topic: 'ticket:42' },
      { type: 'subscribe', topic: 'ticket:43' },
    ])
    view.unmount()
    expect(socket.sent.at(-1)).toEqual({ type: 'unsubscribe', topic: 'ticket:43' })
  })
})
