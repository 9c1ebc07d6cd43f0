// Each channel adapter against a local fake of its vendor. The fakes check signatures and payloads as
// the vendors document them (vendors.fixture.ts) and record what a recipient would see.
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { aliyunSmsAdapter, canonicalQuery, parseSmsReport, percentEncode, signRpc, smsReportAck } from './aliyun-sms.ts'
import { emailAdapter, messageIdOf, threadRootId, ticketIdFromMessageIds } from './email.ts'
import { dingtalkRobotAdapter, dingtalkSign, wecomRobotAdapter } from './robots.ts'
import { DeliveryError, type ChannelCredentials, type OutgoingMessage } from './types.ts'
import { startFakeSmtp, startFakeVendors, VENDOR, type FakeSmtp, type FakeVendors } from './vendors.fixture.ts'
import { webhookChannelAdapter } from './webhook.ts'
import { fitTemplateValue, wechatMpAdapter } from './wechat-mp.ts'

let fakes: FakeVendors
let smtp: FakeSmtp
const now = () => new Date()
/** The fakes listen on 127.0.0.1, which the SSRF guard refuses unless private addresses are allowed. */
const local = { allowPrivate: true }

beforeAll(async () => {
  fakes = await startFakeVendors()
  smtp = await startFakeSmtp()
})
afterAll(async () => {
  await fakes?.close()
  await smtp?.close()
})

const message = (over: Partial<OutgoingMessage> = {}): OutgoingMessage => ({
  deliveryId: randomUUID(),
  tenantId: randomUUID(),
  eventType: 'ticket.status_changed',
  to: null,
  subject: '工单 SR-2026-000123 状态变为 已解决',
  body: '打印机卡纸\n处理中 → 已解决',
  params: {},
  externalId: null,
  ticketId: randomUUID(),
  link: 'https://aftercare.example.com/tickets/1',
  locale: 'zh-CN',
  ...over,
})
const creds = (settings: Record<string, unknown>, secrets: Record<string, string>): ChannelCredentials => ({
  id: randomUUID(),
  settings,
  secrets,
})

async function failure(p: Promise<unknown>): Promise<DeliveryError> {
  const e = await p.then(
    () => undefined,
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(DeliveryError)
  return e as DeliveryError
}

describe('Alibaba Cloud SMS (SendSms, RPC signature V1)', () => {
  const sms = aliyunSmsAdapter(now, local)
  const channel = (secret: string = VENDOR.aliyun.accessKeySecret) =>
    creds(
      {
        accessKeyId: VENDOR.aliyun.accessKeyId,
        signName: VENDOR.aliyun.signName,
        regionId: 'cn-hangzhou',
        endpoint: `${fakes.url}/aliyun/`,
      },
      { accessKeySecret: secret },
    )

  it('percent-encodes the RFC 3986 way the signature needs', () => {
    expect(percentEncode("a b*c~d'(!)")).toBe('a%20b%2Ac~d%27%28%21%29')
    expect(percentEncode('售后')).toBe('%E5%94%AE%E5%90%8E')
    expect(canonicalQuery({ b: '2', a: '1 1' })).toBe('a=1%201&b=2')
    // the signature is over the sorted, encoded query: parameter order does not matter
    expect(signRpc('GET', { B: 'x', A: 'y' }, 's')).toBe(signRpc('GET', { A: 'y', B: 'x' }, 's'))
  })

  it('sends a signed SendSms the fake accepts, with TemplateParam as JSON and our delivery id as OutId', async () => {
    const m = message({ to: '13812345678', externalId: 'SMS_154950909', params: { number: 'SR-2026-000123', status: '已解决' } })
    const res = await sms.send(channel(), m)
    expect(res.providerRef).toMatch(/^\d+\^0$/)
    const got = fakes.received.filter((r) => r.vendor === 'aliyun').at(-1)!.body
    expect(got).toMatchObject({
      PhoneNumbers: '13812345678',
      SignName: '售后服务',
      TemplateCode: 'SMS_154950909',
      OutId: m.deliveryId,
      Format: 'JSON',
      RegionId: 'cn-hangzhou',
    })
    expect(JSON.parse(String(got.TemplateParam))).toEqual({ number: 'SR-2026-000123', status: '已解决' })
    expect(got.Timestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
  })

  it('a wrong secret is a permanent SignatureDoesNotMatch; frequency control is retried after a minute; no template is permanent', async () => {
    const bad = await failure(sms.send(channel('wrong'), message({ to: '13812345678', externalId: 'SMS_1' })))
    expect(bad).toMatchObject({ retryable: false, code: 'SignatureDoesNotMatch' })
    fakes.failNext('aliyun', { status: 400, json: { Code: 'isv.BUSINESS_LIMIT_CONTROL', Message: '触发分钟级流控Permits:1' } })
    expect(await failure(sms.send(channel(), message({ to: '13812345678', externalId: 'SMS_1' })))).toMatchObject({
      retryable: true,
      retryAfterMs: 60_000,
    })
    expect(await failure(sms.send(channel(), message({ to: '13812345678' })))).toMatchObject({ retryable: false, code: 'no_template' })
    expect(await failure(sms.send(channel(), message({ to: '12345', externalId: 'SMS_1' })))).toMatchObject({
      retryable: false,
      code: 'isv.MOBILE_NUMBER_ILLEGAL',
    })
  })

  it('reads an SmsReport push (a JSON array) and answers with a numeric code', () => {
    const receipts = parseSmsReport([
      {
        phone_number: '13812345678',
        send_time: '2026-05-06 10:30:00',
        report_time: '2026-05-06 10:30:08',
        success: true,
        err_code: 'DELIVERED',
        err_msg: '用户接收成功',
        sms_size: '1',
        biz_id: '932702304080415357^0',
        out_id: 'abc',
      },
    ])
    expect(receipts).toEqual([
      {
        bizId: '932702304080415357^0',
        outId: 'abc',
        phone: '13812345678',
        delivered: true,
        code: 'DELIVERED',
        message: '用户接收成功',
        reportedAt: '2026-05-06 10:30:08',
      },
    ])
    expect(() => parseSmsReport({ biz_id: 'x' })).toThrow()
    expect(smsReportAck).toEqual({ code: 0, msg: '接收成功' })
  })
})

describe('WeCom group robot', () => {
  const wecom = wecomRobotAdapter(now, local)
  const channel = (key: string = VENDOR.wecom.key) => creds({ endpoint: `${fakes.url}/cgi-bin/webhook/send` }, { key })

  it('posts markdown (cut to 4096 bytes of UTF-8); a bad key is permanent', async () => {
    await wecom.send(channel(), message({ body: '故障'.repeat(1500) }))
    const got = fakes.received.filter((r) => r.vendor === 'wecom').at(-1)!.body as { msgtype: string; markdown: { content: string } }
    expect(got.msgtype).toBe('markdown')
    expect(got.markdown.content.startsWith('**工单 SR-2026-000123 状态变为 已解决**')).toBe(true)
    expect(Buffer.byteLength(got.markdown.content)).toBeLessThanOrEqual(4096)
    expect(await failure(wecom.send(channel('nope'), message()))).toMatchObject({ retryable: false, code: 'wecom_93000' })
  })

  it('the frequency limit (45009) is retried after a minute', async () => {
    fakes.failNext('wecom', { json: { errcode: 45009, errmsg: 'api freq out of limit' } })
    expect(await failure(wecom.send(channel(), message()))).toMatchObject({ retryable: true, retryAfterMs: 60_000 })
  })
})

describe('DingTalk custom robot (加签)', () => {
  const ding = dingtalkRobotAdapter(now, local)
  const channel = (signSecret: string = VENDOR.dingtalk.signSecret) =>
    creds({ endpoint: `${fakes.url}/robot/send` }, { accessToken: VENDOR.dingtalk.accessToken, signSecret })

  it('signs timestamp + "\\n" + secret with HMAC-SHA256, base64, URL-encoded (the pinned vector)', () => {
    expect(dingtalkSign('SECexample', 1700000000000)).toBe('uroalHrWHORz59talE1o26b8HuX2kOp8WlAN91F9Pj0%3D')
  })

  it('the fake accepts the signed markdown; a wrong secret is refused (310000) for good', async () => {
    await ding.send(channel(), message())
    const got = fakes.received.filter((r) => r.vendor === 'dingtalk').at(-1)!.body as {
      msgtype: string
      markdown: { title: string; text: string }
    }
    expect(got).toMatchObject({ msgtype: 'markdown', markdown: { title: '工单 SR-2026-000123 状态变为 已解决' } })
    expect(got.markdown.text).toContain('处理中 → 已解决')
    expect(await failure(ding.send(channel('SECwrong'), message()))).toMatchObject({ retryable: false, code: 'dingtalk_310000' })
  })

  it('"send too fast" (130101) waits out the 10-minute throttle', async () => {
    fakes.failNext('dingtalk', { json: { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' } })
    expect(await failure(ding.send(channel(), message()))).toMatchObject({ retryable: true, retryAfterMs: 600_000 })
  })
})

describe('WeChat official account template message', () => {
  it('fetches a stable token once, sends data values cut to their key type, with client_msg_id', async () => {
    const wechat = wechatMpAdapter(now, local)
    const channel = creds({ appId: VENDOR.wechat.appId, endpoint: fakes.url, linkTickets: true }, { appSecret: VENDOR.wechat.appSecret })
    const long = '办公楼三层财务室打印机频繁卡纸无法打印'
    const m = message({
      to: 'oO-sX1GYvqVAXaeiA6wvf8kfz_OE',
      externalId: 'ngqIpbwh8bUfcSsECmogfXcV14J0tQlEpBO27izEYtY',
      params: { character_string1: 'SR-2026-000123', thing2: `${long}，已安排工程师`, phrase3: '已解决' },
    })
    const res = await wechat.send(channel, m)
    expect(res.providerRef).toMatch(/^\d+$/)
    await wechat.send(channel, message({ to: 'oO-sX1GYvqVAXaeiA6wvf8kfz_OE', externalId: 'tpl', params: { thing1: 'x' } }))
    const sent = fakes.received.filter((r) => r.vendor === 'wechat')
    const got = sent.at(-2)!.body as { touser: string; url: string; client_msg_id: string; data: Record<string, { value: string }> }
    expect(got.client_msg_id).toBe(m.deliveryId.replace(/-/g, ''))
    expect(got.url).toBe(m.link)
    expect([...got.data.thing2!.value].length).toBe(20)
    expect(got.data.thing2!.value.endsWith('…')).toBe(true)
    expect(got.data.character_string1!.value).toBe('SR-2026-000123')
    expect(fitTemplateValue('phrase3', '处理已经完成了')).toBe('处理已经完')
    expect(fitTemplateValue('time4', '2026-05-06 10:30')).toBe('2026-05-06 10:30')
  })

  it('an expired token is dropped and retried at once; an unsubscribed user (43004) is final', async () => {
    const wechat = wechatMpAdapter(now, local)
    const channel = creds({ appId: VENDOR.wechat.appId, endpoint: fakes.url }, { appSecret: VENDOR.wechat.appSecret })
    fakes.failNext('wechat', { json: { errcode: 40001, errmsg: 'invalid credential, access_token is invalid or not latest' } })
    expect(await failure(wechat.send(channel, message({ to: 'openid-123456', externalId: 'tpl' })))).toMatchObject({
      retryable: true,
      retryAfterMs: 0,
    })
    fakes.failNext('wechat', { json: { errcode: 43004, errmsg: 'require subscribe' } })
    expect(await failure(wechat.send(channel, message({ to: 'openid-123456', externalId: 'tpl' })))).toMatchObject({
      retryable: false,
      code: 'wechat_43004',
    })
    const wrong = creds({ appId: VENDOR.wechat.appId, endpoint: fakes.url }, { appSecret: 'wrong' })
    expect(await failure(wechatMpAdapter(now, local).send(wrong, message({ to: 'openid-123456', externalId: 'tpl' })))).toMatchObject({
      retryable: false,
      code: 'wechat_40013',
    })
  })
})

describe('email (SMTP)', () => {
  const email = emailAdapter()
  const channel = () =>
    creds({ from: '售后服务 <service@aftercare.example.com>', replyTo: 'support@aftercare.example.com' }, { smtpUrl: smtp.url })

  it('threads ticket mail: its own Message-ID names the ticket; In-Reply-To and References name the thread root', async () => {
    const m = message({ to: 'wu.na@example.com' })
    const res = await email.send(channel(), m)
    const mail = smtp.mails.at(-1)!
    expect(mail.subject).toBe(m.subject)
    expect(mail.text?.trim()).toBe(m.body)
    expect(mail.messageId).toBe(messageIdOf(m, 'aftercare.example.com'))
    expect(res.providerRef).toBe(mail.messageId)
    expect(mail.inReplyTo).toBe(threadRootId(m.ticketId!, 'aftercare.example.com'))
    expect(mail.references).toBe(threadRootId(m.ticketId!, 'aftercare.example.com'))
    expect(mail.headers.get('auto-submitted')).toBe('auto-generated')
    expect(mail.replyTo?.text).toBe('support@aftercare.example.com')
    // a reply quoting our Message-ID finds its way back to the ticket
    expect(ticketIdFromMessageIds(`<CAF=abc@mail.gmail.com> ${mail.messageId}`)).toBe(m.ticketId)
    expect(ticketIdFromMessageIds('<random@example.com>')).toBeNull()
  })

  it('a 4xx reply is retried, a 5xx is final, an unreachable server is retried', async () => {
    smtp.refuseNext(451)
    expect(await failure(email.send(channel(), message({ to: 'a@example.com' })))).toMatchObject({ retryable: true, code: 'smtp_451' })
    smtp.refuseNext(550)
    expect(await failure(email.send(channel(), message({ to: 'a@example.com' })))).toMatchObject({ retryable: false, code: 'smtp_550' })
    const down = creds({ from: 'x@example.com' }, { smtpUrl: 'smtp://127.0.0.1:1' })
    expect(await failure(email.send(down, message({ to: 'a@example.com' })))).toMatchObject({ retryable: true, code: 'smtp_connection' })
  })
})

describe('generic webhook channel', () => {
  const hook = webhookChannelAdapter(now, local)
  const channel = () => creds({ url: `${fakes.url}/hook` }, { signingSecret: VENDOR.webhook.signingSecret })

  it('signs the body (HMAC-SHA256 over timestamp + "." + body) and names the delivery', async () => {
    const m = message()
    await hook.send(channel(), m)
    const got = fakes.received.filter((r) => r.vendor === 'webhook').at(-1)!
    expect(got.body).toMatchObject({ id: m.deliveryId, event: m.eventType, subject: m.subject, ticketId: m.ticketId })
    expect(got.headers['x-aftercare-delivery']).toBe(m.deliveryId)
    expect(got.headers['x-aftercare-event']).toBe(m.eventType)
  })

  it('honours Retry-After on 503 and 429; a 401 (bad signature) is final', async () => {
    fakes.failNext('webhook', { status: 503, retryAfter: '120' })
    expect(await failure(hook.send(channel(), message()))).toMatchObject({ retryable: true, retryAfterMs: 120_000 })
    fakes.failNext('webhook', { status: 429 })
    expect(await failure(hook.send(channel(), message()))).toMatchObject({ retryable: true })
    const wrong = creds({ url: `${fakes.url}/hook` }, { signingSecret: 'other' })
    expect(await failure(hook.send(wrong, message()))).toMatchObject({ retryable: false, code: 'http_401' })
  })
})
