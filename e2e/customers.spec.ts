// Customers in the browser: a CSV import with one bad row (that row and field reported, nothing
// imported), the corrected file imported; phones masked in the list and revealed in full on the
// customer page by a role that may (the reveal is confirmed in a dialog and audited).
import { expect, test, type Page } from '@playwright/test'
import { demo, login, logout } from './helpers.ts'

const header = '客户编号,客户名称,客户等级'

function csvFile(rows: string[]) {
  return { name: '客户.csv', mimeType: 'text/csv', buffer: Buffer.from('\uFEFF' + [header, ...rows].join('\r\n')) }
}

async function search(page: Page, text: string) {
  const input = page.getByTestId('customers-search').locator('input')
  await input.fill(text)
  await input.press('Enter')
}

test('a CSV import with one bad row reports that row and field and imports nothing; the corrected file imports', async ({ page }) => {
  await login(page, demo.admin)
  await page.goto('/customers')
  await page.getByTestId('customers-import').click()
  const dialog = page.locator('.ant-modal')
  await dialog
    .locator('input[type=file]')
    .setInputFiles(csvFile(['E2E-001,浏览器导入甲公司,金牌', 'E2E-002,,银牌', 'E2E-003,浏览器导入丙公司,标准']))
  await page.getByTestId('import-preview').click()

  await expect(page.getByTestId('import-errors-alert')).toBeVisible()
  const errors = page.getByTestId('import-errors').locator('tbody tr')
  await expect(errors).toHaveCount(1)
  // the header is row 1: the second data row is row 3
  await expect(errors.first().locator('td').nth(0)).toHaveText('3')
  await expect(errors.first().locator('td').nth(1)).toHaveText('客户名称')
  await expect(page.getByTestId('import-commit')).toBeDisabled()

  await page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)
  await search(page, 'E2E-00')
  await expect(page.getByText('没有符合条件的客户')).toBeVisible()

  await page.getByTestId('customers-import').click()
  await dialog
    .locator('input[type=file]')
    .setInputFiles(csvFile(['E2E-001,浏览器导入甲公司,金牌', 'E2E-002,浏览器导入乙公司,银牌', 'E2E-003,浏览器导入丙公司,标准']))
  await page.getByTestId('import-preview').click()
  await expect(page.getByTestId('import-commit')).toBeEnabled()
  await expect(page.getByTestId('import-errors-alert')).toHaveCount(0)
  await page.getByTestId('import-commit').click()
  await expect(dialog.locator('.ant-result-success')).toBeVisible()
  await page.keyboard.press('Escape')
  await expect(dialog).toHaveCount(0)

  await search(page, 'E2E-00')
  await expect(page.getByTestId('customer-row-E2E-001')).toHaveText('浏览器导入甲公司')
  await expect(page.getByTestId('customer-row-E2E-002')).toHaveText('浏览器导入乙公司')
  await expect(page.getByTestId('customer-row-E2E-003')).toHaveText('浏览器导入丙公司')
})

test('lists customers with masked phones; a supervisor reveals them in full on the customer page, an agent cannot', async ({ page }) => {
  await login(page, demo.agent1)
  await page.goto('/customers')
  await search(page, 'C0001')
  await page.getByTestId('customer-row-C0001').click()
  await expect(page.getByTestId('customer-title')).toHaveText('华东精密制造有限公司')
  await expect(page.getByTestId('contacts-table').getByText('138****0009')).toBeVisible()
  await expect(page.getByTestId('customer-reveal')).toHaveCount(0)
  await logout(page)

  await login(page, demo.supervisor)
  await page.getByTestId('nav-/customers').click()
  await search(page, 'C0001')
  const row = page.getByTestId('customer-row-C0001')
  await expect(row).toHaveText('华东精密制造有限公司')
  await expect(page.getByText('吴娜 138****0009')).toBeVisible()
  await expect(page.getByText('13800000009')).toHaveCount(0)
  await row.click()
  await expect(page.getByTestId('customer-title')).toHaveText('华东精密制造有限公司')
  const contacts = page.getByTestId('contacts-table')
  await expect(contacts.getByText('138****0009')).toBeVisible()
  await expect(contacts.getByText('13800000009')).toHaveCount(0)

  await page.getByTestId('customer-reveal').click()
  const confirm = page.locator('.ant-modal-confirm')
  await expect(confirm).toContainText('查看完整的电话、邮箱和地址？')
  await confirm.locator('.ant-modal-confirm-btns .ant-btn-primary').click()
  await expect(contacts.getByText('13800000009')).toBeVisible()
  await expect(page.getByText('本次查看已记入审计日志')).toBeVisible()
  await expect(page.getByTestId('customer-reveal')).toHaveCount(0)
})
