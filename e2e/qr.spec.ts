// Scanning a device's QR label on a phone: the page shows the device pre-filled, the reporter
// verifies with a one-time code sent by SMS to the owner's contact, reports the fault, and the
// ticket is created and linked to the device. A tampered label is refused with a clear page.
import { expect, test } from '@playwright/test'
import { apiAs, ensureTicketType, startFakeSms, useFakeSms, type Api, type FakeSms } from './portal-fixtures.ts'

test.use({ viewport: { width: 375, height: 812 }, hasTouch: true })

let sms: FakeSms
let admin: Api
let device: { id: string; serialNumber: string; product: { model: string } }
let token: string

test.beforeAll(async ({ baseURL }) => {
  sms = await startFakeSms()
  admin = await apiAs(baseURL!)
  await useFakeSms(admin, sms)
  await ensureTicketType(admin)
  const devices = await admin.get<{ items: (typeof device)[] }>('/api/devices?q=华东精密&limit=1')
  device = devices.items[0]!
  token = (await admin.get<{ token: string }>(`/api/devices/${device.id}/qr`)).token
})
test.afterAll(async () => {
  await admin?.close()
  await sms?.close()
})

test('QR scan on a phone: device pre-filled, code by SMS, report becomes a ticket linked to the device', async ({ page }) => {
  const subject = `扫码报修-${Date.now().toString(36)}`
  await page.goto(`/q/${token}`)
  const card = page.getByTestId('qr-device')
  await expect(card).toContainText(device.serialNumber)
  await expect(card).toContainText(device.product.model)
  // the page fits the phone: nothing wider than the screen
  expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(375)

  await page.getByTestId('qr-option-0').click()
  const before = sms.messages.length
  await page.getByTestId('qr-send-code').click()
  const code = await sms.codeAfter(before)
  await page.getByTestId('qr-code-input').fill(code)
  await page.getByTestId('qr-verify').click()

  await page.getByTestId('qr-subject').fill(subject)
  await page.getByTestId('qr-description').fill('设备运行时有异常噪音，显示屏偶尔黑屏。')
  await page.getByTestId('qr-submit').click()
  await expect(page.getByTestId('qr-done')).toBeVisible()

  const tickets = await admin.get<{ items: { number: string; subject: string; channel: string }[] }>(
    `/api/tickets?deviceId=${device.id}&tab=all&limit=20`,
  )
  const ticket = tickets.items.find((t) => t.subject === subject)
  expect(ticket, 'the report is a ticket of this device').toBeTruthy()
  expect(ticket!.channel).toBe('qr')
  await expect(page.getByTestId('qr-done')).toContainText(ticket!.number)
})

test('a tampered QR link is refused with a clear page', async ({ page }) => {
  const tampered = `${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`
  await page.goto(`/q/${tampered}`)
  await expect(page.getByTestId('qr-bad-invalid')).toBeVisible()
  await expect(page.getByTestId('qr-device')).toHaveCount(0)
})
