import { expect, type Page } from '@playwright/test'
import { DEMO_PASSWORD } from '../apps/api/src/seed.ts'

export { DEMO_PASSWORD }

export const demo = {
  admin: 'admin@demo.aftercare.local',
  supervisor: 'supervisor@demo.aftercare.local',
  agent1: 'agent1@demo.aftercare.local',
  agent2: 'agent2@demo.aftercare.local',
  dispatcher: 'dispatcher@demo.aftercare.local',
  engineer: 'engineer@demo.aftercare.local',
  warehouse: 'warehouse@demo.aftercare.local',
  customer: 'customer@demo.aftercare.local',
} as const

/** Fills the sign-in form (either language) and submits it. */
export async function submitLogin(page: Page, email: string, password = DEMO_PASSWORD, path = '/login') {
  if (!page.url().endsWith(path)) await page.goto(path)
  await page.locator('#login_email').fill(email)
  await page.locator('#login_password').fill(password)
  await page.getByTestId('login-submit').click()
}

/** Signs in and waits until the app has left the login page. */
export async function login(page: Page, email: string, password = DEMO_PASSWORD, path = '/login') {
  await submitLogin(page, email, password, path)
  await expect(page).not.toHaveURL(/\/login$/)
  await expect(page.getByTestId('user-menu').or(page.getByTestId('tab-/m'))).toBeVisible()
}

export async function logout(page: Page) {
  await page.getByTestId('user-menu').click()
  await page.getByTestId('menu-logout').click()
  await expect(page).toHaveURL(/\/login$/)
}
