// @vitest-environment jsdom
// useLiveMe: who is signed in follows the server when an admin changes the user's roles.
import { CREDENTIALS_CHANGED } from '@aftercare/contracts'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { act, cleanup, render, screen, waitFor } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { useMe } from '../auth/session.ts'
import '../i18n/index.ts'
import { stubBrowserApis } from '../testing/jsdom.ts'
import { createRealtimeClient } from './client.ts'
import { FakeSocket } from './fake-socket.fixture.ts'
import { RealtimeContext, useLiveMe } from './useRealtime.ts'

const userId = '0b8f7f52-8d0e-4a43-9a51-3f4b7d1c2a01'
/** The server's answer to GET /api/auth/me: the roles an admin last gave the user. */
let roles: string[]
let meCalls: number
const me = () => ({
  id: userId,
  tenantId: '7c2f0e1a-1111-4a43-9a51-3f4b7d1c2a01',
  tenantName: '示例公司',
  email: 'agent@example.com',
  name: '王工',
  roles,
  permissions: roles.includes('admin') ? ['tickets.read', 'users.manage'] : ['tickets.read'],
  locale: 'zh-CN',
  totpEnabled: false,
  teamIds: [],
  customerOrgId: null,
  csrfToken: 'csrf',
})

function fakeFetch(input: RequestInfo | URL): Promise<Response> {
  const url = new URL(String(input), 'http://test')
  if (url.pathname === '/api/auth/me') {
    meCalls++
    return Promise.resolve(new Response(JSON.stringify(me()), { status: 200, headers: { 'content-type': 'application/json' } }))
  }
  return Promise.resolve(new Response(JSON.stringify({ code: 'not_found', message: url.pathname }), { status: 404 }))
}

function Shell() {
  useLiveMe(userId)
  const { data } = useMe()
  return <p data-testid="permissions">{data?.permissions.join(',')}</p>
}

beforeEach(() => {
  roles = ['admin']
  meCalls = 0
  FakeSocket.created = []
  vi.stubGlobal('fetch', vi.fn(fakeFetch))
  stubBrowserApis()
})
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

describe('useLiveMe', () => {
  it('refetches who is signed in when the server announces that their rights changed, and only then', async () => {
    const queryClient = new QueryClient({ defaultOptions: { queries: { retry: false } } })
    const client = createRealtimeClient({ url: 'ws://test/api/ws', createSocket: (url) => new FakeSocket(url), random: () => 0.5 })
    render(
      <QueryClientProvider client={queryClient}>
        <RealtimeContext.Provider value={client}>
          <Shell />
        </RealtimeContext.Provider>
      </QueryClientProvider>,
    )
    await waitFor(() => expect(screen.getByTestId('permissions').textContent).toBe('tickets.read,users.manage'))
    const socket = FakeSocket.last()
    act(() => socket.accept())
    expect(socket.subscribedTopics()).toEqual([`user:${userId}`])

    // an unrelated event on the same topic changes nothing
    act(() => socket.push({ type: 'event', topic: `user:${userId}`, event: { type: 'notification.created', unread: 1 } }))
    await new Promise((r) => setTimeout(r, 300))
    expect(meCalls).toBe(1)

    roles = ['agent_l1']
    act(() => socket.push({ type: 'event', topic: `user:${userId}`, event: { type: CREDENTIALS_CHANGED, aggregateId: userId } }))
    await waitFor(() => expect(screen.getByTestId('permissions').textContent).toBe('tickets.read'))
    expect(meCalls).toBe(2)
  })
})
