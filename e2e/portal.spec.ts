// The customer portal end to end: a customer contact signs in with a one-time code sent by SMS,
// submits a request with an attachment; an agent in another browser sees it appear in the
// workbench list without reloading, assigns it to themself, replies publicly and resolves it; the
// customer sees the reply and confirms the resolution, and the request is closed.
import { expect, test } from '@playwright/test'
import { demo, login } from './helpers.ts'
import { apiAs, ensureTicketType, startFakeSms, useFakeSms, type FakeSms } from './portal-fixtures.ts'

const CUSTOMER_MOBILE = '13800000009'
let sms: FakeSms

test.beforeAll(async ({ baseURL }) => {
  sms = await startFakeSms()
  const admin = await apiAs(baseURL!)
  await useFakeSms(admin, sms)
  await ensureTicketType(admin)
  await admin.close()
})
test.afterAll(async () => sms?.close())

test('portal: code sign-in, request with attachment, live in the workbench, assigned, answered, resolved, confirmed and closed', async ({
  page,
  browser,
}) => {
  const subject = `冷库温度报警-${Date.now().toString(36)}`

  // the agent watches the unassigned tab of the workbench list
  const agentContext = await browser.newContext()
  const agent = await agentContext.newPage()
  await login(agent, demo.agent2)
  await agent.goto('/workbench')
  await agent.getByTestId('tab-unassigned').click()
  await expect(agent.getByTestId('tab-unassigned')).toBeVisible()

  // the customer signs in with a code sent to their mobile
  await page.goto('/portal/login')
  await page.getByTestId('login-tab-code').click()
  await page.getByTestId('otp-target').fill(CUSTOMER_MOBILE)
  const before = sms.messages.length
  await page.getByTestId('otp-send').click()
  await expect(page.getByTestId('otp-sent')).toContainText('138****0009')
  const code = await sms.codeAfter(before, CUSTOMER_MOBILE)
  await page.getByTestId('otp-code').fill(code)
  await page.getByTestId('otp-submit').click()
  await expect(page).toHaveURL(/\/portal$/)

  // …and submits a request with a photo of the alarm
  await page.getByTestId('portal-new').click()
  await page.getByTestId('portal-type').click()
  await page.locator('.ant-select-dropdown:visible .ant-select-item-option').first().click()
  await page.getByTestId('portal-subject').fill(subject)
  await page.getByTestId('portal-description').fill('3 号冷库温度持续高于设定值，面板显示 E7。')
  await page.locator('input[type=file]').first().setInputFiles({ name: '报警面板.png', mimeType: 'image/png', buffer: tinyPng() })
  await page.getByTestId('portal-submit').click()
  await expect(page).toHaveURL(/\/portal\/tickets\/[0-9a-f-]{36}$/)
  const number = (await page.getByTestId('ticket-number').textContent())!.trim()
  await expect(page.getByTestId('attachment-row')).toContainText('报警面板.png')

  // the agent sees it arrive without reloading, and takes it
  const row = agent.getByTestId(`ticket-row-${number}`)
  await expect(row).toBeVisible()
  await row.getByTestId('ticket-link').click()
  await expect(agent.getByTestId('ticket-subject')).toHaveText(subject)
  await agent.getByTestId('ticket-assign').click()
  const assign = agent.locator('.ant-modal').filter({ has: agent.getByTestId('assign-user') })
  await assign.getByTestId('assign-user').click()
  await agent.locator('.ant-select-dropdown:visible .ant-select-item-option').filter({ hasText: '刘洋' }).first().click()
  await assign.locator('.ant-modal-footer .ant-btn-primary').click()
  await expect(assign).toHaveCount(0)

  // replies publicly…
  const answer = '您好，已远程查看，压缩机保护动作，工程师将于今天下午到场处理。'
  await agent.getByTestId('mode-public').click()
  await agent.getByTestId('composer-input').fill(answer)
  await agent.getByTestId('composer-send').click()
  await expect(agent.getByTestId('message-public').filter({ hasText: answer })).toBeVisible()

  // …starts work on it and resolves it with the resolution notes
  await agent.getByTestId('ticket-status-menu').click()
  await agent.getByTestId('move-in_progress').click()
  const start = agent.locator('.ant-modal:visible')
  await start.locator('.ant-modal-footer .ant-btn-primary').click()
  await expect(start).toHaveCount(0)
  await agent.getByTestId('ticket-status-menu').click()
  await agent.getByTestId('move-resolved').click()
  await agent.getByTestId('resolution-cause').fill('压缩机过载保护')
  await agent.getByTestId('resolution-actions').fill('清洁冷凝器，复位保护器，温度恢复正常')
  await agent.locator('.ant-modal-footer .ant-btn-primary').click()
  await expect(agent.getByTestId('resolution')).toContainText('压缩机过载保护')

  // the customer sees the reply and the resolution, and confirms
  await expect(page.getByTestId('message-public').filter({ hasText: answer })).toBeVisible()
  await expect(page.getByTestId('portal-resolved')).toContainText('压缩机过载保护')
  await page.getByTestId('portal-confirm').click()
  await expect(page.getByText('已关闭').first()).toBeVisible()
  await expect(page.getByTestId('portal-reply-input')).toHaveCount(0)

  // the agent's open ticket follows: closed
  await expect(agent.getByTestId('ticket-detail').getByText('已关闭').first()).toBeVisible()
  await agentContext.close()
})

/** A 1×1 PNG. */
function tinyPng() {
  return Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
}
