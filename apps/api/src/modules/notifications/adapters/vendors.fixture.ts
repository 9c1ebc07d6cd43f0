// Local fakes of the vendors, for tests. Each checks the request the way the vendor documents it
// (written from the vendor's documentation, independently of the adapters) and records what a real
// recipient would have received.
import { createHmac } from 'node:crypto'
import { createServer, type IncomingMessage, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { simpleParser, type ParsedMail } from 'mailparser'
import { SMTPServer } from 'smtp-server'

export const VENDOR = {
  aliyun: { accessKeyId: 'LTAI5tFakeKeyId', accessKeySecret: 'fake-access-key-secret', signName: '售后服务' },
  wecom: { key: '693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa' },
  dingtalk: { accessToken: 'ding-fake-token', signSecret: 'SECfake0123456789abcdef' },
  wechat: { appId: 'wx0123456789abcdef', appSecret: 'fake-app-secret', token: 'ACCESS_TOKEN_1' },
  webhook: { signingSecret: 'whsec-fake-0123456789' },
} as const

interface Failure {
  status?: number
  retryAfter?: string
  json?: unknown
}

export interface Received {
  vendor: 'aliyun' | 'wecom' | 'dingtalk' | 'wechat' | 'webhook'
  /** What the recipient sees (after the vendor's own deduplication). */
  body: Record<string, unknown>
  headers: IncomingMessage['headers']
  at: number
}

/** RFC 3986 encoding per Alibaba's doc, character by character: unreserved A–Z a–z 0–9 - _ . ~ stay. */
function aliyunEncode(s: string): string {
  let out = ''
  for (const byte of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(byte)
    out += /[A-Za-z0-9\-_.~]/.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = []
  for await (const c of req) chunks.push(c as Buffer)
  return Buffer.concat(chunks).toString('utf8')
}

export interface FakeVendors {
  url: string
  received: Received[]
  /** Requests seen (including refused and deduplicated ones), per vendor. */
  requests: Record<Received['vendor'], number>
  /** The next `count` requests to `vendor` answer with this failure. */
  failNext(vendor: Received['vendor'], failure: Failure, count?: number): void
  /** The raw answer to send instead of processing (vendor errcodes). */
  close(): Promise<void>
}

/** `now` is the fake's clock (the test's manual clock), for timestamps and rate windows. */
export async function startFakeVendors(opts: { now?: () => number } = {}): Promise<FakeVendors> {
  const clock = opts.now ?? Date.now
  const received: Received[] = []
  const requests = { aliyun: 0, wecom: 0, dingtalk: 0, wechat: 0, webhook: 0 }
  const failures: Record<string, Failure[]> = {}
  const perMinute: Record<string, number[]> = {}
  const wechatSeen = new Set<string>()
  let bizSeq = 0

  const overLimit = (robot: string) => {
    const now = clock()
    const times = (perMinute[robot] ?? []).filter((t) => now - t < 60_000)
    times.push(now)
    perMinute[robot] = times
    return times.length > 20
  }

  const server: Server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://fake')
      const raw = await readBody(req)
      const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers })
        res.end(typeof body === 'string' ? body : JSON.stringify(body))
      }
      const vendor: Received['vendor'] | undefined = url.pathname.startsWith('/aliyun')
        ? 'aliyun'
        : url.pathname.startsWith('/cgi-bin/webhook')
          ? 'wecom'
          : url.pathname.startsWith('/robot')
            ? 'dingtalk'
            : url.pathname.startsWith('/cgi-bin/')
              ? 'wechat'
              : url.pathname.startsWith('/hook')
                ? 'webhook'
                : undefined
      if (!vendor) return send(404, { error: 'unknown path' })
      // WeChat's token endpoint is not the message: counts and injected failures are for sends
      const isSend = vendor !== 'wechat' || url.pathname.endsWith('/template/send')
      if (isSend) requests[vendor]++
      const failure = isSend ? failures[vendor]?.shift() : undefined
      if (failure)
        return send(
          failure.status ?? 200,
          failure.json ?? { error: 'injected' },
          failure.retryAfter ? { 'retry-after': failure.retryAfter } : {},
        )
      const record = (body: Record<string, unknown>) => received.push({ vendor, body, headers: req.headers, at: clock() })

      switch (vendor) {
        case 'aliyun': {
          // SendSms, RPC signature V1 (doc 28839): GET, parameters in the query string
          if (req.method !== 'GET') return send(400, { Code: 'InvalidHttpMethod' })
          const params = Object.fromEntries(url.searchParams)
          const { Signature, ...rest } = params
          for (const k of [
            'AccessKeyId',
            'Action',
            'Format',
            'RegionId',
            'SignatureMethod',
            'SignatureNonce',
            'SignatureVersion',
            'Timestamp',
            'Version',
          ])
            if (!rest[k]) return send(400, { Code: 'MissingParameter', Message: k })
          if (rest.AccessKeyId !== VENDOR.aliyun.accessKeyId) return send(404, { Code: 'InvalidAccessKeyId.NotFound' })
          if (
            rest.SignatureMethod !== 'HMAC-SHA1' ||
            rest.SignatureVersion !== '1.0' ||
            rest.Version !== '2017-05-25' ||
            rest.Action !== 'SendSms'
          )
            return send(400, { Code: 'InvalidParameter' })
          if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(rest.Timestamp!) || Math.abs(Date.parse(rest.Timestamp!) - clock()) > 15 * 60_000)
            return send(400, { Code: 'InvalidTimeStamp.Expired' })
          const canonical = Object.keys(rest)
            .sort()
            .map((k) => `${aliyunEncode(k)}=${aliyunEncode(rest[k]!)}`)
            .join('&')
          const stringToSign = `GET&${aliyunEncode('/')}&${aliyunEncode(canonical)}`
          const expected = createHmac('sha1', `${VENDOR.aliyun.accessKeySecret}&`).update(stringToSign).digest('base64')
          if (Signature !== expected)
            return send(400, { Code: 'SignatureDoesNotMatch', Message: 'Specified signature is not matched with our calculation.' })
          if (!/^(\+?86)?1[3-9]\d{9}$/.test(rest.PhoneNumbers ?? ''))
            return send(400, { Code: 'isv.MOBILE_NUMBER_ILLEGAL', Message: 'invalid mobile' })
          if (rest.SignName !== VENDOR.aliyun.signName) return send(400, { Code: 'isv.SMS_SIGNATURE_ILLEGAL', Message: 'bad sign name' })
          if (!/^SMS_\d+$/.test(rest.TemplateCode ?? '')) return send(400, { Code: 'isv.SMS_TEMPLATE_ILLEGAL', Message: 'bad template' })
          JSON.parse(rest.TemplateParam ?? '{}')
          const bizId = `${900000 + ++bizSeq}^0`
          record({ ...rest, BizId: bizId })
          return send(200, { Code: 'OK', Message: 'OK', BizId: bizId, RequestId: `req-${bizSeq}` })
        }
        case 'wecom': {
          // group robot: the key is the credential; ≤20 messages a minute
          if (url.searchParams.get('key') !== VENDOR.wecom.key) return send(200, { errcode: 93000, errmsg: 'invalid webhook url' })
          if (overLimit('wecom')) return send(200, { errcode: 45009, errmsg: 'api freq out of limit' })
          const body = JSON.parse(raw) as { msgtype?: string; markdown?: { content?: string }; text?: { content?: string } }
          const content = body.msgtype === 'markdown' ? body.markdown?.content : body.msgtype === 'text' ? body.text?.content : undefined
          if (typeof content !== 'string') return send(200, { errcode: 40008, errmsg: 'invalid message type' })
          if (Buffer.byteLength(content) > (body.msgtype === 'markdown' ? 4096 : 2048))
            return send(200, { errcode: 40058, errmsg: 'content exceed max length' })
          record(body)
          return send(200, { errcode: 0, errmsg: 'ok' })
        }
        case 'dingtalk': {
          // custom robot with 加签: sign = urlEncode(base64(HmacSHA256(secret, timestamp + "\n" + secret)))
          if (url.searchParams.get('access_token') !== VENDOR.dingtalk.accessToken)
            return send(200, { errcode: 300001, errmsg: 'token is not exist' })
          const ts = url.searchParams.get('timestamp') ?? ''
          if (!/^\d{13}$/.test(ts) || Math.abs(Number(ts) - clock()) > 3600_000)
            return send(200, { errcode: 310000, errmsg: 'sign not match / timestamp' })
          const expected = createHmac('sha256', VENDOR.dingtalk.signSecret).update(`${ts}\n${VENDOR.dingtalk.signSecret}`).digest('base64')
          // searchParams decodes the url-encoded sign once, giving the base64 text back
          if (url.searchParams.get('sign') !== expected) return send(200, { errcode: 310000, errmsg: 'sign not match' })
          if (!String(req.headers['content-type']).startsWith('application/json'))
            return send(200, { errcode: 40035, errmsg: 'content type' })
          if (overLimit('dingtalk')) return send(200, { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' })
          const body = JSON.parse(raw) as { msgtype?: string; markdown?: { title?: string; text?: string } }
          if (body.msgtype !== 'markdown' || !body.markdown?.title || !body.markdown.text)
            return send(200, { errcode: 40035, errmsg: 'missing markdown' })
          record(body)
          return send(200, { errcode: 0, errmsg: 'ok' })
        }
        case 'wechat': {
          if (url.pathname === '/cgi-bin/stable_token') {
            const body = JSON.parse(raw) as { grant_type?: string; appid?: string; secret?: string }
            if (body.grant_type !== 'client_credential' || body.appid !== VENDOR.wechat.appId || body.secret !== VENDOR.wechat.appSecret)
              return send(200, { errcode: 40013, errmsg: 'invalid appid' })
            return send(200, { access_token: VENDOR.wechat.token, expires_in: 7200 })
          }
          if (url.pathname === '/cgi-bin/message/template/send') {
            if (url.searchParams.get('access_token') !== VENDOR.wechat.token)
              return send(200, { errcode: 40001, errmsg: 'invalid credential' })
            const body = JSON.parse(raw) as {
              touser?: string
              template_id?: string
              client_msg_id?: string
              data?: Record<string, { value?: unknown }>
            }
            if (!body.touser || !body.template_id || !body.data) return send(200, { errcode: 47003, errmsg: 'argument invalid' })
            for (const [k, v] of Object.entries(body.data)) {
              if (typeof v?.value !== 'string') return send(200, { errcode: 47003, errmsg: `argument invalid! data.${k}.value` })
              if (k.startsWith('thing') && [...v.value].length > 20)
                return send(200, { errcode: 47003, errmsg: `data.${k}.value exceeds 20` })
            }
            // one message per openid + client_msg_id
            const key = `${body.touser}|${body.client_msg_id ?? Math.random()}`
            if (!wechatSeen.has(key)) {
              wechatSeen.add(key)
              record(body)
            }
            return send(200, { errcode: 0, errmsg: 'ok', msgid: 200228332 + received.length })
          }
          return send(404, { errcode: 404, errmsg: 'unknown api' })
        }
        case 'webhook': {
          const ts = String(req.headers['x-aftercare-timestamp'] ?? '')
          const expected = `v1=${createHmac('sha256', VENDOR.webhook.signingSecret).update(`${ts}.${raw}`).digest('hex')}`
          if (req.headers['x-aftercare-signature'] !== expected || Math.abs(Number(ts) * 1000 - clock()) > 300_000)
            return send(401, { error: 'bad signature' })
          record(JSON.parse(raw) as Record<string, unknown>)
          return send(200, { ok: true })
        }
      }
    })().catch((e: unknown) => {
      res.writeHead(500)
      res.end(String(e))
    })
  })
  // longer than any pause in a test: a socket closed while the client reuses it reads as a network error
  server.keepAliveTimeout = 120_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    requests,
    failNext(vendor, failure, count = 1) {
      failures[vendor] = [...(failures[vendor] ?? []), ...Array.from({ length: count }, () => failure)]
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

export interface FakeSmtp {
  url: string
  mails: ParsedMail[]
  /** The next `count` messages are refused with this SMTP reply code. */
  refuseNext(code: number, count?: number): void
  close(): Promise<void>
}

/** An SMTP sink on 127.0.0.1 that parses every message it accepts. */
export async function startFakeSmtp(): Promise<FakeSmtp> {
  const mails: ParsedMail[] = []
  const refusals: number[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('end', () => {
        const code = refusals.shift()
        if (code) {
          const err = Object.assign(new Error(code >= 500 ? 'Mailbox unavailable' : 'Try again later'), { responseCode: code })
          return callback(err)
        }
        simpleParser(Buffer.concat(chunks))
          .then((mail) => {
            mails.push(mail)
            callback()
          })
          .catch((e: unknown) => callback(e as Error))
      })
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.server.address() as AddressInfo
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    refuseNext(code, count = 1) {
      for (let i = 0; i < count; i++) refusals.push(code)
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
