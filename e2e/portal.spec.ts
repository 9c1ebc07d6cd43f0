// The customer portal end to end: a customer contact signs in with a one-time code sent by SMS,
// submits a request with an attachment; an agent in another browser sees it appear in the
// workbench list without reloading, assigns it to themself, replies publicly and resolves it; the
// customer sees the reply and confirms the resolution, the request is closed and its PDF service
// report (服务报告) is attached and downloads as application/pdf.
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

test('portal: code sign-in, request with attachment, live in the workbench, assigned, answered, resolved, confirmed, closed with a PDF service report', async ({
  page,
  browser,
}) => {
  // three browsers' worth of steps, then the worker renders and attaches the PDF report
  test.setTimeout(240_000)
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

  // on close a worker listener renders the service report (服务报告) and attaches it: poll the
  // customer's attachment list until it is there, then the page lists it and it downloads as a PDF
  const ticketId = new URL(page.url()).pathname.split('/').pop()!
  const reportName = `服务报告-${number}.pdf`
  await expect
    .poll(
      async () => {
        const res = await page.request.get(`/api/tickets/${ticketId}/attachments`)
        return res.ok() ? ((await res.json()) as { items: { fileName: string }[] }).items.map((a) => a.fileName) : []
      },
      { timeout: 60_000, message: 'the service report is attached after close' },
    )
    .toContain(reportName)
  await page.reload()
  const report = page.getByTestId('attachment-row').filter({ hasText: reportName })
  await expect(report).toBeVisible()
  const href = await report.getByRole('link', { name: reportName }).getAttribute('href')
  const pdf = await page.request.get(href!)
  expect(pdf.status()).toBe(200)
  expect(pdf.headers()['content-type']).toMatch(/^application\/pdf/)
  expect((await pdf.body()).subarray(0, 5).toString('latin1')).toBe('%PDF-')
})

/** A 1×1 PNG. */
function tinyPng() {
  return Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64')
}

test("portal: a contact sees only their organisation's requests, replies, and reopens a resolved one", async ({ page, baseURL }) => {
  const tag = Date.now().toString(36)
  const admin = await apiAs(baseURL!)
  const type = await ensureTicketType(admin)
  const customers = await admin.get<{ items: { id: string; name: string }[] }>('/api/customers?limit=5')
  const own = customers.items.find((c) => c.name === '华东精密制造有限公司')!
  const other = customers.items.find((c) => c.id !== own.id)!
  const agent = (await admin.get<{ items: { id: string; email: string }[] }>(`/api/users?q=${encodeURIComponent(demo.agent2)}`)).items[0]!
  const create = (customerId: string, subject: string) =>
    admin.send<{ id: string }>('POST', '/api/tickets', { subject, description: '由管理员代客户登记', customerId, typeId: type.id })
  await create(own.id, `本公司的开放请求-${tag}`)
  const foreign = await create(other.id, `别家公司的请求-${tag}`)
  const resolved = await create(own.id, `本公司的已解决请求-${tag}`)
  await admin.send('POST', `/api/tickets/${resolved.id}/assign`, { assigneeId: agent.id })
  await admin.send('POST', `/api/tickets/${resolved.id}/transition`, { to: 'in_progress' })
  await admin.send('POST', `/api/tickets/${resolved.id}/transition`, {
    to: 'resolved',
    resolution: { cause: '滤网堵塞', actions: '更换滤网' },
  })
  await admin.close()

  await login(page, demo.customer, undefined, '/portal/login')
  await expect(page.getByText(`本公司的开放请求-${tag}`)).toBeVisible()
  await expect(page.getByText(`别家公司的请求-${tag}`)).toHaveCount(0)
  // another organisation's request is not found, even by its address
  await page.goto(`/portal/tickets/${foreign.id}`)
  await expect(page.locator('.ant-result-404')).toBeVisible()
  await expect(page.getByText(`别家公司的请求-${tag}`)).toHaveCount(0)

  // the resolved one: the customer replies, then says it is not fixed and reopens it
  await page.goto(`/portal/tickets/${resolved.id}`)
  await expect(page.getByTestId('portal-resolved')).toContainText('滤网堵塞')
  await page.getByTestId('portal-reply-input').fill('更换后第二天又出现同样的报警。')
  await page.getByTestId('portal-reply-send').click()
  await expect(page.getByTestId('message-public').filter({ hasText: '更换后第二天又出现同样的报警。' })).toBeVisible()
  await page.getByTestId('portal-reopen').first().click()
  await page.getByTestId('reopen-reason').fill('问题仍然存在')
  await page.locator('.ant-modal-footer .ant-btn-primary').click()
  await expect(page.getByTestId('portal-resolved')).toHaveCount(0)
  await expect(page.getByTestId('portal-reply-input')).toBeVisible()
})
