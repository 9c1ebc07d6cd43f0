import { expect, test, type Page } from '@playwright/test'
import { DEMO_PASSWORD, demo, login, logout, submitLogin } from './helpers.ts'

/** Chooses a role in the (antd) roles select of the user form; retried while the dropdown animates. */
async function pickRole(page: Page, label: string) {
  const field = page.locator('.ant-form-item', { has: page.locator('#user_roles') })
  const chosen = field.locator('.ant-select-selection-item', { hasText: label })
  await expect(async () => {
    if ((await chosen.count()) === 0) {
      await page.locator('#user_roles').click()
      await page
        .locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option', { hasText: label })
        .click({ timeout: 2000 })
    }
    await expect(chosen).toHaveCount(1, { timeout: 1000 })
  }).toPass({ timeout: 15_000 })
  await page.locator('#user_name').click()
}

const unique = () => `${Date.now().toString(36)}${Math.floor(Math.random() * 1e4)}`

async function createUser(page: Page, email: string, name: string, password: string) {
  await page.goto('/admin/users')
  await page.getByTestId('user-create').click()
  await page.locator('#user_email').fill(email)
  await page.locator('#user_name').fill(name)
  await page.locator('#user_password').fill(password)
  await pickRole(page, '一线客服')
  await page.getByTestId('user-save').click()
  await expect(page.getByText(`已创建用户 ${name}`)).toBeVisible()
  await expect(page.getByTestId(`user-row-${email}`)).toBeVisible()
}

test('an administrator creates a user who then signs in', async ({ page }) => {
  const email = `e2e-${unique()}@example.com`
  const name = '新同事 林晓'
  const password = 'Welcome to Aftercare 1'
  await login(page, demo.admin)

  // The API's field errors land on the form: a duplicate email.
  await page.goto('/admin/users')
  await page.getByTestId('user-create').click()
  await page.locator('#user_email').fill(demo.agent1)
  await page.locator('#user_name').fill('重复')
  await page.locator('#user_password').fill(password)
  await pickRole(page, '一线客服')
  await page.getByTestId('user-save').click()
  await expect(page.getByText('该邮箱已被其他用户使用')).toBeVisible()
  await page.keyboard.press('Escape')

  await createUser(page, email, name, password)
  await page.getByTestId('users-search').locator('input').fill('林晓')
  await page.getByTestId('users-search').locator('input').press('Enter')
  await expect(page.getByTestId(`user-row-${email}`)).toBeVisible()
  await expect(page.getByTestId(`user-row-${demo.agent1}`)).toHaveCount(0)
  await logout(page)

  await login(page, email, password)
  await expect(page.getByRole('heading', { name: `您好，${name}` })).toBeVisible()
  await expect(page.getByRole('menuitem', { name: '系统管理' })).toHaveCount(0)
})

test('a disabled user cannot sign in, and their open session ends', async ({ page, browser }) => {
  const email = `e2e-off-${unique()}@example.com`
  const password = 'Soon disabled 12'
  await login(page, demo.admin)
  await createUser(page, email, '临时 用户', password)

  const theirs = await browser.newContext()
  const their = await theirs.newPage()
  await login(their, email, password)
  await expect(their.getByRole('heading', { name: '您好，临时 用户' })).toBeVisible()

  await page.getByTestId(`user-more-${email}`).click()
  await page.getByTestId('user-disable').click()
  await page
    .getByRole('button', { name: '停 用' })
    .or(page.getByRole('button', { name: '停用' }))
    .click()
  await expect(page.getByText('已停用 临时 用户')).toBeVisible()
  await expect(page.getByTestId(`user-row-${email}`).locator('xpath=ancestor::tr')).toContainText('已停用')

  // The open session is gone, and the open page knows it without a reload (RELIABILITY B-WS: ≤ 5 s).
  await expect(their).toHaveURL(/\/login$/, { timeout: 5_000 })
  await submitLogin(their, email, password)
  await expect(their.getByTestId('login-error')).toContainText('此账号已被停用')
  await theirs.close()

  // Enabled again, the user can sign in.
  await page.getByTestId(`user-more-${email}`).click()
  await page.getByTestId('user-enable').click()
  await expect(page.getByText('已启用 临时 用户')).toBeVisible()
  const again = await browser.newContext()
  const p3 = await again.newPage()
  await login(p3, email, password)
  await again.close()
  expect(DEMO_PASSWORD).not.toBe(password)
})

test('saving over someone else’s change is refused with a clear message', async ({ page, context }) => {
  const email = `e2e-edit-${unique()}@example.com`
  await login(page, demo.admin)
  await createUser(page, email, '编辑 测试', 'Edit me please 1')

  const other = await context.newPage()
  await other.goto('/admin/users')
  await other.getByTestId(`user-edit-${email}`).click()
  await expect(other.locator('#user_name')).toHaveValue('编辑 测试')

  await page.getByTestId(`user-edit-${email}`).click()
  await page.locator('#user_name').fill('编辑 测试 甲')
  await page.getByTestId('user-save').click()
  await expect(page.getByText('已保存')).toBeVisible()

  await other.locator('#user_name').fill('编辑 测试 乙')
  await other.getByTestId('user-save').click()
  await expect(other.getByTestId('stale-alert')).toContainText('该记录已被其他人修改，请重新加载后再试')
  await other.getByTestId('stale-alert').getByRole('button').click()
  await expect(other.locator('#user_name')).toHaveValue('编辑 测试 甲')
  await other.locator('#user_name').fill('编辑 测试 乙')
  await other.getByTestId('user-save').click()
  await expect(other.getByText('已保存')).toBeVisible()
  await expect(other.getByTestId(`user-row-${email}`)).toHaveText('编辑 测试 乙')
})

test('an administrator creates a team', async ({ page }) => {
  const team = `华东服务组 ${unique()}`
  await login(page, demo.admin)
  await page.getByRole('menuitem', { name: '系统管理' }).click()
  await page.getByRole('menuitem', { name: '团队管理' }).click()
  await expect(page).toHaveURL(/\/admin\/teams$/)
  await page.getByTestId('team-create').click()
  await page.locator('#team_name').fill(team)
  await page.locator('#team_description').fill('上海、江苏、浙江的上门服务')
  await page.getByRole('button', { name: /保\s?存/ }).click()
  const row = page.getByRole('row', { name: new RegExp(team) })
  await expect(row).toContainText('上海、江苏、浙江的上门服务')
  await expect(row).toContainText('0')
})
