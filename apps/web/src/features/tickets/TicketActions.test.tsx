// @vitest-environment jsdom
// The ticket's action bar offers only what the signed-in user's permissions allow: an L1 agent
// (tickets.write, no tickets.assign) may escalate but not assign; a supervisor may do both.
import type { Permission, Ticket } from '@aftercare/contracts'
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { cleanup, render, screen } from '@testing-library/react'
import { App as AntApp } from 'antd'
import { MemoryRouter } from 'react-router'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { meKey } from '../../shared/auth/session.ts'
import '../../shared/i18n/index.ts'
import { stubBrowserApis } from '../../shared/testing/jsdom.ts'
import { TicketActions } from './TicketActions.tsx'
import type { TicketWrites } from './useTicketWrites.ts'

// the ticket permissions of the demo roles (apps/api identity policy)
const agentL1: Permission[] = ['tickets.read', 'tickets.write', 'tickets.create', 'tickets.reply', 'tickets.confirm']
const supervisor: Permission[] = [...agentL1, 'tickets.assign', 'tickets.configure']

const me = (role: string, permissions: Permission[]) => ({
  id: '0b8f7f52-8d0e-4a43-9a51-3f4b7d1c2a01',
  tenantId: '7c2f0e1a-1111-4a43-9a51-3f4b7d1c2a01',
  tenantName: '示例公司',
  email: `${role}@example.com`,
  name: '王工',
  roles: [role],
  permissions,
  locale: 'zh-CN',
  totpEnabled: false,
  teamIds: [],
  customerOrgId: null,
})

// only what the action bar reads
const ticket = {
  id: '5a1f7f52-8d0e-4a43-9a51-3f4b7d1c2a05',
  number: 'SR-2026-000001',
  status: 'assigned',
  tier: 'L1',
  assigneeId: null,
  queueId: null,
  watching: false,
  mayWatch: true,
  mergedIntoId: null,
  resolution: null,
  allowedTransitions: ['in_progress'],
} as unknown as Ticket

const writes = { write: vi.fn(), stale: false, setStale: vi.fn(), reload: vi.fn(), epoch: 0, explain: vi.fn() } as unknown as TicketWrites

function setup(role: string, permissions: Permission[], shown: Partial<Ticket> = {}) {
  const client = new QueryClient({ defaultOptions: { queries: { retry: false, staleTime: Infinity } } })
  client.setQueryData(meKey, me(role, permissions))
  render(
    <QueryClientProvider client={client}>
      <MemoryRouter>
        <AntApp>
          <TicketActions
            ticket={{ ...ticket, ...shown }}
            etag={'"v1"'}
            writes={writes}
            messages={[]}
            dialog={{ kind: 'assign' }}
            onDialog={() => {}}
          />
        </AntApp>
      </MemoryRouter>
    </QueryClientProvider>,
  )
}

beforeEach(() => {
  vi.stubGlobal(
    'fetch',
    vi.fn(() => Promise.resolve(new Response('{"items":[]}', { headers: { 'content-type': 'application/json' } }))),
  )
  stubBrowserApis()
})
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

describe('TicketActions', () => {
  it('shows an L1 agent no assign button and no assign dialog, but escalate', () => {
    setup('agent_l1', agentL1)
    expect(screen.queryByTestId('ticket-assign')).toBeNull()
    expect(screen.queryByText('分配 / 转交工单')).toBeNull()
    expect(screen.getByTestId('ticket-escalate')).toBeTruthy()
    expect(screen.getByTestId('ticket-status-menu')).toBeTruthy()
  })

  it('shows a supervisor the assign button', () => {
    setup('supervisor', supervisor)
    // antd spaces out a two-character Chinese label
    expect(screen.getByTestId('ticket-assign').textContent?.replace(/\s/g, '')).toBe('分配')
    expect(screen.getByText('分配 / 转交工单')).toBeTruthy()
    expect(screen.getByTestId('ticket-escalate')).toBeTruthy()
  })

  it('offers watching only where the API allows it; someone already watching can always stop', () => {
    setup('agent_l1', agentL1)
    expect(screen.getByTestId('ticket-watch').textContent).toContain('关注')
    cleanup()
    setup('service_provider', agentL1, { mayWatch: false })
    expect(screen.queryByTestId('ticket-watch')).toBeNull()
    cleanup()
    setup('service_provider', agentL1, { mayWatch: false, watching: true })
    expect(screen.getByTestId('ticket-watch')).toBeTruthy()
  })
})
