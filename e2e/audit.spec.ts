import { expect, test } from '@playwright/test'
import { demo, login } from './helpers.ts'

test('an administrator finds a change in the audit log and verifies the hash chain', async ({ page }) => {
  const team = `审计小组 ${Date.now().toString(36)}`
  await login(page, demo.admin)
  await page.goto('/admin/teams')
  await page.getByTestId('team-create').click()
  await page.getByTestId('team-name').fill(team)
  await page
    .locator('.ant-modal')
    .getByRole('button', { name: /保\s*存/ })
    .click()
  await expect(page.getByRole('cell', { name: team })).toBeVisible()

  await page.getByRole('menuitem', { name: '审计日志' }).click()
  await expect(page).toHaveURL(/\/admin\/audit$/)
  const action = page.getByPlaceholder('操作，如 ticket.created 或 ticket.')
  await action.fill('team.')
  await action.press('Enter')
  const row = page.locator('tr', { hasText: 'team.created' }).first()
  await expect(row).toBeVisible()
  await expect(row).toContainText('管理员 王敏')
  // the entry's after-image shows the new team's name
  await row.locator('.ant-table-row-expand-icon').click()
  await expect(page.locator('pre', { hasText: team })).toBeVisible()

  await page.getByTestId('audit-verify').click()
  await expect(page.getByTestId('audit-verify-result')).toContainText('哈希链完整')
})
