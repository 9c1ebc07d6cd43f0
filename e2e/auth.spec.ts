import { expect, test, type Page } from '@playwright/test'
import { demo, login, logout, submitLogin } from './helpers.ts'

/** A navigation entry by its exact label (the accessible name starts with the icon's: "inbox 工单"). */
const menuItem = (page: Page, label: string) => page.getByRole('menuitem', { name: new RegExp(`(^|\\s)${label}$`) })

test('signs in with the Chinese interface by default', async ({ page }) => {
  await page.goto('/')
  await expect(page).toHaveURL(/\/login$/)
  await expect(page.getByRole('heading', { name: '登录 Aftercare' })).toBeVisible()
  await expect(page.getByText('售后服务与客户服务平台')).toBeVisible()
  await login(page, demo.admin)
  await expect(page.getByRole('heading', { name: '您好，管理员 王敏' })).toBeVisible()
  await expect(page.getByTestId('tenant-name')).toHaveText('演示企业')
  for (const item of ['工作台', '工单', '派工调度', '备件', '返修 RMA', '知识库', '报表', '系统管理'])
    await expect(menuItem(page, item)).toBeVisible()
  await menuItem(page, '工单').click()
  await expect(page.getByRole('heading', { name: '工单' })).toBeVisible()
  await expect(page).toHaveURL(/\/tickets$/)
  // Pages not built yet say what they will hold.
  await menuItem(page, '备件').click()
  await expect(page.getByText('这里将显示备件库存')).toBeVisible()
})

test('a wrong password is refused with a message in Chinese', async ({ page }) => {
  await submitLogin(page, demo.dispatcher, 'not-the-password')
  await expect(page.getByTestId('login-error')).toContainText('邮箱或密码错误')
  await expect(page).toHaveURL(/\/login$/)
})

test('navigation follows the role: an agent sees no administration', async ({ page }) => {
  await login(page, demo.agent1)
  await expect(menuItem(page, '工单')).toBeVisible()
  await expect(menuItem(page, '系统管理')).toHaveCount(0)
  await expect(menuItem(page, '报表')).toHaveCount(0)
  await page.goto('/admin/users')
  await expect(page.getByText('无权访问此页面')).toBeVisible()
})

/** Picks a language in the header menu; retried while the menu animates open (a click then may miss). */
async function chooseLanguage(page: Page, locale: 'zh-CN' | 'en-US', workbenchLabel: string) {
  await expect(async () => {
    if (!(await page.getByTestId(`locale-${locale}`).isVisible())) await page.getByTestId('language-switch').click()
    await page.getByTestId(`locale-${locale}`).click({ timeout: 2_000 })
    await expect(menuItem(page, workbenchLabel)).toBeVisible({ timeout: 3_000 })
  }).toPass({ timeout: 30_000 })
}

test('English, once chosen, stays after signing out and in, also in another browser', async ({ page, browser }) => {
  await login(page, demo.supervisor)
  await chooseLanguage(page, 'en-US', 'Workbench')
  await expect(page.getByRole('heading', { name: 'Hello, 主管 李强' })).toBeVisible()
  await expect(page.getByText('工作台')).toHaveCount(0)

  await logout(page)
  await expect(page.getByRole('heading', { name: 'Sign in to Aftercare' })).toBeVisible()
  await login(page, demo.supervisor)
  await expect(page.getByRole('menuitem', { name: 'Tickets' })).toBeVisible()

  // A fresh browser starts in Chinese and switches to the user's saved language on sign-in.
  const other = await browser.newContext()
  const page2 = await other.newPage()
  await page2.goto('/login')
  await expect(page2.getByRole('heading', { name: '登录 Aftercare' })).toBeVisible()
  await login(page2, demo.supervisor)
  await expect(page2.getByRole('menuitem', { name: 'Workbench' })).toBeVisible()
  await page2.goto('/profile')
  await expect(page2.getByRole('heading', { name: 'My profile' })).toBeVisible()
  // Back to Chinese: the language is the supervisor's own setting, which other tests sign in with.
  await chooseLanguage(page2, 'zh-CN', '工作台')
  await expect(page2.getByRole('heading', { name: '个人设置' })).toBeVisible()
  await other.close()
})

test('each kind of user lands in their own shell', async ({ page }) => {
  await login(page, demo.customer)
  await expect(page).toHaveURL(/\/portal$/)
  await expect(page.getByRole('heading', { name: '我的服务请求' })).toBeVisible()
  // The staff app sends a customer back to the portal.
  await page.goto('/admin/users')
  await expect(page).toHaveURL(/\/portal$/)
  await logout(page)

  await page.goto('/m/login')
  await expect(page.getByRole('heading', { name: '工程师登录' })).toBeVisible()
  await login(page, demo.engineer, undefined, '/m/login')
  await expect(page).toHaveURL(/\/m$/)
  await expect(page.getByText('分派给您的上门服务任务将显示在这里')).toBeVisible()
  await page.goto('/')
  await expect(page).toHaveURL(/\/m$/)
})
