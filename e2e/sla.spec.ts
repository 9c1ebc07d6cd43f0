// SLA in the browser, in real time on the real server and worker. The global setup (e2e/sla-fixtures.ts)
// gave a ticket type of its own a policy on the 7×24 calendar (P1: one-minute first response; P2: ten
// minutes, warned after 6 s) and opened a P1 ticket of that type before the first test. Here a fresh P2
// ticket shows its countdown badge in the ticket list and on its page, and the supervisor finds it on the
// at-risk page once warned.
// The setup's ticket has breached meanwhile (or does within a minute when this file runs alone): the
// bell of the test's supervisor shows the SLA notification, and the breach email (on in their
// preferences) reaches the local SMTP sink the e2e config points the server at.
import { expect, test, type Page } from '@playwright/test'
import { receivedMails } from './smtp-sink.ts'
import { apiAs, type Api } from './portal-fixtures.ts'
import { createSlaTicket, slaSetup, type TicketRef } from './sla-fixtures.ts'
import { login } from './helpers.ts'

let admin: Api

test.beforeAll(async ({ baseURL }) => {
  admin = await apiAs(baseURL!)
})

test.afterAll(async () => {
  await admin?.close()
})

const atRiskRow = (page: Page, ticket: TicketRef) => page.locator(`[data-testid="at-risk-row"][data-ticket-number="${ticket.number}"]`)

test('a ticket counts down in the list and on its page, and is at risk once warned', async ({ page }) => {
  const setup = slaSetup()
  const ticket = await createSlaTicket(admin, setup, 'P2', Date.now().toString(36))
  await login(page, setup.supervisorEmail)

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
  await expect(panel).toContainText(setup.policyName)

  // At risk once warned (6 s after creation, raised by the worker's timer).
  await page.goto('/sla/at-risk')
  await page.locator('.ant-segmented').getByText('预警', { exact: true }).click()
  const atRisk = atRiskRow(page, ticket)
  await expect(async () => {
    await page.getByRole('button', { name: '重新加载' }).click()
    await expect(atRisk).toBeVisible({ timeout: 2_000 })
  }).toPass({ timeout: 30_000 })
  await expect(atRisk.getByTestId('sla-badge')).toHaveAttribute('data-sla-state', 'warning')
})

test('a breach rings the supervisor’s bell, shows among the breached, and sends one email', async ({ page }) => {
  test.setTimeout(180_000)
  const { breachTicket: ticket, supervisorEmail, supervisorId } = slaSetup()
  await login(page, supervisorEmail)

  // The bell lists the breach (live, when it falls while the page is open; the bell refreshes its open
  // list on each realtime notification).
  await page.getByTestId('notification-bell').click()
  await expect(page.getByTestId('notification-item').filter({ hasText: `SLA 超时：${ticket.number}` })).toBeVisible({ timeout: 120_000 })
  await page.keyboard.press('Escape')
  await page.goto('/sla/at-risk')
  await page.locator('.ant-segmented').getByText('已超时', { exact: true }).click()
  await expect(atRiskRow(page, ticket).getByTestId('sla-badge')).toHaveAttribute('data-sla-state', 'breached')

  // The same breach by email: the delivery to this supervisor is sent, says the delivery log (whose
  // status and error explain a missing mail), and in the sink one message to them, threaded on the ticket.
  const emailDelivery = async () => {
    const log = await admin.get<{
      items: {
        subject: string
        recipientId: string | null
        status: string
        lastError: string | null
        nextAttemptAt: string | null
        createdAt: string
      }[]
    }>('/api/notifications/deliveries?eventType=sla.breached&channel=email&limit=200')
    const mine = log.items.filter((d) => d.subject.includes(ticket.number) && d.recipientId === supervisorId)
    const describe = (d: (typeof mine)[number]) =>
      d.status === 'sent' ? 'sent' : `${d.status} (${d.lastError ?? 'no error'}; created ${d.createdAt}, next attempt ${d.nextAttemptAt})`
    return mine.map(describe).join(', ') || 'none'
  }
  await expect.poll(emailDelivery, { timeout: 30_000 }).toBe('sent')
  const mailDir = process.env.E2E_MAIL_DIR!
  const breachMails = async () =>
    (await receivedMails(mailDir)).filter((m) => m.subject.includes(ticket.number) && m.envelopeTo.includes(supervisorEmail))
  await expect.poll(async () => (await breachMails()).length, { timeout: 30_000 }).toBe(1)
  const [mail] = await breachMails()
  expect(mail!.subject).toBe(`SLA 超时：${ticket.number} 首次响应已违约`)
  expect(mail!.to).toEqual([supervisorEmail])
  expect(mail!.from).toMatch(/^noreply@/)
  expect(mail!.text).toContain(ticket.subject)
  expect(mail!.headers.get('x-aftercare-ticket')).toBe(ticket.id)
  expect(mail!.headers.get('in-reply-to')).toMatch(new RegExp(`^<aftercare\\.${ticket.id}@`))
})
