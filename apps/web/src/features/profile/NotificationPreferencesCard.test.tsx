// @vitest-environment jsdom
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { App as AntApp } from 'antd'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { meKey } from '../../shared/auth/session.ts'
import '../../shared/i18n/index.ts'
import { NotificationPreferencesCard } from './NotificationPreferencesCard.tsx'
import { stubBrowserApis } from '../../shared/testing/jsdom.ts'

const me = (customer: boolean) => ({
  id: '0b8f7f52-8d0e-4a43-9a51-3f4b7d1c2a01',
  tenantId: '7c2f0e1a-1111-4a43-9a51-3f4b7d1c2a01',
  tenantName: '示例公司',
  email: 'user@example.com',
  name: '王工',
  roles: [customer ? 'customer_contact' : 'agent_l1'],
  permissions: [],
  locale: 'zh-CN',
  totpEnabled: false,
  teamIds: [],
  customerOrgId: customer ? '9d8f7f52-8d0e-4a43-9a51-3f4b7d1c2a09' : null,
})

const stored = {
  events: {
    'ticket.created': ['in_app'],
    'ticket.assigned': ['in_app', 'email'],
    'ticket.mentioned': ['in_app', 'email'],
    'ticket.message_added': ['in_app', 'email'],
    'ticket.status_changed': ['in_app'],
    'sla.warning': ['in_app', 'email'],
    'sla.breached': ['in_app', 'email'],
    'notification.otp_requested': [],
    'webhook.disabled': ['in_app', 'email'],
  },
  quietHours: null,
  wechatOpenId: null,
  version: 3,
}
let patches: { body: Record<string, unknown>; ifMatch: string | null }[]

function fakeFetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response> {
  const url = new URL(String(input), 'http://test')
  const json = (body: unknown, headers: Record<string, string> = {}) =>
    Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json', ...headers } }))
  if (url.pathname === '/api/notifications/preferences' && (init?.method ?? 'GET') === 'GET') return json(stored, { etag: '"v3"' })
  if (url.pathname === '/api/notifications/preferences' && init?.method === 'PATCH') {
    const body = JSON.parse(String(init.body)) as Record<string, unknown>
    patches.push({ body, ifMatch: new Headers(init.headers).get('if-match') })
    return json({ ...stored, ...body, version: 4 }, { etag: '"v4"' })
  }
  return Promise.resolve(new Response('{}', { status: 404 }))
}

function setup(customer = false) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } })
  client.setQueryData(meKey, me(customer))
  render(
    <QueryClientProvider client={client}>
      <AntApp>
        <NotificationPreferencesCard />
      </AntApp>
    </QueryClientProvider>,
  )
}

beforeEach(() => {
  patches = []
  vi.stubGlobal('fetch', vi.fn(fakeFetch))
  stubBrowserApis()
})
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

/** The checkbox's input, wherever antd puts the test id (the input or its wrapper). */
function box(id: string): HTMLInputElement {
  const el = screen.getByTestId(id)
  return el instanceof HTMLInputElement ? el : el.querySelector('input')!
}

describe('NotificationPreferencesCard', () => {
  it('shows the stored channels, and saves a change with quiet hours and If-Match', async () => {
    setup()
    await waitFor(() => expect(box('pref-ticket.assigned-email').checked).toBe(true))
    expect(box('pref-ticket.created-email').checked).toBe(false)
    expect(screen.queryByTestId('pref-notification.otp_requested-in_app')).toBeNull()
    fireEvent.click(box('pref-ticket.assigned-email'))
    fireEvent.click(box('pref-sla.breached-sms'))
    fireEvent.click(screen.getByTestId('pref-quiet-enabled'))
    fireEvent.click(screen.getByTestId('pref-save'))
    await waitFor(() => expect(patches).toHaveLength(1))
    const { body, ifMatch } = patches[0]!
    expect(ifMatch).toBe('"v3"')
    expect((body.events as Record<string, string[]>)['ticket.assigned']).toEqual(['in_app'])
    expect((body.events as Record<string, string[]>)['sla.breached']).toEqual(['in_app', 'email', 'sms'])
    expect(body.quietHours).toEqual({ start: '22:00', end: '08:00', timeZone: 'Asia/Shanghai' })
    expect(body.wechatOpenId).toBeNull()
  })

  it('offers a customer contact only the events about their own requests', async () => {
    setup(true)
    await waitFor(() => expect(screen.getByTestId('pref-ticket.message_added-in_app')).toBeTruthy())
    expect(screen.queryByTestId('pref-ticket.assigned-in_app')).toBeNull()
    expect(screen.queryByTestId('pref-sla.breached-in_app')).toBeNull()
    fireEvent.click(screen.getByTestId('pref-save'))
    await waitFor(() => expect(patches).toHaveLength(1))
    expect(Object.keys(patches[0]!.body.events as object).sort()).toEqual([
      'ticket.created',
      'ticket.message_added',
      'ticket.status_changed',
    ])
  })
})
