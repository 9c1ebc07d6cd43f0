// The website form: an admin copies the snippet; pasted into a page of another site, it shows the
// form in a frame; a visitor's submission becomes a ticket with the channel "web_form".
import { expect, test } from '@playwright/test'
import { createServer } from 'node:http'
import { demo, login } from './helpers.ts'
import { apiAs, ensureTicketType } from './portal-fixtures.ts'

test('the website form snippet works on another site and creates a web_form ticket', async ({ page, browser, baseURL }) => {
  const admin = await apiAs(baseURL!)
  await ensureTicketType(admin)

  await login(page, demo.admin)
  await page.goto('/admin/web-form')
  const snippet = (await page.getByTestId('web-form-snippet').textContent())!.trim()
  expect(snippet).toMatch(/^<script src="[^"]+\/embed\/form\.js" data-tenant="demo" async><\/script>$/)
  await expect(page.frameLocator('[data-testid=web-form-preview]').locator('form#f')).toBeVisible()

  // the company's own website, on another origin (a server of its own), with the snippet pasted in
  const website = createServer((_req, res) => {
    res.setHeader('content-type', 'text/html; charset=utf-8')
    res.end(
      `<!doctype html><html><head><meta charset="utf-8"><title>Acme</title></head><body><h1>Acme 售后服务</h1>${snippet}</body></html>`,
    )
  })
  await new Promise<void>((resolve) => website.listen(0, '127.0.0.1', resolve))
  const address = website.address()
  const visitor = await browser.newContext()
  const site = await visitor.newPage()
  await site.goto(`http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/support`)
  const form = site.frameLocator('iframe[data-aftercare-form=demo]')
  const subject = `官网报修-${Date.now().toString(36)}`
  await form.locator('input[name=name]').fill('官网访客 周先生')
  await form.locator('input[name=email]').fill('zhou@visitor.example.com')
  await form.locator('input[name=subject]').fill(subject)
  await form.locator('textarea[name=description]').fill('家用空调遥控器无反应，更换电池无效。')
  // a person takes a few seconds to fill in a form; faster submissions are dropped as robots
  await site.waitForTimeout(3_100)
  await form.locator('button[type=submit]').click()
  const done = form.locator('#out.ok')
  await expect(done).toContainText(/SR-\d{4}-\d+/)
  const number = /SR-\d{4}-\d+/.exec((await done.textContent())!)![0]

  const found = await admin.get<{ items: { number: string; subject: string; channel: string }[] }>(
    `/api/tickets?q=${encodeURIComponent(subject)}&limit=5`,
  )
  expect(found.items).toEqual([expect.objectContaining({ number, subject, channel: 'web_form' })])
  await visitor.close()
  await new Promise<void>((resolve) => website.close(() => resolve()))
  await admin.close()
})
