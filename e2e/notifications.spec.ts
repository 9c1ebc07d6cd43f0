// The notification center and webhooks in the browser, on the real server and worker: an assignment
// rings the assignee's bell live (no reload), the bell opens the ticket and marks read; an admin
// previews a template as it is typed, subscribes a webhook (secret shown once) and previews what an
// inbound webhook's mapping makes of a sample order.
import { expect, test } from '@playwright/test'
import { demo, login } from './helpers.ts'
import { apiAs, ensureTicketType, type Api } from './portal-fixtures.ts'

let admin: Api
const stamp = Date.now().toString(36)

test.beforeAll(async ({ baseURL }) => {
  admin = await apiAs(baseURL!)
})
test.afterAll(async () => {
  await admin?.close()
})

test('an assignment rings the bell live; the bell opens the ticket and marks it read', async ({ page }) => {
  await login(page, demo.agent2)
  const bell = page.getByTestId('notification-bell')
  await expect(bell).toHaveAttribute('data-unread', /\d+/)
  const before = Number(await bell.getAttribute('data-unread'))

  const type = await ensureTicketType(admin)
  const customers = await admin.get<{ items: { id: string }[] }>('/api/customers?limit=1')
  const me = await admin.get<{ items: { id: string; email: string }[] }>(`/api/users?q=${encodeURIComponent(demo.agent2)}`)
  const agent2 = me.items.find((u) => u.email === demo.agent2)!
  const ticket = await admin.send<{ id: string; number: string }>('POST', '/api/tickets', {
    subject: `打印机卡纸 ${stamp}`,
    description: '三楼打印机频繁卡纸',
    typeId: type.id,
    customerId: customers.items[0]!.id,
  })
  await admin.send('POST', `/api/tickets/${ticket.id}/assign`, { assigneeId: agent2.id })

  await expect(bell).not.toHaveAttribute('data-unread', String(before))
  await bell.click()
  const item = page.getByTestId('notification-item').filter({ hasText: ticket.number }).first()
  await expect(item).toBeVisible()
  await expect(item).toHaveAttribute('data-unread', 'true')
  await item.click()
  await expect(page).toHaveURL(new RegExp(`/tickets/${ticket.id}$`))

  await bell.click()
  await page.getByTestId('notification-mark-all').click()
  await expect(bell).toHaveAttribute('data-unread', '0')
})

test('an admin previews a template, subscribes a webhook and previews an inbound mapping', async ({ page }) => {
  await login(page, demo.admin)
  await page.goto('/admin/notifications')
  await page.getByTestId('template-filter-event').click()
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: '工单分配给我' }).click()
  await page.getByTestId('template-edit-ticket.assigned|in_app|zh-CN|staff').click()
  const body = page.getByTestId('template-body')
  await body.fill('请处理工单 {{ticket.number}}，{{no.such}}')
  await expect(page.getByTestId('template-preview-body')).toContainText(/请处理工单 \S+，$/)
  await expect(page.getByTestId('template-unknown-variables')).toContainText('{{no.such}}')
  await page.keyboard.press('Escape')
  await page.getByRole('tab', { name: '投递记录' }).click()
  await expect(page.getByTestId('delivery-filter-status')).toBeVisible()

  await page.goto('/admin/integrations')
  await page.getByTestId('webhook-create').click()
  await page.getByTestId('webhook-name').fill(`ERP ${stamp}`)
  await page.getByTestId('webhook-url').fill('https://erp.example.com/hooks/aftercare')
  await page.locator('#webhook_events').fill('ticket.*')
  await page.keyboard.press('Enter')
  // close the events dropdown (it lies over the dialog's buttons) by focusing another field
  await page.getByTestId('webhook-name').click()
  await expect(page.locator('.ant-select-dropdown:visible')).toHaveCount(0)
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /确\s?定|OK/ })
    .click()
  // created: its secret is shown this once
  await expect(page.getByTestId('webhook-secret')).toContainText('whsec_')
  await page.getByTestId('secret-done').click()
  await expect(page.getByTestId('webhook-row').filter({ hasText: `ERP ${stamp}` })).toBeVisible()

  const type = await ensureTicketType(admin)
  const customers = await admin.get<{ items: { id: string }[] }>('/api/customers?limit=1')
  await admin.send('POST', '/api/webhooks/inbound-sources', {
    name: `电商订单 ${stamp}`,
    customerId: customers.items[0]!.id,
    typeId: type.id,
    mapping: { subject: '订单 {{order.id}}' },
  })
  await page.getByRole('tab', { name: '入站 Webhook' }).click()
  await page
    .getByTestId('inbound-row')
    .filter({ hasText: `电商订单 ${stamp}` })
    .getByTestId('inbound-edit')
    .click()
  await page.getByTestId('inbound-map-description').fill('')
  // pick the path from the field's dropdown; retried while the dropdown animates (a click on an
  // option still moving in can miss)
  await expect(async () => {
    if (!(await page.locator('.ant-select-dropdown:visible').count())) await page.getByTestId('inbound-path-description').click()
    await page.locator('.ant-select-dropdown:visible .ant-select-item-option', { hasText: 'order.remark' }).click({ timeout: 2000 })
    await expect(page.getByTestId('inbound-map-description')).toHaveValue('{{order.remark}}', { timeout: 1000 })
  }).toPass({ timeout: 20_000 })
  await page.getByTestId('inbound-test').click()
  await expect(page.getByTestId('inbound-draft-subject')).toHaveText('订单 TM20260506001')
  await expect(page.getByTestId('inbound-draft-description')).toHaveText('屏幕不亮')
})
