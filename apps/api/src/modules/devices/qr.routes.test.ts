import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { readPdf, squash } from '../../platform/pdf/pdf-text.ts'
import { buildTenant, loginAs, type Client, type TestTenant } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'

let rt: TestRuntime
let tenant: TestTenant
let admin: Client
let device: { id: string }
let productId: string
let owner: { id: string; contacts: { id: string; name: string }[] }
let stranger: { id: string; contacts: { id: string }[] }

const start = new Date('2026-05-01T02:00:00Z')

async function json<T = Record<string, unknown>>(
  p: Promise<{ statusCode: number; body: string; json(): unknown }>,
  status: number,
): Promise<T> {
  const r = await p
  expect(r.statusCode, r.body).toBe(status)
  return r.json() as T
}

const pub = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
  rt.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) })

/** The code the notification center would send: the newest otp event for this device. */
async function sentCode(): Promise<{ code: string; to: string; channel: string }> {
  const [row] = await rt.database.query<{ payload: { code: string; to: string; channel: string } }>(
    "select payload from outbox where tenant_id = $1 and type = 'notification.otp_requested' and aggregate_id = $2 order by created_at desc, id desc limit 1",
    [tenant.id, device.id],
  )
  return row!.payload
}

beforeAll(async () => {
  rt = await createTestRuntime({ clock: start, config: { PUBLIC_URL: 'https://service.example.com' } })
  tenant = await buildTenant(rt)
  admin = await loginAs(rt, tenant, 'admin')
  owner = await json(
    admin.post('/api/customers', {
      name: '华东精密制造有限公司',
      contacts: [
        { name: '张伟', mobile: '13812345678', isPrimary: true },
        { name: '李娜', email: 'lina@hdjm.example.com' },
      ],
    }),
    201,
  )
  stranger = await json(admin.post('/api/customers', { name: '别家公司', contacts: [{ name: '王五', mobile: '13900000000' }] }), 201)
  const product = await json<{ id: string }>(
    admin.post('/api/products', { model: 'KFR-35GW', name: '壁挂式空调', category: '空调', warrantyMonths: 36 }),
    201,
  )
  productId = product.id
  device = await json(
    admin.post('/api/devices', { serialNumber: 'SN-QR-1', productId: product.id, customerId: owner.id, purchasedOn: '2025-01-01' }),
    201,
  )
  await json(admin.post('/api/tickets/types', { code: 'repair', name: '报修' }), 201)
})
afterAll(() => rt?.close())

let token: string

describe('device QR labels', () => {
  it('gives each device a short signed URL under PUBLIC_URL, as PNG and SVG', async () => {
    const qr = await json<{ token: string; url: string; expiresAt: null }>(admin.get(`/api/devices/${device.id}/qr`), 200)
    token = qr.token
    expect(qr.url).toBe(`https://service.example.com/q/${qr.token}`)
    expect(qr.token.length).toBeLessThanOrEqual(27)
    const png = await admin.get(`/api/devices/${device.id}/qr.png`)
    expect(png.statusCode).toBe(200)
    expect(png.headers['content-type']).toBe('image/png')
    expect(png.rawPayload.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    const svg = await admin.get(`/api/devices/${device.id}/qr.svg`)
    expect(svg.headers['content-type']).toBe('image/svg+xml')
    expect(svg.body).toMatch(/^<svg[^>]+viewBox/)
  })
})

describe('label sheets', () => {
  it('prints an A4 PDF of labels with QR code, product, serial number and owner, and audits the print', async () => {
    const product = (await admin.get('/api/products')).json().items[0]
    const more = []
    for (const sn of ['SN-LBL-1', 'SN-LBL-2'])
      more.push(
        await json<{ id: string }>(admin.post('/api/devices', { serialNumber: sn, productId: product.id, customerId: owner.id }), 201),
      )
    const res = await admin.get(`/api/devices/qr-labels.pdf?ids=${[device.id, ...more.map((d) => d.id)].join(',')}&preset=a4-2x7`)
    expect(res.statusCode, res.body.slice(0, 200)).toBe(200)
    expect(res.headers['content-type']).toBe('application/pdf')
    const pdf = await readPdf(res.rawPayload)
    expect(pdf.pages).toBe(1)
    expect(pdf.imagesPerPage).toEqual([3])
    const text = squash(pdf.text[0]!)
    for (const sn of ['SN-QR-1', 'SN-LBL-1', 'SN-LBL-2']) expect(text).toContain(`SN${sn}`)
    expect(text).toContain('华东精密制造有限公司')
    const all = await admin.get(`/api/devices/qr-labels.pdf?customerId=${owner.id}`)
    expect((await readPdf(all.rawPayload)).imagesPerPage).toEqual([3])
    const audit = await rt.database.query("select 1 from audit_log where tenant_id = $1 and action = 'device.labels_printed'", [tenant.id])
    expect(audit).toHaveLength(2)
    const bad = await admin.get(`/api/devices/qr-labels.pdf?ids=${stranger.id}`)
    expect(bad.statusCode).toBe(422)
    expect(bad.json().issues[0].path).toBe('ids')
    expect((await admin.get('/api/devices/qr-labels.pdf')).statusCode).toBe(400)
  })
})

describe('reporting by scanning a label', () => {
  it('pre-fills the form with the device, the masked owner and warranty, and masked places to send a code', async () => {
    const res = await pub('GET', `/api/public/qr/${token}`)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      device: { serialNumber: 'SN-QR-1', model: 'KFR-35GW', productName: '壁挂式空调', category: '空调' },
      ownerName: '华东******公司',
      warrantyState: 'in_warranty',
      warrantyEndsOn: '2027-12-31',
      verifyOptions: [
        { contactId: owner.contacts[0]!.id, channel: 'sms', destination: '138****5678' },
        { contactId: owner.contacts[1]!.id, channel: 'email', destination: 'l***a@hdjm.example.com' },
      ],
    })
    expect(res.body).not.toContain('13812345678')
  })

  it('refuses an altered token (400) and an expired one (410) with clear codes', async () => {
    const altered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')
    const bad = await pub('GET', `/api/public/qr/${altered}`)
    expect(bad.statusCode).toBe(400)
    expect(bad.json().code).toBe('qr_invalid')
    expect((await pub('GET', '/api/public/qr/not-a-token')).json().code).toBe('qr_invalid')
    const shortLived = (await admin.get(`/api/devices/${device.id}/qr?expiresInDays=1`)).json()
    expect((await pub('GET', `/api/public/qr/${shortLived.token}`)).statusCode).toBe(200)
    rt.clock.set(new Date(start.getTime() + 2 * 86_400_000))
    try {
      const expired = await pub('GET', `/api/public/qr/${shortLived.token}`)
      expect(expired.statusCode).toBe(410)
      expect(expired.json().code).toBe('qr_expired')
    } finally {
      rt.clock.set(start)
    }
  })

  it('sends a code only to a contact of the owner, through the outbox, storing only its hash', async () => {
    const foreign = await pub('POST', `/api/public/qr/${token}/otp`, { contactId: stranger.contacts[0]!.id, channel: 'sms' })
    expect(foreign.statusCode).toBe(422)
    expect(foreign.json().issues[0].path).toBe('contactId')
    const noMobile = await pub('POST', `/api/public/qr/${token}/otp`, { contactId: owner.contacts[1]!.id, channel: 'sms' })
    expect(noMobile.statusCode).toBe(422)
    expect(noMobile.json().issues[0].path).toBe('channel')

    const sent = await pub('POST', `/api/public/qr/${token}/otp`, { contactId: owner.contacts[0]!.id, channel: 'sms' })
    expect(sent.statusCode).toBe(200)
    expect(sent.json()).toEqual({ destination: '138****5678', expiresAt: new Date(start.getTime() + 10 * 60_000).toISOString() })
    const event = await sentCode()
    expect(event).toMatchObject({ channel: 'sms', to: '13812345678', ttlMinutes: 10, purpose: 'device_report' })
    expect(event.code).toMatch(/^\d{6}$/)
    const rows = await rt.database.query<Record<string, unknown>>('select * from device_report_codes where device_id = $1', [device.id])
    expect(rows).toHaveLength(1)
    expect(JSON.stringify(rows)).not.toContain(event.code)
    expect(rows[0]!.code_hash).toMatch(/^[0-9a-f]{64}$/)
  })

  it('allows 5 attempts, then refuses even the right code until a new one is requested', async () => {
    const { code } = await sentCode()
    const wrong = code === '000000' ? '111111' : '000000'
    for (let left = 4; left >= 0; left--) {
      const r = await pub('POST', `/api/public/qr/${token}/verify`, { contactId: owner.contacts[0]!.id, code: wrong })
      expect(r.statusCode).toBe(422)
      expect(r.json()).toMatchObject({ code: 'otp_wrong', issues: [{ path: 'code' }] })
      expect(r.json().message).toContain(`${left} attempt(s) left`)
    }
    const locked = await pub('POST', `/api/public/qr/${token}/verify`, { contactId: owner.contacts[0]!.id, code })
    expect(locked.statusCode).toBe(429)
    expect(locked.json().code).toBe('otp_locked')
  })

  it('lets a code expire after 10 minutes', async () => {
    await json(pub('POST', `/api/public/qr/${token}/otp`, { contactId: owner.contacts[1]!.id, channel: 'email' }), 200)
    const { code, to } = await sentCode()
    expect(to).toBe('lina@hdjm.example.com')
    rt.clock.set(new Date(start.getTime() + 10 * 60_000 + 1))
    try {
      const late = await pub('POST', `/api/public/qr/${token}/verify`, { contactId: owner.contacts[1]!.id, code })
      expect(late.statusCode).toBe(410)
      expect(late.json().code).toBe('otp_expired')
    } finally {
      rt.clock.set(start)
    }
  })

  it('turns a verified report into a ticket linked to the device, once per code', async () => {
    await json(pub('POST', `/api/public/qr/${token}/otp`, { contactId: owner.contacts[0]!.id, channel: 'sms' }), 200)
    const { code } = await sentCode()
    const unverified = await pub('POST', `/api/public/qr/${token}/report`, {
      reportToken: 'x'.repeat(20),
      subject: '不制冷',
      description: '开机后不出冷风',
    })
    expect(unverified.statusCode).toBe(401)
    const verified = await json<{ reportToken: string }>(
      pub('POST', `/api/public/qr/${token}/verify`, { contactId: owner.contacts[0]!.id, code }),
      200,
    )
    const report = await pub('POST', `/api/public/qr/${token}/report`, {
      reportToken: verified.reportToken,
      subject: '空调不制冷',
      description: '开机后不出冷风，显示 E1',
    })
    expect(report.statusCode, report.body).toBe(201)
    const { ticketId, ticketNumber } = report.json()
    expect(ticketNumber).toMatch(/^SR-/)
    const ticket = (await admin.get(`/api/tickets/${ticketId}`)).json()
    expect(ticket).toMatchObject({ deviceId: device.id, customerId: owner.id, channel: 'qr', subject: '空调不制冷' })
    expect((await admin.get(`/api/devices/${device.id}`)).json().serviceHistory.map((h: { ticketId: string }) => h.ticketId)).toEqual([
      ticketId,
    ])

    const again = await pub('POST', `/api/public/qr/${token}/report`, {
      reportToken: verified.reportToken,
      subject: '再来一次',
      description: '重复提交',
    })
    expect(again.statusCode).toBe(409)
    expect(again.json().code).toBe('report_already_submitted')
    // a report token for this device does not work on another device's label
    const product = (await admin.get('/api/products')).json().items[0]
    const second = await json<{ id: string }>(
      admin.post('/api/devices', { serialNumber: 'SN-QR-2', productId: product.id, customerId: owner.id }),
      201,
    )
    const otherToken = (await admin.get(`/api/devices/${second.id}/qr`)).json().token
    const crossed = await pub('POST', `/api/public/qr/${otherToken}/report`, {
      reportToken: verified.reportToken,
      subject: '串用',
      description: '别的设备',
    })
    expect(crossed.statusCode).toBe(401)
  })

  it('caps codes per device at three an hour (RELIABILITY C-BRUTE), and the next hour sends again', async () => {
    const fresh = await json<{ id: string }>(
      admin.post('/api/devices', { serialNumber: 'SN-QR-CAP', productId, customerId: owner.id, purchasedOn: '2025-01-01' }),
      201,
    )
    const { token: freshToken } = await json<{ token: string }>(admin.get(`/api/devices/${fresh.id}/qr`), 200)
    const ask = async () =>
      (await pub('POST', `/api/public/qr/${freshToken}/otp`, { contactId: owner.contacts[0]!.id, channel: 'sms' })).statusCode
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push(await ask())
    expect(statuses).toEqual([200, 200, 200, 429])
    rt.clock.advance(3_600_000 + 1000)
    expect(await ask()).toBe(200)
  })
})
