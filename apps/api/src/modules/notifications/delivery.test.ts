// Channels configured through the API, and the delivery loop against the vendors' fakes: one-time
// codes by SMS and email, customer email threading, retries with backoff and Retry-After (webhooks for
// up to 72 h, email the RFC 5321 way), dead letters, a crash between sending and recording, and the
// robots' 20-a-minute limit.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { buildTicketWorld, newTicket, ok, type TicketWorld } from '../tickets/tickets.fixtures.ts'
import { startFakeSmtp, startFakeVendors, VENDOR, type FakeSmtp, type FakeVendors } from './adapters/vendors.fixture.ts'
import { webhookSlotEndMs } from './backoff.ts'
import { createAdapters, createDeliveryLoop } from './delivery.ts'
import { addChannel, emitSla, fakeChannels, hear, hearNew, publish } from './notifications.fixture.ts'

interface DeliveryJson {
  id: string
  channel: string
  status: string
  attempts: number
  address: string | null
  body: string
  lastError: string | null
  receipt: string | null
  nextAttemptAt: string | null
  eventType: string
}

let rt: TestRuntime
let w: TicketWorld
let fakes: FakeVendors
let smtp: FakeSmtp
let smsChannel: { id: string; receiptUrl: string }
const seen = new Set<string>()

const HOUR = 3_600_000
const deliver = () => rt.modules.notifications.loop.deliverDue({ tenantId: w.tenant.id })
const advance = (ms: number) => rt.clock.set(new Date(rt.clock.now().getTime() + ms))
/** An SLA breach of a fresh ticket, as the SLA module would publish it (one webhook delivery). */
async function breach() {
  const t = await newTicket(w)
  await hearNew(rt, w.tenant.id, seen)
  await emitSla(rt, w.tenant.id, 'sla.breached', t.id, { target: 'resolution' })
}
const log = (q = '') => ok<{ items: DeliveryJson[] }>(w.admin.get(`/api/notifications/deliveries${q}`)).then((r) => r.items)

async function deliveryRow(id: string) {
  const [row] = await rt.database.query<{
    status: string
    attempts: number
    next_attempt_at: Date | string | null
    last_error: string | null
  }>('select status, attempts, next_attempt_at, last_error from notification_deliveries where id = $1', [id])
  return row!
}

async function otp(channel: 'sms' | 'email', to: string, code: string) {
  await hear(rt, [
    await publish(rt, {
      tenantId: w.tenant.id,
      type: 'notification.otp_requested',
      payload: { channel, to, code, ttlMinutes: 10, purpose: 'device_report' },
    }),
  ])
}

beforeAll(async () => {
  // the vendors' fakes listen on 127.0.0.1
  rt = await createTestRuntime({ config: { WEBHOOK_ALLOW_PRIVATE: 'true' } })
  w = await buildTicketWorld(rt)
  fakes = await startFakeVendors({ now: () => rt.clock.now().getTime() })
  smtp = await startFakeSmtp()
  const c = fakeChannels(fakes, smtp.url)
  const sms = await ok<{ id: string; receiptUrl: string }>(w.admin.post('/api/notifications/channels', c.sms), 201)
  smsChannel = sms
  await addChannel(w.admin, c.email)
  await addChannel(w.admin, { ...c.webhook, events: ['sla.breached'] })
  await addChannel(w.admin, { ...c.dingtalk, events: ['sla.warning'] })
  // the tenant's approved SMS template for one-time codes
  await ok(
    w.admin.put('/api/notifications/templates', {
      eventType: 'notification.otp_requested',
      channel: 'sms',
      locale: 'zh-CN',
      audience: 'customer',
      body: '您的验证码为{{otp.code}}，{{otp.minutes}}分钟内有效。',
      externalId: 'SMS_100001',
      params: { code: '{{otp.code}}' },
    }),
  )
})
afterAll(async () => {
  await rt?.close()
  await fakes?.close()
  await smtp?.close()
})

describe('channel configuration', () => {
  it('secrets are sealed at rest and never returned; bad input names the field; only admins configure', async () => {
    const c = fakeChannels(fakes)
    const created = await ok<{ id: string; secretKeys: string[]; settings: Record<string, unknown> }>(
      w.admin.post('/api/notifications/channels', c.wecom),
      201,
    )
    expect(created.secretKeys).toEqual(['key'])
    expect(JSON.stringify(created)).not.toContain(VENDOR.wecom.key)
    expect(JSON.stringify(await ok(w.admin.get('/api/notifications/channels')))).not.toContain(VENDOR.wecom.key)
    const [stored] = await rt.database.query<{ secrets_sealed: string }>('select secrets_sealed from notification_channels where id = $1', [
      created.id,
    ])
    expect(stored!.secrets_sealed).toMatch(/^v1\./)
    expect(stored!.secrets_sealed).not.toContain(VENDOR.wecom.key)

    const noSecret = await w.admin.post('/api/notifications/channels', { ...c.wechat, secrets: {} })
    expect(noSecret.statusCode).toBe(422)
    expect(noSecret.json().issues[0].path).toBe('secrets.appSecret')
    const badSetting = await w.admin.post('/api/notifications/channels', { ...c.wechat, settings: { appId: 'nope' } })
    expect(badSetting.statusCode).toBe(400)
    expect(badSetting.body).toContain('appId')
    const badSign = await w.admin.post('/api/notifications/channels', { ...c.dingtalk, secrets: { accessToken: 't', signSecret: 'nope' } })
    expect(badSign.json().issues[0].path).toBe('secrets.signSecret')
    expect((await w.agent.get('/api/notifications/channels')).statusCode).toBe(403)

    // a test message reaches the group; a changed key is used from then on
    const test = await ok<{ ok: boolean }>(w.admin.post(`/api/notifications/channels/${created.id}/test`, {}))
    expect(test.ok).toBe(true)
    expect((fakes.received.at(-1)!.body as { markdown: { content: string } }).markdown.content).toContain('测试消息')
    await ok(w.admin.patch(`/api/notifications/channels/${created.id}`, { secrets: { key: 'rotated-key' } }))
    const failed = await ok<{ ok: boolean; error: string }>(w.admin.post(`/api/notifications/channels/${created.id}/test`, {}))
    expect(failed).toMatchObject({ ok: false, error: expect.stringContaining('93000') })
    await ok(w.admin.delete(`/api/notifications/channels/${created.id}`))
  })
})

describe('one-time codes', () => {
  it('go out by SMS at once with the approved template; the log hides the code; the receipt marks it delivered', async () => {
    await otp('sms', '13900001111', '482913')
    expect((await deliver()).sent).toBe(1)
    const sms = fakes.received.filter((r) => r.vendor === 'aliyun').at(-1)!.body
    expect(sms).toMatchObject({ PhoneNumbers: '13900001111', TemplateCode: 'SMS_100001', TemplateParam: '{"code":"482913"}' })
    const [row] = await log('?eventType=notification.otp_requested&channel=sms')
    expect(row).toMatchObject({ status: 'sent', address: '139****1111' })
    expect(JSON.stringify(row)).not.toContain('482913')
    // Alibaba's SmsReport push: a JSON array, answered {code: 0}
    const path = new URL(smsChannel.receiptUrl).pathname
    const ack = await rt.app.inject({
      method: 'POST',
      url: path,
      payload: [
        {
          phone_number: '13900001111',
          send_time: '2026-05-06 10:30:00',
          report_time: '2026-05-06 10:30:05',
          success: true,
          err_code: 'DELIVERED',
          err_msg: '用户接收成功',
          sms_size: '1',
          biz_id: String(sms.BizId),
          out_id: row!.id,
        },
      ],
    })
    expect(ack.statusCode).toBe(200)
    expect(ack.json()).toEqual({ code: 0, msg: '接收成功' })
    expect((await log('?eventType=notification.otp_requested&channel=sms'))[0]!.receipt).toBe('delivered (DELIVERED)')
    expect(
      (await rt.app.inject({ method: 'POST', url: '/api/notifications/sms-receipts/not-a-real-token-123', payload: [] })).statusCode,
    ).toBe(404)
    expect((await rt.app.inject({ method: 'POST', url: path, payload: { not: 'an array' } })).statusCode).toBe(400)
  })

  it('go out by email when asked for, even at night (no quiet hours for codes)', async () => {
    await otp('email', 'wu.na@example.com', '739104')
    await deliver()
    const mail = smtp.mails.at(-1)!
    expect(mail.to).toMatchObject({ text: 'wu.na@example.com' })
    expect(mail.subject).toBe('您的验证码')
    expect(mail.text).toContain('739104')
  })
})

describe('customer email', () => {
  it("an agent's public reply reaches the requester's mailbox, threaded on the ticket", async () => {
    const t = await newTicket(w, { requesterName: '吴先生', requesterEmail: 'mr.wu@example.com' })
    await ok(w.agent.post(`/api/tickets/${t.id}/messages`, { body: '您好，已为您安排工程师。', visibility: 'public' }), 201)
    await hearNew(rt, w.tenant.id, seen)
    await deliver()
    const mails = smtp.mails.filter((m) => m.to && !Array.isArray(m.to) && m.to.text === 'mr.wu@example.com')
    expect(mails.map((m) => m.subject).sort()).toEqual([`您的服务请求 ${t.number} 有新回复`, `我们已收到您的服务请求 ${t.number}`].sort())
    const reply = mails.find((m) => m.subject?.endsWith('有新回复'))!
    expect(reply.text).toContain('您好，已为您安排工程师。')
    expect(reply.text).toContain(`/portal/tickets/${t.id}`)
    expect(reply.inReplyTo).toBe(`<aftercare.${t.id}@aftercare.example.com>`)
    expect(reply.messageId).toMatch(new RegExp(`^<aftercare\\.${t.id}\\.[0-9a-f-]{36}@aftercare\\.example\\.com>$`))
  })
})

describe('retries', () => {
  it('back off exponentially with jitter, never sooner than Retry-After, then succeed', async () => {
    fakes.failNext('webhook', { status: 503, retryAfter: '600' }, 2)
    await breach()
    const start = rt.clock.now().getTime()
    expect(await deliver()).toMatchObject({ retrying: 1 })
    let [row] = await log('?channel=webhook')
    expect(row).toMatchObject({ status: 'retrying', attempts: 1, lastError: expect.stringContaining('503') })
    expect(new Date(row!.nextAttemptAt!).getTime() - start).toBeGreaterThanOrEqual(600_000)
    // not due yet: nothing happens
    advance(300_000)
    expect((await deliver()).retrying).toBe(0)
    advance(301_000)
    await deliver()
    ;[row] = await log('?channel=webhook')
    expect(row).toMatchObject({ status: 'retrying', attempts: 2 })
    advance(601_000)
    await deliver()
    ;[row] = await log('?channel=webhook')
    expect(row).toMatchObject({ status: 'sent', attempts: 3, lastError: null })
    expect(fakes.received.filter((r) => r.vendor === 'webhook' && (r.body as { id: string }).id === row!.id)).toHaveLength(1)
  })

  /** Runs each attempt of a delivery at its planned time until none is planned; `at` gets when each ran, after t0. */
  async function attemptsUntilDone(id: string, t0: Date, at: number[]) {
    for (let i = 0; i < 20; i++) {
      at.push(rt.clock.now().getTime() - t0.getTime())
      await deliver()
      const r = await deliveryRow(id)
      if (!r.next_attempt_at) return
      rt.clock.set(new Date(r.next_attempt_at))
    }
  }

  it('a webhook that keeps failing is retried for up to 72 h, 15 attempts at most, then dead; an admin can replay it', async () => {
    fakes.failNext('webhook', { status: 500 }, 15)
    await breach()
    const t0 = rt.clock.now()
    const [{ id }] = (await log('?channel=webhook')) as [DeliveryJson]
    // attempt k + 1 (retry k) falls somewhere in slot k: 30 s, then each slot twice as long, to 72 h
    const at: number[] = []
    try {
      await attemptsUntilDone(id, t0, at)
      expect(await deliveryRow(id)).toMatchObject({ status: 'dead', attempts: 15, next_attempt_at: null })
    } finally {
      // back to the desk's time: the admin's session is still open
      rt.clock.set(new Date(t0.getTime() + 60_000))
    }
    expect(at).toHaveLength(15)
    at.forEach((ms, k) => {
      expect(ms).toBeGreaterThanOrEqual(webhookSlotEndMs(k - 1))
      expect(ms).toBeLessThanOrEqual(webhookSlotEndMs(k))
    })
    expect(at.at(-1)).toBeGreaterThan(68 * HOUR)
    const replay = await ok<DeliveryJson>(w.admin.post(`/api/notifications/deliveries/${id}/replay`))
    expect(replay).toMatchObject({ status: 'sent', attempts: 1 })
    expect((await w.admin.post(`/api/notifications/deliveries/${replay.id}/replay`)).statusCode).toBe(409)
  })

  it('email refused with 4xx is retried after a minute, then at least 30 min apart, for more than 4 days; 5xx is not retried', async () => {
    const t0 = rt.clock.now()
    smtp.refuseNext(451, 14)
    const t = await newTicket(w, { requesterName: '郑女士', requesterEmail: 'greylisted@example.com' })
    await hearNew(rt, w.tenant.id, seen)
    const [queued] = await rt.database.query<{ id: string }>(
      "select id from notification_deliveries where tenant_id = $1 and address = 'greylisted@example.com'",
      [w.tenant.id],
    )
    const id = queued!.id
    const at: number[] = []
    try {
      await attemptsUntilDone(id, t0, at)
      expect(await deliveryRow(id)).toMatchObject({ status: 'dead', attempts: 14, last_error: expect.stringContaining('smtp_451') })
    } finally {
      rt.clock.set(new Date(t0.getTime() + 60_000))
    }
    const waits = at.slice(1).map((ms, i) => ms - at[i]!)
    expect(waits[0]).toBeGreaterThanOrEqual(60_000)
    expect(waits[0]).toBeLessThanOrEqual(75_000)
    for (const ms of waits.slice(1)) expect(ms).toBeGreaterThanOrEqual(30 * 60_000)
    expect(at.at(-1)).toBeGreaterThanOrEqual(4 * 24 * HOUR)
    expect(smtp.mails.some((m) => m.subject?.includes(t.number))).toBe(false)

    // a permanent refusal: failed at once, never retried
    smtp.refuseNext(550)
    await newTicket(w, { requesterName: '钱先生', requesterEmail: 'no-such-user@example.com' })
    await hearNew(rt, w.tenant.id, seen)
    await deliver()
    const [bounced] = await rt.database.query<{ status: string; attempts: number; next_attempt_at: Date | null; last_error: string }>(
      "select status, attempts, next_attempt_at, last_error from notification_deliveries where tenant_id = $1 and address = 'no-such-user@example.com'",
      [w.tenant.id],
    )
    expect(bounced).toMatchObject({ status: 'failed', attempts: 1, next_attempt_at: null, last_error: expect.stringContaining('smtp_550') })
  })
})

describe('a crash between sending and recording it', () => {
  it('a non-idempotent channel (SMS) is not sent twice: marked failed, then the carrier receipt proves it sent', async () => {
    const crashing = createDeliveryLoop(
      rt.modules.deps,
      rt.modules.notifications.channels,
      createAdapters(() => rt.clock.now(), { allowPrivate: true }),
      {
        afterSend: () => Promise.reject(new Error('simulated crash: the process died here')),
      },
    )
    await otp('sms', '13900002222', '111222')
    await expect(crashing.deliverDue({ tenantId: w.tenant.id })).rejects.toThrow('simulated crash')
    const sentBefore = fakes.requests.aliyun
    // the restarted worker: the lease still holds, so nothing is sent
    expect((await deliver()).sent).toBe(0)
    advance(3 * 60_000)
    expect(await rt.modules.notifications.loop.recoverInterrupted({ tenantId: w.tenant.id })).toBe(1)
    await deliver()
    expect(fakes.requests.aliyun).toBe(sentBefore)
    expect(fakes.received.filter((r) => r.vendor === 'aliyun' && r.body.PhoneNumbers === '13900002222')).toHaveLength(1)
    const [row] = await rt.database.query<{ id: string; status: string; last_error: string }>(
      "select id, status, last_error from notification_deliveries where tenant_id = $1 and address = '13900002222'",
      [w.tenant.id],
    )
    expect(row).toMatchObject({ status: 'failed', last_error: expect.stringContaining('interrupted') })
    const receipt = [
      {
        phone_number: '13900002222',
        send_time: '',
        report_time: '',
        success: true,
        err_code: 'DELIVERED',
        err_msg: '',
        biz_id: 'x^0',
        out_id: row!.id,
      },
    ]
    await rt.app.inject({ method: 'POST', url: new URL(smsChannel.receiptUrl).pathname, payload: receipt })
    const [after] = await rt.database.query<{ status: string }>('select status from notification_deliveries where id = $1', [row!.id])
    expect(after!.status).toBe('sent')
  })

  /**
   * The process dies right after the first send on `channel` (before recording it); its lease runs
   * out and the recovery sweep decides what to do with the delivery.
   */
  async function crashAfterSending(channel: string) {
    let crashes = 0
    const crashing = createDeliveryLoop(
      rt.modules.deps,
      rt.modules.notifications.channels,
      createAdapters(() => rt.clock.now(), { allowPrivate: true }),
      {
        afterSend: (row) => (row.channel === channel && crashes++ === 0 ? Promise.reject(new Error('simulated crash')) : Promise.resolve()),
      },
    )
    await expect(crashing.deliverDue({ tenantId: w.tenant.id })).rejects.toThrow('simulated crash')
    advance(3 * 60_000)
    await rt.modules.notifications.loop.recoverInterrupted({ tenantId: w.tenant.id })
  }

  it('an email interrupted after sending is sent again with the same Message-ID: never lost, at most one duplicate', async () => {
    const t = await newTicket(w, { requesterName: '钱女士', requesterEmail: 'ms.qian@example.com' })
    await hearNew(rt, w.tenant.id, seen)
    await crashAfterSending('email')
    await deliver()
    const mails = smtp.mails.filter((m) => m.to && !Array.isArray(m.to) && m.to.text === 'ms.qian@example.com')
    expect(mails.length).toBeGreaterThanOrEqual(1)
    expect(mails.length).toBeLessThanOrEqual(2)
    expect(new Set(mails.map((m) => m.messageId)).size).toBe(1)
    expect(mails[0]!.subject).toBe(`我们已收到您的服务请求 ${t.number}`)
    const [row] = await rt.database.query<{ status: string }>(
      "select status from notification_deliveries where tenant_id = $1 and address = 'ms.qian@example.com'",
      [w.tenant.id],
    )
    expect(row).toMatchObject({ status: 'sent' })
  })

  it('an idempotent channel (WeChat, client_msg_id) is sent again and the vendor keeps one', async () => {
    const wechatId = await addChannel(w.admin, fakeChannels(fakes).wechat)
    await ok(
      w.admin.put('/api/notifications/templates', {
        eventType: 'ticket.status_changed',
        channel: 'wechat_mp',
        locale: 'zh-CN',
        audience: 'customer',
        body: '{{ticket.subject}}',
        externalId: 'TPL_STATUS',
        params: { character_string1: '{{ticket.number}}', thing2: '{{ticket.subject}}', phrase3: '{{ticket.status}}' },
      }),
    )
    await ok(w.contactA.patch('/api/notifications/preferences', { wechatOpenId: 'oWuNa_openid_0001' }))
    const t = await ok<{ id: string }>(w.contactA.post('/api/tickets', { subject: '空调异响', typeId: w.types.repair }), 201)
    await ok(w.admin.post(`/api/tickets/${t.id}/transition`, { to: 'in_progress' }))
    await ok(w.admin.post(`/api/tickets/${t.id}/transition`, { to: 'pending_customer', reason: '请提供照片' }))
    await hearNew(rt, w.tenant.id, seen)
    await crashAfterSending('wechat_mp')
    await deliver()
    const toWu = fakes.received.filter((r) => r.vendor === 'wechat' && r.body.touser === 'oWuNa_openid_0001')
    expect(toWu).toHaveLength(1)
    expect(fakes.requests.wechat).toBeGreaterThanOrEqual(2)
    const [row] = await rt.database.query<{ status: string; attempts: number }>(
      'select status, attempts from notification_deliveries where channel_id = $1',
      [wechatId],
    )
    expect(row).toMatchObject({ status: 'sent', attempts: 2 })
  })
})

describe('robots', () => {
  it('never post more than 20 messages a minute to one robot: the rest wait for the window', async () => {
    const t = await newTicket(w)
    await hearNew(rt, w.tenant.id, seen)
    const before = fakes.requests.dingtalk
    for (let i = 0; i < 25; i++) await emitSla(rt, w.tenant.id, 'sla.warning', t.id, { target: 'resolution', cycle: i })
    const first = await deliver()
    expect(first).toMatchObject({ sent: 20, deferred: 5 })
    expect(fakes.requests.dingtalk - before).toBe(20)
    advance(30_000)
    expect((await deliver()).sent).toBe(0)
    advance(32_000)
    expect((await deliver()).sent).toBe(5)
    expect(fakes.requests.dingtalk - before).toBe(25)
    // the fake refused none (it answers 130101 above 20 a minute)
    expect((await log('?channel=dingtalk_robot&status=retrying')).length).toBe(0)
  })
})
