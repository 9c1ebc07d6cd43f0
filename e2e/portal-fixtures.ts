// What the portal and QR browser tests share: an admin API client, and a stand-in for the SMS
// vendor. The server sends one-time codes through its real SMS adapter (Alibaba SendSms) to an
// endpoint the admin configures; here that endpoint is a small HTTP server in the test process, so
// a test reads the code exactly as a phone would receive it — no test hook in the server.
import { expect, request, type APIRequestContext } from '@playwright/test'
import { createServer, type Server } from 'node:http'
import { DEMO_PASSWORD, demo } from './helpers.ts'

export interface Api {
  ctx: APIRequestContext
  get<T>(url: string): Promise<T>
  send<T>(method: 'POST' | 'PUT' | 'PATCH', url: string, data: unknown): Promise<T>
  close(): Promise<void>
}

/** Signs in through the API (cookie + CSRF header), as the web app does. */
export async function apiAs(baseURL: string, email: string = demo.admin): Promise<Api> {
  const ctx = await request.newContext({ baseURL })
  const login = await ctx.post('/api/auth/login', { data: { email, password: DEMO_PASSWORD } })
  expect(login.status(), await login.text()).toBe(200)
  const { csrfToken } = (await login.json()) as { csrfToken: string }
  const check = async (r: Awaited<ReturnType<APIRequestContext['get']>>) => {
    expect(r.ok(), `${r.url()} ${r.status()} ${await r.text()}`).toBe(true)
    return r.json()
  }
  return {
    ctx,
    get: async <T>(url: string) => (await check(await ctx.get(url))) as T,
    send: async <T>(method: string, url: string, data: unknown) =>
      (await check(await ctx.fetch(url, { method, data, headers: { 'x-csrf-token': csrfToken } }))) as T,
    close: () => ctx.dispose(),
  }
}

export interface SmsMessage {
  phone: string
  params: Record<string, string>
}

export interface FakeSms {
  url: string
  messages: SmsMessage[]
  /** The code of the next message sent after `since` messages (waits for it). */
  codeAfter(since: number, phone?: string): Promise<string>
  close(): Promise<void>
}

/** A ticket type for requests (the demo ships none); an existing active one is used as it is. */
export async function ensureTicketType(admin: Api): Promise<{ id: string; name: string }> {
  const types = await admin.get<
    { id: string; name: string; active: boolean }[] | { items: { id: string; name: string; active: boolean }[] }
  >('/api/tickets/types')
  const list = Array.isArray(types) ? types : types.items
  return list.find((t) => t.active) ?? admin.send('POST', '/api/tickets/types', { code: 'service', name: '服务请求' })
}

/** An Alibaba-SendSms-shaped endpoint that records what it is asked to send. */
export async function startFakeSms(): Promise<FakeSms> {
  const messages: SmsMessage[] = []
  const server: Server = createServer((req, res) => {
    const q = new URL(req.url ?? '/', 'http://x').searchParams
    if (q.get('Action') === 'SendSms')
      messages.push({ phone: q.get('PhoneNumbers') ?? '', params: JSON.parse(q.get('TemplateParam') ?? '{}') as Record<string, string> })
    res.setHeader('content-type', 'application/json')
    res.end(JSON.stringify({ Code: 'OK', Message: 'OK', BizId: `biz-${messages.length}`, RequestId: `req-${messages.length}` }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  return {
    url: `http://127.0.0.1:${port}/`,
    messages,
    async codeAfter(since, phone) {
      let found: SmsMessage | undefined
      await expect
        .poll(
          () => {
            found = messages.slice(since).find((m) => !phone || m.phone === phone)
            return Boolean(found)
          },
          { timeout: 30_000, message: 'the one-time code never reached the SMS endpoint' },
        )
        .toBe(true)
      return found!.params.code!
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}

/**
 * Points the tenant's SMS channel at the fake (creating it the first time) and gives the one-time
 * code message an approved template, as an admin would in the notification settings.
 */
export async function useFakeSms(admin: Api, sms: FakeSms) {
  const channels = await admin.get<{ items: { id: string; kind: string }[] }>('/api/notifications/channels')
  const existing = channels.items.find((c) => c.kind === 'sms')
  const settings = { accessKeyId: 'LTAI-e2e', signName: '演示企业', endpoint: sms.url }
  if (existing) await admin.send('PATCH', `/api/notifications/channels/${existing.id}`, { settings })
  else
    await admin.send('POST', '/api/notifications/channels', {
      kind: 'sms',
      name: '阿里云短信',
      settings,
      secrets: { accessKeySecret: 'e2e-secret' },
    })
  for (const locale of ['zh-CN', 'en-US'])
    await admin.send('PUT', '/api/notifications/templates', {
      eventType: 'notification.otp_requested',
      channel: 'sms',
      locale,
      audience: 'customer',
      body: '您的验证码为{{otp.code}}，{{otp.minutes}}分钟内有效。',
      externalId: 'SMS_100001',
      params: { code: '{{otp.code}}' },
    })
}
