import { expect, test } from '@playwright/test'
import { generate } from 'otplib'
import { DEMO_PASSWORD, demo, login, logout, submitLogin } from './helpers.ts'

const now = () => Math.floor(Date.now() / 1000)

test('enrols two-step verification and signs in with a code', async ({ page }) => {
  await login(page, demo.agent2)
  await page.goto('/profile')
  await expect(page.getByTestId('totp-status')).toHaveText('未开启')
  // the password is asked again before a new authenticator is bound
  await page.getByTestId('totp-start-password').fill('not my password')
  await page.getByTestId('totp-start').click()
  await expect(page.getByText('密码不正确')).toBeVisible()
  await page.getByTestId('totp-start-password').fill(DEMO_PASSWORD)
  await page.getByTestId('totp-start').click()
  await expect(page.getByTestId('totp-qr')).toBeVisible()
  expect(await page.getByTestId('totp-qr').getAttribute('src')).toMatch(/^data:image\/png;base64,/)
  const secret = (await page.getByTestId('totp-secret').innerText()).trim()
  expect(secret).toMatch(/^[A-Z2-7]{16,}$/)

  await page.getByTestId('totp-confirm-code').fill('000000')
  await page.getByTestId('totp-confirm').click()
  await expect(page.getByText('验证码错误或已被使用')).toBeVisible()

  await page.getByTestId('totp-confirm-code').fill(await generate({ secret, epoch: now() }))
  await page.getByTestId('totp-confirm').click()
  await expect(page.getByTestId('totp-status')).toHaveText('已开启')
  await logout(page)

  // Password alone is not enough any more.
  await submitLogin(page, demo.agent2)
  await expect(page.getByText('此账号已开启两步验证')).toBeVisible()
  await page.getByTestId('totp-input').fill('123456')
  await page.getByTestId('totp-submit').click()
  await expect(page.getByTestId('login-error')).toHaveText('验证码错误或已被使用，请等待下一个验证码')
  await expect(page.getByTestId('totp-input')).toHaveValue('')
  // The enrolment used this period's code (codes are single-use): the next period's is accepted.
  await page.getByTestId('totp-input').fill(await generate({ secret, epoch: now() + 30 }))
  await page.getByTestId('totp-submit').click()
  await expect(page.getByRole('heading', { name: '您好，二线支持 刘洋' })).toBeVisible()
})
