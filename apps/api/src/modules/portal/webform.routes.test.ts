import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTenant, loginAs, type Client, type TestTenant } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'

let rt: TestRuntime
let tenant: TestTenant
let admin: Client
let org: { id: string }

let ipSeq = 0
const ip = () => ({ 'x-forwarded-for': `10.1.0.${++ipSeq}` })

const webFormTickets = async () =>
  rt.database.query<{
    id: string
    number: string
    customer_id: string
    requester_name: string
    requester_email: string | null
    subject: string
  }>(
    "select id, number, customer_id, requester_name, requester_email, subject from tickets where tenant_id = $1 and channel = 'web_form' order by created_at",
    [tenant.id],
  )

/** Renders the form (as the embed script's frame does) and returns its signed token. */
async function render(): Promise<string> {
  const page = await rt.app.inject({ method: 'GET', url: `/api/public/forms/${tenant.slug}/embed?lang=zh-CN` })
  expect(page.statusCode).toBe(200)
  return /data-token="([^"]+)"/.exec(page.body)![1]!
}

const submit = (body: Record<string, unknown>, headers: Record<string, string> = ip()) =>
  rt.app.inject({ method: 'POST', url: `/api/public/forms/${tenant.slug}/tickets`, payload: body, headers })

const visitor = { name: '陈先生', email: 'chen@visitor.example.com', subject: '空调不制冷', description: '客厅空调开机后只吹风，不制冷。' }

beforeAll(async () => {
  rt = await createTestRuntime({
    clock: new Date('2026-06-02T02:00:00Z'),
    config: { TRUST_PROXY: 'true', PUBLIC_URL: 'https://service.example.com' },
  })
  tenant = await buildTenant(rt)
  admin = await loginAs(rt, tenant, 'admin')
  const r = await admin.post('/api/customers', {
    name: '华东精密制造有限公司',
    contacts: [{ name: '张伟', mobile: '13812345678', email: 'zhangwei@hdjm.example.com' }],
  })
  expect(r.statusCode, r.body).toBe(201)
  org = r.json() as { id: string }
  expect((await admin.post('/api/tickets/types', { code: 'repair', name: '报修' })).statusCode).toBe(201)
})
afterAll(() => rt?.close())

describe('embeddable web form', () => {
  it('serves the script other websites load, and the framed form page', async () => {
    const js = await rt.app.inject({ method: 'GET', url: '/embed/form.js' })
    expect(js.statusCode).toBe(200)
    expect(js.headers['content-type']).toContain('javascript')
    expect(js.headers['cross-origin-resource-policy']).toBe('cross-origin')
    expect(js.body).toContain('/api/public/forms/')
    const page = await rt.app.inject({ method: 'GET', url: `/api/public/forms/${tenant.slug}/embed` })
    expect(page.statusCode).toBe(200)
    expect(page.headers['content-type']).toContain('text/html')
    expect(page.headers['x-frame-options']).toBeUndefined()
    expect(page.headers['content-security-policy']).toContain('frame-ancestors *')
    expect(page.body).toContain('name="website"')
    expect((await rt.app.inject({ method: 'GET', url: '/api/public/forms/no-such-company/embed' })).statusCode).toBe(404)
  })

  it('gives the admin the snippet to copy; other roles may not', async () => {
    const r = await admin.get('/api/web-form/snippet')
    expect(r.statusCode).toBe(200)
    expect(r.json()).toEqual({
      tenantSlug: tenant.slug,
      scriptUrl: 'https://service.example.com/embed/form.js',
      snippet: `<script src="https://service.example.com/embed/form.js" data-tenant="${tenant.slug}" async></script>`,
    })
    const contact = await loginAs(rt, tenant, 'customer_contact', { customerOrgId: org.id })
    expect((await contact.get('/api/web-form/snippet')).statusCode).toBe(403)
    expect((await rt.app.inject({ method: 'GET', url: '/api/web-form/snippet' })).statusCode).toBe(401)
  })

  it('creates a ticket (channel web_form) for a valid submission; a new visitor becomes an individual customer', async () => {
    const formToken = await render()
    rt.clock.advance(20_000)
    const r = await submit({ ...visitor, formToken })
    expect(r.statusCode, r.body).toBe(201)
    const [ticket] = await webFormTickets()
    expect(r.json()).toEqual({ ok: true, reference: ticket!.number })
    expect(ticket).toMatchObject({ subject: '空调不制冷', requester_name: '陈先生', requester_email: 'chen@visitor.example.com' })
    const customer = await admin.get(`/api/customers/${ticket!.customer_id}`)
    expect(customer.json()).toMatchObject({ name: '陈先生', kind: 'individual' })
    const detail = await admin.get(`/api/tickets/${ticket!.id}`)
    expect(detail.json()).toMatchObject({ channel: 'web_form' })
  })

  it("files a known contact's request under their organisation", async () => {
    const formToken = await render()
    rt.clock.advance(10_000)
    const r = await submit({
      name: '张伟',
      mobile: '+86 138-1234-5678',
      company: '华东精密',
      subject: '设备报警',
      description: 'E3 报警',
      formToken,
    })
    expect(r.statusCode, r.body).toBe(201)
    const tickets = await webFormTickets()
    expect(tickets).toHaveLength(2)
    expect(tickets[1]).toMatchObject({ customer_id: org.id, subject: '设备报警' })
  })

  it('answers a filled honeypot like a success but creates nothing', async () => {
    const formToken = await render()
    rt.clock.advance(10_000)
    const r = await submit({ ...visitor, website: 'http://spam.example.com', formToken })
    expect(r.statusCode).toBe(201)
    expect(r.json()).toMatchObject({ ok: true, reference: expect.stringMatching(/^SR-\d{4}-\d{6}$/) })
    expect(await webFormTickets()).toHaveLength(2)
  })

  it('drops a submission faster than a person can type, and refuses an altered or stale form', async () => {
    const formToken = await render()
    rt.clock.advance(1_000)
    const fast = await submit({ ...visitor, formToken })
    expect(fast.statusCode).toBe(201)
    expect(await webFormTickets()).toHaveLength(2)

    const [at, mac] = formToken.split('.')
    const altered = await submit({ ...visitor, formToken: `${Number(at) - 60_000}.${mac}` })
    expect(altered.statusCode).toBe(422)
    expect(altered.json()).toMatchObject({ code: 'form_token_invalid', issues: [{ path: 'formToken' }] })
    rt.clock.advance(25 * 3_600_000)
    const stale = await submit({ ...visitor, formToken })
    expect(stale.statusCode).toBe(422)
    expect(stale.json()).toMatchObject({ code: 'form_expired' })
    expect(await webFormTickets()).toHaveLength(2)
  })

  it('names the missing contact field, and an unknown company answers 404', async () => {
    const formToken = await render()
    rt.clock.advance(10_000)
    const r = await submit({ name: 'x', subject: 's', description: 'd', formToken })
    expect([400, 422]).toContain(r.statusCode)
    expect(r.body).toContain('email')
    const unknown = await rt.app.inject({
      method: 'POST',
      url: '/api/public/forms/no-such-company/tickets',
      payload: { ...visitor, formToken },
      headers: ip(),
    })
    expect(unknown.statusCode).toBe(404)
  })

  it('limits each client address to 5 submissions a minute (429)', async () => {
    const formToken = await render()
    rt.clock.advance(10_000)
    const same = { 'x-forwarded-for': '10.2.0.1' }
    for (let i = 0; i < 5; i++) expect((await submit({ ...visitor, subject: `第 ${i + 1} 次`, formToken }, same)).statusCode).toBe(201)
    const r = await submit({ ...visitor, subject: '第 6 次', formToken }, same)
    expect(r.statusCode).toBe(429)
    expect(await webFormTickets()).toHaveLength(7)
  })
})
