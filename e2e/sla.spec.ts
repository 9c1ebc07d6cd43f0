// SLA in the browser, in real time on the real server and worker: an administrator sets up (through
// the API) a policy for a ticket type of its own with a one-minute first response on the 7×24
// calendar, warned at 5 % (3 s). A P1 ticket of that type shows its countdown badge in the ticket
// list and on its page; the supervisor finds it on the at-risk page once warned; at the breach a
// minute after creation the supervisor's bell shows the SLA notification, and the breach email (on in
// the supervisor's preferences) reaches the local SMTP sink the e2e config points the server at.
import { expect, test } from '@playwright/test'
import { receivedMails } from './smtp-sink.ts'
import { apiAs, type Api } from './portal-fixtures.ts'
import { demo, login } from './helpers.ts'

let admin: Api
let ticket: { id: string; number: string; subject: string }

test.beforeAll(async ({ baseURL }) => {
  admin = await apiAs(baseURL!)
  const stamp = Date.now().toString(36)
  const type = await admin.send<{ id: string }>('POST', '/api/tickets/types', { code: `sla${stamp}`, name: `SLA 测试 ${stamp}` })
  const calendars = await admin.get<{ items: { id: string; alwaysOpen: boolean }[] }>('/api/sla/calendars')
  const minute = { firstResponse: { minutes: 1 }, resolution: { minutes: 600 } }
  await admin.send('POST', '/api/sla/policies', {
    name: `一分钟响应 ${stamp}`,
    typeIds: [type.id],
    rank: 0,
    calendarId: calendars.items.find((c) => c.alwaysOpen)!.id,
    warningFraction: 0.05,
    targets: { P1: minute },
    escalations: [],
  })
  const customers = await admin.get<{ items: { id: string }[] }>('/api/customers?limit=1')
  const customer =
    customers.items[0] ?? (await admin.send<{ id: string }>('POST', '/api/customers', { name: `冷链物流 ${stamp}`, tier: 'gold' }))
  // The supervisor wants SLA breaches in the bell and by email, at any hour (their own preferences, as
  // the profile page saves them; email is on by default, but other tests sign in as the supervisor too).
  const supervisor = await apiAs(baseURL!, demo.supervisor)
  const prefs = await supervisor.send<{ events: Record<string, string[]>; quietHours: unknown }>(
    'PATCH',
    '/api/notifications/preferences',
    {
      events: { 'sla.breached': ['in_app', 'email'] },
      quietHours: null,
    },
  )
  expect(prefs.events['sla.breached']).toEqual(['in_app', 'email'])
  await supervisor.close()
  ticket = await admin.send('POST', '/api/tickets', {
    subject: `冷库温度报警 ${stamp}`,
    description: '冷库温度持续升高，需要尽快响应',
    typeId: type.id,
    customerId: customer.id,
    priority: 'P1',
  })
})

test.afterAll(async () => {
  await admin?.close()
})

test('a P1 ticket counts down in the list and on its page, is at risk once warned, and its breach rings the bell and sends an email', async ({
  page,
}) => {
  test.setTimeout(240_000)
  await login(page, demo.supervisor)

  // The list: the ticket's badge counts down (the text changes from one second to the next).
  await page.goto('/tickets')
  const row = page.getByTestId(`ticket-row-${ticket.number}`)
  const badge = row.getByTestId('sla-badge')
  await expect(badge).toBeVisible()
  await expect(badge).toHaveAttribute('data-sla-state', /ok|warning|breached/)
  await expect(badge).toContainText('首次响应')
  const first = await badge.textContent()
  await expect(badge).not.toHaveText(first!)

  // The ticket's page shows the same badge in its SLA panel.
  await row.getByTestId('ticket-link').click()
  await expect(page).toHaveURL(new RegExp(`/tickets/${ticket.id}$`))
  const panel = page.getByTestId('ticket-sla-panel')
  await expect(panel.getByTestId('sla-badge')).toBeVisible()
  await expect(panel).toContainText('一分钟响应')

  // At risk once warned (3 s after creation, raised by the worker's timer).
  await page.goto('/sla/at-risk')
  await page.locator('.ant-segmented').getByText('预警', { exact: true }).click()
  const atRisk = page.locator(`[data-testid="at-risk-row"][data-ticket-number="${ticket.number}"]`)
  await expect(async () => {
    await page.getByRole('button', { name: '重新加载' }).click()
    await expect(atRisk).toBeVisible({ timeout: 2_000 })
  }).toPass({ timeout: 30_000 })
  await expect(atRisk.getByTestId('sla-badge')).toHaveAttribute('data-sla-state', /warning|breached/)

  // The breach (a minute after creation) reaches the supervisor's bell, live.
  // (The demo tickets' own SLA notifications may already be unread: wait for this ticket's, in the
  // open list, which the bell refreshes on each realtime notification.)
  await page.getByTestId('notification-bell').click()
  await expect(page.getByTestId('notification-item').filter({ hasText: `SLA 超时：${ticket.number}` })).toBeVisible({ timeout: 150_000 })
  await page.keyboard.press('Escape')
  await page.getByRole('button', { name: '重新加载' }).click()
  await page.locator('.ant-segmented').getByText('已超时', { exact: true }).click()
  await expect(atRisk.getByTestId('sla-badge')).toHaveAttribute('data-sla-state', 'breached')

  // The same breach by email: sent, says the delivery log (whose status and error explain a missing
  // mail), and in the sink one message to the supervisor, threaded on the ticket.
  const emailDelivery = async () => {
    const log = await admin.get<{
      items: { subject: string; status: string; lastError: string | null; nextAttemptAt: string | null; createdAt: string }[]
    }>('/api/notifications/deliveries?eventType=sla.breached&channel=email&limit=200')
    const mine = log.items.filter((d) => d.subject.includes(ticket.number))
    const describe = (d: (typeof mine)[number]) =>
      d.status === 'sent' ? 'sent' : `${d.status} (${d.lastError ?? 'no error'}; created ${d.createdAt}, next attempt ${d.nextAttemptAt})`
    return mine.map(describe).join(', ') || 'none'
  }
  await expect.poll(emailDelivery, { timeout: 30_000 }).toBe('sent')
  const mailDir = process.env.E2E_MAIL_DIR!
  const breachMails = async () =>
    (await receivedMails(mailDir)).filter((m) => m.subject.includes(ticket.number) && m.envelopeTo.includes(demo.supervisor))
  await expect.poll(async () => (await breachMails()).length, { timeout: 30_000 }).toBe(1)
  const [mail] = await breachMails()
  expect(mail!.subject).toBe(`SLA 超时：${ticket.number} 首次响应已违约`)
  expect(mail!.to).toEqual([demo.supervisor])
  expect(mail!.from).toMatch(/^noreply@/)
  expect(mail!.text).toContain(ticket.subject)
  expect(mail!.headers.get('x-aftercare-ticket')).toBe(ticket.id)
  expect(mail!.headers.get('in-reply-to')).toMatch(new RegExp(`^<aftercare\\.${ticket.id}@`))
})
