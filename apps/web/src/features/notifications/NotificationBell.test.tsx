// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import { App as AntApp } from 'antd'
import { MemoryRouter, Route, Routes, useLocation } from 'react-router'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { meKey } from '../../shared/auth/session.ts'
import '../../shared/i18n/index.ts'
import { createRealtimeClient } from '../../shared/realtime/client.ts'
import { FakeSocket } from '../../shared/realtime/fake-socket.fixture.ts'
import { RealtimeContext } from '../../shared/realtime/useRealtime.ts'
import { NotificationBell } from './NotificationBell.tsx'
import { stubBrowserApis } from '../../shared/testing/jsdom.ts'

const userId = '0b8f7f52-8d0e-4a43-9a51-3f4b7d1c2a01'
const ticketId = '5a6d1c0e-2b3f-4c5d-8e9f-0a1b2c3d4e5f'
const me = {
  id: userId,
  tenantId: '7c2f0e1a-1111-4a43-9a51-3f4b7d1c2a01',
  tenantName: '示例公司',
  email: 'agent@example.com',
  name: '王工',
  roles: ['agent'],
  permissions: ['tickets.read'],
  locale: 'zh-CN',
  totpEnabled: false,
  teamIds: [],
  customerOrgId: null,
}

interface Row {
  id: string
  title: string
  readAt: string | null
}
/** The server's state, as the stubbed fetch (a browser API) answers from it. */
let rows: Row[]
let posts: unknown[]
const notification = (r: Row) => ({
  id: r.id,
  eventType: 'ticket.assigned',
  title: r.title,
  body: '请尽快处理',
  link: `/tickets/${ticketId}`,
  ticketId,
  readAt: r.readAt,
  createdAt: '2026-11-30T08:00:00.000Z',
})
const unreadNow = () => rows.filter((r) => r.readAt === null).length

function answer(body: unknown) {
  return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } }))
}
function fakeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const url = new URL(String(input), 'http://test')
  if (url.pathname === '/api/notifications/unread-count') return answer({ unread: unreadNow() })
  if (url.pathname === '/api/notifications' && (init?.method ?? 'GET') === 'GET')
    return answer({ items: rows.map(notification), nextCursor: null, unread: unreadNow() })
  if (url.pathname === '/api/notifications/read' && init?.method === 'POST') {
    const body = JSON.parse(String(init.body)) as { ids?: string[]; all?: boolean }
    posts.push(body)
    let updated = 0
    for (const r of rows)
      if (r.readAt === null && (body.all || body.ids?.includes(r.id))) {
        r.readAt = '2026-11-30T09:00:00.000Z'
        updated++
      }
    return answer({ updated, unread: unreadNow() })
  }
  return Promise.resolve(new Response(JSON.stringify({ code: 'not_found', message: url.pathname }), { status: 404 }))
}

function Where() {
  return <p data-testid="where">{useLocation().pathname}</p>
}

function setup() {
  const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } })
  queryClient.setQueryData(meKey, me)
  const client = createRealtimeClient({
    url: 'ws://test/api/ws',
    createSocket: (url) => new FakeSocket(url),
    random: () => 0.5,
    baseDelayMs: 10,
  })
  render(
    <QueryClientProvider client={queryClient}>
      <RealtimeContext.Provider value={client}>
        <AntApp>
          <MemoryRouter initialEntries={['/workbench']}>
            <NotificationBell />
            <Routes>
              <Route path="*" element={<Where />} />
            </Routes>
          </MemoryRouter>
        </AntApp>
      </RealtimeContext.Provider>
    </QueryClientProvider>,
  )
}

const bell = () => screen.getByTestId('notification-bell')

beforeEach(() => {
  rows = [{ id: crypto.randomUUID(), title: '工单 T-0001 已分配给你', readAt: null }]
  posts = []
  FakeSocket.created = []
  vi.stubGlobal('fetch', vi.fn(fakeFetch))
  stubBrowserApis()
})
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

describe('NotificationBell', () => {
  it('shows the unread count and follows the server live on user:<id>', async () => {
    setup()
    await waitFor(() => expect(bell().dataset.unread).toBe('1'))
    const socket = FakeSocket.last()
    act(() => socket.accept())
    expect(socket.subscribedTopics()).toEqual([`user:${userId}`])

    rows.unshift({ id: crypto.randomUUID(), title: '工单 T-0002 SLA 即将超时', readAt: null })
    act(() =>
      socket.push({
        type: 'event',
        topic: `user:${userId}`,
        event: { type: 'notification.created', notificationId: rows[0]!.id, unread: 2 },
      }),
    )
    await waitFor(() => expect(bell().dataset.unread).toBe('2'))
    expect(within(bell()).getByText('2')).toBeTruthy()

    // another tab read them: the badge follows
    for (const r of rows) r.readAt = '2026-11-30T09:00:00.000Z'
    act(() =>
      socket.push({ type: 'event', topic: `user:${userId}`, event: { type: 'notification.read', notificationId: null, unread: 0 } }),
    )
    await waitFor(() => expect(bell().dataset.unread).toBe('0'))
  })

  it('lists notifications; opening one marks it read and shows its ticket', async () => {
    setup()
    await waitFor(() => expect(bell().dataset.unread).toBe('1'))
    fireEvent.click(bell())
    const [item] = await screen.findAllByTestId('notification-item')
    expect(item!.textContent).toContain('工单 T-0001 已分配给你')
    expect(item!.dataset.unread).toBe('true')
    fireEvent.click(item!)
    await waitFor(() => expect(screen.getByTestId('where').textContent).toBe(`/tickets/${ticketId}`))
    expect(posts).toEqual([{ ids: [rows[0]!.id] }])
    await waitFor(() => expect(bell().dataset.unread).toBe('0'))
  })

  it('marks all read', async () => {
    rows.push({ id: crypto.randomUUID(), title: '客户回复了工单 T-0003', readAt: null })
    setup()
    await waitFor(() => expect(bell().dataset.unread).toBe('2'))
    fireEvent.click(bell())
    expect(await screen.findAllByTestId('notification-item')).toHaveLength(2)
    fireEvent.click(screen.getByTestId('notification-mark-all'))
    await waitFor(() => expect(bell().dataset.unread).toBe('0'))
    expect(posts).toEqual([{ all: true }])
    await waitFor(() => expect(screen.getAllByTestId('notification-item').every((i) => i.dataset.unread === 'false')).toBe(true))
  })
})
