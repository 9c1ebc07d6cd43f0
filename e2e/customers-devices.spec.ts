// Customers and devices in the browser: masked phones and the audited reveal, a CSV import with
// one bad row (that row is reported, nothing is imported), and scanning a device label on a phone.
import { expect as baseExpect, test } from '@playwright/test'
import { demo, login } from './helpers.ts'

// Pages here load lazily with the area data; on a busy CI machine that takes a while.
test.describe.configure({ timeout: 180_000 })
const expect = baseExpect.configure({ timeout: 30_000 })

test('lists customers with masked phones; a supervisor reveals them in full on the customer page', async ({ page }) => {
  await login(page, demo.supervisor)
  await page.getByTestId('nav-/customers').click()
  await page.getByTestId('customers-search').locator('input').fill('C0001')
  await page.getByTestId('customers-search').locator('input').press('Enter')
  const row = page.getByTestId('customer-row-C0001')
  await expect(row).toHaveText('华东精密制造有限公司')
  await expect(page.getByText('吴娜 138****0009')).toBeVisible()
  await row.click()
  await expect(page.getByTestId('customer-title')).toHaveText('华东精密制造有限公司')
  const contacts = page.getByTestId('contacts-table')
  await expect(contacts.getByText('138****0009')).toBeVisible()
  await expect(contacts.getByText('13800000009')).toHaveCount(0)
  await page.getByTestId('customer-reveal').click()
  await page
    .getByRole('button', { name: '确 定' })
    .or(page.getByRole('button', { name: '确定' }))
    .click()
  await expect(contacts.getByText('13800000009')).toBeVisible()
  await expect(page.getByText('本次查看已记入审计日志')).toBeVisible()
})

test('a CSV import with one bad row reports that row and imports nothing', async ({ page }) => {
  await login(page, demo.admin)
  await page.goto('/customers')
  await page.getByTestId('customers-import').click()
  const csv = ['客户编号,客户名称,客户等级', 'E2E-001,浏览器导入甲公司,金牌', 'E2E-002,,银牌', 'E2E-003,浏览器导入丙公司,标准'].join('\r\n')
  await page
    .locator('.ant-modal input[type=file]')
    .setInputFiles({ name: '客户.csv', mimeType: 'text/csv', buffer: Buffer.from('\uFEFF' + csv) })
  await page.getByTestId('import-preview').click()
  await expect(page.getByTestId('import-errors-alert')).toBeVisible()
  const errors = page.getByTestId('import-errors')
  await expect(errors.locator('tbody tr')).toHaveCount(1)
  await expect(errors.locator('tbody tr').first()).toContainText('3')
  await expect(errors.locator('tbody tr').first()).toContainText('客户名称')
  await expect(page.getByTestId('import-commit')).toBeDisabled()
  await page.keyboard.press('Escape')
  await page.getByTestId('customers-search').locator('input').fill('E2E-00')
  await page.getByTestId('customers-search').locator('input').press('Enter')
  await expect(page.getByText('没有符合条件的客户')).toBeVisible()
})

test('scanning a device label on a phone opens the pre-filled report form; a tampered label gets its own page', async ({
  page,
  browser,
}) => {
  await login(page, demo.admin)
  const list = await (await page.request.get('/api/devices?q=C0001&limit=1')).json()
  const device = list.items[0] as { id: string; serialNumber: string }
  const qr = await (await page.request.get(`/api/devices/${device.id}/qr`)).json()
  await page.goto(`/devices/${device.id}`)
  await expect(page.getByTestId('device-title')).toHaveText(device.serialNumber)
  await expect(page.getByTestId('device-qr-url')).toHaveText(qr.url)

  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, locale: 'zh-CN' })
  const mobile = await phone.newPage()
  await mobile.goto(`/q/${qr.token}`)
  await expect(mobile.getByTestId('qr-device')).toContainText(device.serialNumber)
  await expect(mobile.getByTestId('qr-device')).toContainText('华东******公司')
  await mobile.getByTestId('qr-option-0').click()
  await mobile.getByTestId('qr-send-code').click()
  await expect(mobile.getByText(/验证码已发送至 138\*\*\*\*0009/)).toBeVisible()
  await mobile.getByTestId('qr-code-input').fill('000000')
  await mobile.getByTestId('qr-verify').click()
  await expect(mobile.locator('.ant-form-item-explain-error')).toHaveText('验证码不正确')
  await expect(mobile.getByTestId('qr-subject')).toHaveCount(0)

  const tampered = qr.token.slice(0, -1) + (qr.token.endsWith('A') ? 'B' : 'A')
  await mobile.goto(`/q/${tampered}`)
  await expect(mobile.getByTestId('qr-bad-invalid')).toContainText('二维码无效')
  await phone.close()
})
