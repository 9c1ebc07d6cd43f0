import { expect, test } from '@playwright/test'
import { demo, login } from './helpers.ts'

test('an API token is shown once, works, and stops working when revoked', async ({ page, request }) => {
  await login(page, demo.warehouse)
  await page.goto('/profile')
  await page.getByTestId('token-create').click()
  await page.locator('#token_name').fill('库存同步')
  await page.locator('#token_scopes').click()
  await page.locator('.ant-select-item-option-content', { hasText: '查看备件' }).click()
  await page.locator('#token_name').click()
  await page
    .getByRole('dialog')
    .getByRole('button', { name: /创\s?建/ })
    .click()
  const token = (await page.getByTestId('token-value').innerText()).trim()
  expect(token).toMatch(/^ac_/)
  await expect(page.getByText('关闭后将无法再次查看')).toBeVisible()
  await page.getByRole('button', { name: '我已保存' }).click()
  await expect(page.getByTestId('token-value')).toBeHidden()

  const me = await request.get('/api/auth/me', { headers: { authorization: `Bearer ${token}` } })
  expect(me.status()).toBe(200)
  expect((await me.json()).email).toBe(demo.warehouse)

  await page
    .getByRole('row', { name: /库存同步/ })
    .getByRole('button', { name: /吊\s?销/ })
    .click()
  await page
    .getByRole('tooltip')
    .getByRole('button', { name: /确\s?定/ })
    .click()
  await expect(page.getByRole('row', { name: /库存同步/ })).toContainText('已吊销')
  const after = await request.get('/api/auth/me', { headers: { authorization: `Bearer ${token}` } })
  expect(after.status()).toBe(401)
})

test('changing the password keeps this session and the new password signs in', async ({ page, browser }) => {
  await login(page, demo.dispatcher)
  await page.goto('/profile')
  await page.locator('#changePassword_currentPassword').fill('wrong password')
  await page.locator('#changePassword_newPassword').fill('A brand new passphrase')
  await page.locator('#changePassword_confirm').fill('A brand new passphrase')
  await page.getByRole('button', { name: '修改密码' }).click()
  await expect(page.getByText('当前密码不正确')).toBeVisible()

  await page.locator('#changePassword_currentPassword').fill('Aftercare#2026')
  await page.getByRole('button', { name: '修改密码' }).click()
  await expect(page.getByText('密码已修改')).toBeVisible()
  await page.reload()
  await expect(page.getByRole('heading', { name: '个人设置' })).toBeVisible()

  const other = await browser.newContext()
  const p2 = await other.newPage()
  await login(p2, demo.dispatcher, 'A brand new passphrase')
  await other.close()
})
