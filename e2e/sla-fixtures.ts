// The SLA browser test's setup, run once by the Playwright global setup before any test: a ticket
// type of its own whose policy (7×24 calendar, warned at 1 %) gives P1 a one-minute first response
// and P2 ten minutes (warned after 6 s, then at risk for minutes however slow the machine), a
// supervisor who wants breach emails, and a P1 ticket whose breach falls while the other tests run
// (so the breach test reads a breach that already happened instead of waiting a minute for one).
import type { FullConfig } from '@playwright/test'
import { apiAs, type Api } from './portal-fixtures.ts'
import { DEMO_PASSWORD } from './helpers.ts'

export interface TicketRef {
  id: string
  number: string
  subject: string
}

export interface SlaSetup {
  typeId: string
  customerId: string
  policyName: string
  /** A supervisor of this test's own, told of breaches only (in the bell and by email). */
  supervisorEmail: string
  supervisorId: string
  /** Created during the global setup: breached a minute later. */
  breachTicket: TicketRef
}

const ENV = 'E2E_SLA_SETUP'

/** A ticket of the SLA test's type: P1 breaches a minute after it is created, P2 is warned after 6 s. */
export async function createSlaTicket(
  admin: Api,
  setup: Pick<SlaSetup, 'typeId' | 'customerId'>,
  priority: 'P1' | 'P2',
  label: string,
): Promise<TicketRef> {
  return admin.send('POST', '/api/tickets', {
    subject: `冷库温度报警 ${label}`,
    description: '冷库温度持续升高，需要尽快响应',
    typeId: setup.typeId,
    customerId: setup.customerId,
    priority,
  })
}

export default async function globalSetup(config: FullConfig) {
  const baseURL = config.projects[0]!.use.baseURL!
  const admin = await apiAs(baseURL)
  const stamp = Date.now().toString(36)
  const type = await admin.send<{ id: string }>('POST', '/api/tickets/types', { code: `sla${stamp}`, name: `SLA 测试 ${stamp}` })
  const calendars = await admin.get<{ items: { id: string; alwaysOpen: boolean }[] }>('/api/sla/calendars')
  const policyName = `一分钟响应 ${stamp}`
  await admin.send('POST', '/api/sla/policies', {
    name: policyName,
    typeIds: [type.id],
    rank: 0,
    calendarId: calendars.items.find((c) => c.alwaysOpen)!.id,
    warningFraction: 0.01,
    targets: {
      P1: { firstResponse: { minutes: 1 }, resolution: { minutes: 600 } },
      P2: { firstResponse: { minutes: 10 }, resolution: { minutes: 600 } },
    },
    escalations: [],
  })
  const customers = await admin.get<{ items: { id: string }[] }>('/api/customers?limit=1')
  const customerId =
    customers.items[0]?.id ?? (await admin.send<{ id: string }>('POST', '/api/customers', { name: `冷链物流 ${stamp}`, tier: 'gold' })).id
  // A supervisor of the SLA test's own (Chinese interface; other tests change the demo users' settings,
  // the language among them) who wants SLA breaches in the bell and by email, at any hour, and nothing
  // else (their own preferences, as the profile page saves them): the bell lists the latest 20, and the
  // breach must still be among them when the breach test runs minutes later.
  const supervisorEmail = `sla-supervisor-${stamp}@example.com`
  const supervisorUser = await admin.send<{ id: string }>('POST', '/api/users', {
    email: supervisorEmail,
    name: `值班主管 ${stamp}`,
    password: DEMO_PASSWORD,
    roles: ['supervisor'],
    locale: 'zh-CN',
  })
  const supervisor = await apiAs(baseURL, supervisorEmail)
  const nothing = ['ticket.created', 'ticket.assigned', 'ticket.mentioned', 'ticket.message_added', 'ticket.status_changed', 'sla.warning']
  await supervisor.send('PATCH', '/api/notifications/preferences', {
    events: { ...Object.fromEntries(nothing.map((e) => [e, []])), 'sla.breached': ['in_app', 'email'] },
    quietHours: null,
  })
  await supervisor.close()
  const breachTicket = await createSlaTicket(admin, { typeId: type.id, customerId }, 'P1', `${stamp} 超时`)
  await admin.close()
  const setup: SlaSetup = { typeId: type.id, customerId, policyName, supervisorEmail, supervisorId: supervisorUser.id, breachTicket }
  // the workers inherit the runner's environment
  process.env[ENV] = JSON.stringify(setup)
}

/** What the global setup created (in a test worker). */
export function slaSetup(): SlaSetup {
  const raw = process.env[ENV]
  if (!raw) throw new Error(`${ENV} is not set: the Playwright global setup (e2e/sla-fixtures.ts) did not run`)
  return JSON.parse(raw) as SlaSetup
}
