// Webhooks through the HTTP API: subscriptions deliver signed events to a local receiver, retry for up
// to 72 h honouring Retry-After, keep a log with replay, switch themselves off after persistent failure
// (telling the admins), and inbound sources turn signed JSON into tickets exactly once per external id.
import { createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { webhookSlotEndMs } from '../notifications/index.ts'
import { hearNew, publish } from '../notifications/notifications.fixture.ts'
import { buildTicketWorld, newTicket, ok, type TicketWorld } from '../tickets/tickets.fixtures.ts'
import { FAILURES_BEFORE_DISABLE } from './index.ts'

const HOUR = 3_600_000

interface Hit {
  path: string
  headers: IncomingHttpHeaders
  raw: string
  status: number
}
interface Receiver {
  url: string
  hits: Hit[]
  /** Answers for the next requests (status, Retry-After); then 200. */
  answers: { status: number; retryAfter?: string }[]
  close(): Promise<void>
}

async function startReceiver(): Promise<Receiver> {
  const hits: Hit[] = []
  const answers: Receiver['answers'] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const a = answers.shift() ?? { status: 200 }
      hits.push({ path: req.url ?? '', headers: req.headers, raw: Buffer.concat(chunks).toString('utf8'), status: a.status })
      res.writeHead(a.status, a.retryAfter ? { 'retry-after': a.retryAfter } : {})
      res.end(a.status < 300 ? 'ok' : 'busy')
    })
  })
  server.keepAliveTimeout = 120_000
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    answers,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** What a receiver does with the documented scheme: HMAC-SHA256 over "<timestamp>.<raw body>", hex, "v1=". */
const expectedSignature = (secret: string, timestamp: string, raw: string) =>
  `v1=${createHmac('sha256', secret).update(`${timestamp}.${raw}`).digest('hex')}`

let rt: TestRuntime
let w: TicketWorld
let receiver: Receiver
const seen = new Set<string>()
const deliver = () => rt.modules.webhooks.outgoing.deliverDue({ tenantId: w.tenant.id })
const hitsOn = (path: string) => receiver.hits.filter((h) => h.path === path).length

/** A ticket.created as the outbox hands it to the webhooks' listener (no HTTP: the tests below travel days in time). */
async function raise() {
  const e = await publish(rt, { tenantId: w.tenant.id, type: 'ticket.created', payload: { ticketId: crypto.randomUUID() } })
  seen.add(e.id)
  await rt.modules.webhooks.outgoing.listener.handle(e)
}

interface DeliveryState {
  id: string
  status: string
  attempts: number
  nextAttemptAt: Date | null
  createdAt: Date
}
async function deliveriesOf(subscriptionId: string): Promise<DeliveryState[]> {
  const found = await rt.database.query<{
    id: string
    status: string
    attempts: number
    next_attempt_at: Date | string | null
    created_at: Date | string
  }>(
    'select id, status, attempts, next_attempt_at, created_at from webhook_deliveries where subscription_id = $1 order by created_at, id',
    [subscriptionId],
  )
  return found.map((r) => ({
    id: r.id,
    status: r.status,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at ? new Date(r.next_attempt_at) : null,
    createdAt: new Date(r.created_at),
  }))
}
async function subscriptionState(id: string) {
  const [row] = await rt.database.query<{ enabled: boolean; disabled_reason: string | null; consecutive_failures: number }>(
    'select enabled, disabled_reason, consecutive_failures from webhook_subscriptions where id = $1',
    [id],
  )
  return row!
}

beforeAll(async () => {
  // the receivers' fakes listen on 127.0.0.1
  rt = await createTestRuntime({ config: { WEBHOOK_ALLOW_PRIVATE: 'true' } })
  w = await buildTicketWorld(rt)
  receiver = await startReceiver()
})
afterAll(async () => {
  await rt?.close()
  await receiver?.close()
})

describe('outgoing subscriptions', () => {
  it('admins subscribe a URL to events; the secret is shown once; patterns are checked; others may not', async () => {
    const created = await ok<{ subscription: { id: string; events: string[] }; secret: string }>(
      w.admin.post('/api/webhooks/subscriptions', { name: 'ERP', url: `${receiver.url}/erp`, events: ['customer.*'] }),
      201,
    )
    expect(created.secret).toMatch(/^whsec_[\w-]{40,}$/)
    const again = await ok(w.admin.get(`/api/webhooks/subscriptions/${created.subscription.id}`))
    expect(JSON.stringify(again)).not.toContain(created.secret)
    const bad = await w.admin.post('/api/webhooks/subscriptions', { name: 'x', url: `${receiver.url}/x`, events: ['Ticket Created'] })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('events')
    expect((await w.admin.post('/api/webhooks/subscriptions', { name: 'x', url: 'ftp://example.com', events: ['*'] })).body).toContain(
      'url',
    )
    expect((await w.agent.get('/api/webhooks/subscriptions')).statusCode).toBe(403)
    await ok(w.admin.delete(`/api/webhooks/subscriptions/${created.subscription.id}`))
  })

  it('delivers matching events signed as documented, never private ones, and logs each delivery', async () => {
    const { subscription, secret } = await ok<{ subscription: { id: string }; secret: string }>(
      w.admin.post('/api/webhooks/subscriptions', {
        name: '工单同步',
        url: `${receiver.url}/tickets`,
        events: ['ticket.*', 'notification.otp_requested'],
      }),
      201,
    )
    const t = await newTicket(w)
    await rt.database.withTenant(w.tenant.id, (tx) =>
      rt.modules.deps.outbox.publish(tx, {
        tenantId: w.tenant.id,
        type: 'notification.otp_requested',
        payload: { channel: 'sms', to: '13800000000', code: '123456' },
      }),
    )
    await hearNew(rt, w.tenant.id, seen)
    await deliver()
    const hits = receiver.hits.filter((h) => h.path === '/tickets')
    expect(hits).toHaveLength(1)
    const hit = hits[0]!
    const body = JSON.parse(hit.raw) as { id: string; type: string; createdAt: string; data: Record<string, unknown> }
    expect(body).toMatchObject({ type: 'ticket.created', data: { ticketId: t.id, number: t.number, channel: 'workbench' } })
    expect(hit.headers['x-aftercare-event']).toBe('ticket.created')
    expect(hit.headers['x-aftercare-signature']).toBe(expectedSignature(secret, String(hit.headers['x-aftercare-timestamp']), hit.raw))
    expect(Math.abs(Number(hit.headers['x-aftercare-timestamp']) - rt.clock.now().getTime() / 1000)).toBeLessThan(5)
    expect(receiver.hits.some((h) => h.raw.includes('123456'))).toBe(false)
    const log = await ok<{ items: { id: string; status: string; responseStatus: number; eventType: string }[] }>(
      w.admin.get(`/api/webhooks/subscriptions/${subscription.id}/deliveries`),
    )
    expect(log.items).toEqual([
      expect.objectContaining({
        status: 'sent',
        responseStatus: 200,
        eventType: 'ticket.created',
        id: hit.headers['x-aftercare-delivery'],
      }),
    ])
    await ok(w.admin.delete(`/api/webhooks/subscriptions/${subscription.id}`))
  })

  it('retries after Retry-After; a replay sends the same body and delivery id with a fresh signature', async () => {
    const { subscription, secret } = await ok<{ subscription: { id: string }; secret: string }>(
      w.admin.post('/api/webhooks/subscriptions', { name: '监控', url: `${receiver.url}/retry`, events: ['ticket.created'] }),
      201,
    )
    receiver.answers.push({ status: 503, retryAfter: '90' })
    await newTicket(w)
    await hearNew(rt, w.tenant.id, seen)
    await deliver()
    const list = () =>
      ok<{ items: { id: string; status: string; attempts: number; nextAttemptAt: string | null; responseStatus: number | null }[] }>(
        w.admin.get(`/api/webhooks/subscriptions/${subscription.id}/deliveries`),
      )
    let [d] = (await list()).items
    expect(d).toMatchObject({ status: 'retrying', attempts: 1, responseStatus: 503 })
    expect(new Date(d!.nextAttemptAt!).getTime() - rt.clock.now().getTime()).toBeGreaterThanOrEqual(90_000)
    rt.clock.set(new Date(d!.nextAttemptAt!))
    await deliver()
    ;[d] = (await list()).items
    expect(d).toMatchObject({ status: 'sent', attempts: 2 })

    rt.clock.set(new Date(rt.clock.now().getTime() + 60_000))
    const replay = await ok<{ id: string; status: string; replayOf: string }>(w.admin.post(`/api/webhooks/deliveries/${d!.id}/replay`))
    expect(replay).toMatchObject({ status: 'sent', replayOf: d!.id })
    const hits = receiver.hits.filter((h) => h.path === '/retry')
    expect(hits).toHaveLength(3)
    const [, original, replayed] = hits
    expect(replayed!.raw).toBe(original!.raw)
    expect(replayed!.headers['x-aftercare-delivery']).toBe(original!.headers['x-aftercare-delivery'])
    expect(replayed!.headers['x-aftercare-timestamp']).not.toBe(original!.headers['x-aftercare-timestamp'])
    expect(replayed!.headers['x-aftercare-signature']).toBe(
      expectedSignature(secret, String(replayed!.headers['x-aftercare-timestamp']), replayed!.raw),
    )
    expect((await w.admin.post(`/api/webhooks/deliveries/${crypto.randomUUID()}/replay`)).statusCode).toBe(404)
    await ok(w.admin.delete(`/api/webhooks/subscriptions/${subscription.id}`))
  })

  it('honours Retry-After up to 6 h: a receiver asking for a day is tried again after 6 h', async () => {
    const { subscription } = await ok<{ subscription: { id: string } }>(
      w.admin.post('/api/webhooks/subscriptions', { name: '限流', url: `${receiver.url}/later`, events: ['ticket.created'] }),
      201,
    )
    receiver.answers.push({ status: 429, retryAfter: '86400' })
    await raise()
    await deliver()
    const [d] = await deliveriesOf(subscription.id)
    expect(d).toMatchObject({ status: 'retrying', attempts: 1 })
    expect(d!.nextAttemptAt!.getTime() - rt.clock.now().getTime()).toBe(6 * HOUR)
    await ok(w.admin.delete(`/api/webhooks/subscriptions/${subscription.id}`))
  })

  it('a receiver that just failed gets no more of the batch: the rest wait, unattempted, for the next run', async () => {
    const { subscription } = await ok<{ subscription: { id: string } }>(
      w.admin.post('/api/webhooks/subscriptions', { name: '繁忙', url: `${receiver.url}/busy`, events: ['ticket.created'] }),
      201,
    )
    receiver.answers.push({ status: 503, retryAfter: '60' })
    await raise()
    await raise()
    expect(await deliver()).toBe(1)
    expect(hitsOn('/busy')).toBe(1)
    const states = async () => (await deliveriesOf(subscription.id)).map((d) => `${d.status}/${d.attempts}`).sort()
    expect(await states()).toEqual(['queued/0', 'retrying/1'])
    // the next run (same moment): the one that waited goes; the one that failed waits for its Retry-After
    expect(await deliver()).toBe(1)
    expect(await states()).toEqual(['retrying/1', 'sent/1'])
    rt.clock.set(new Date(rt.clock.now().getTime() + 60_000))
    await deliver()
    expect(await states()).toEqual(['sent/1', 'sent/2'])
    await ok(w.admin.delete(`/api/webhooks/subscriptions/${subscription.id}`))
  })

  it(`switches itself off after ${FAILURES_BEFORE_DISABLE} permanent refusals in a row (410), none of them retried`, async () => {
    const { subscription } = await ok<{ subscription: { id: string } }>(
      w.admin.post('/api/webhooks/subscriptions', { name: '已下线', url: `${receiver.url}/gone`, events: ['ticket.created'] }),
      201,
    )
    for (let i = 0; i < FAILURES_BEFORE_DISABLE; i++) receiver.answers.push({ status: 410 })
    for (let i = 0; i < FAILURES_BEFORE_DISABLE; i++) await raise()
    await deliver()
    expect(hitsOn('/gone')).toBe(FAILURES_BEFORE_DISABLE)
    const all = await deliveriesOf(subscription.id)
    expect(all).toHaveLength(FAILURES_BEFORE_DISABLE)
    expect(all.every((d) => d.status === 'failed' && d.attempts === 1 && d.nextAttemptAt === null)).toBe(true)
    const sub = await subscriptionState(subscription.id)
    expect(sub).toMatchObject({ enabled: false, consecutive_failures: FAILURES_BEFORE_DISABLE })
    expect(sub.disabled_reason).toContain('HTTP 410')
    await hearNew(rt, w.tenant.id, seen)
    const bell = await ok<{ items: { eventType: string; title: string }[] }>(w.admin.get('/api/notifications'))
    expect(bell.items.some((i) => i.eventType === 'webhook.disabled' && i.title === 'Webhook “已下线”已被自动停用')).toBe(true)
    await ok(w.admin.delete(`/api/webhooks/subscriptions/${subscription.id}`))
  })

  it('retries a failing receiver for up to 72 h (≤ 15 attempts per event, one per growing slot) and keeps queuing; then switches it off, tells the admins, and delivers what is left once enabled again', async () => {
    const { subscription } = await ok<{ subscription: { id: string } }>(
      w.admin.post('/api/webhooks/subscriptions', { name: '旧系统', url: `${receiver.url}/down`, events: ['ticket.created'] }),
      201,
    )
    const t0 = rt.clock.now()
    const since = (d: Date) => d.getTime() - t0.getTime()
    /** Delivery id → when each attempt was made, from the delivery's creation. */
    const attemptsAt = new Map<string, number[]>()
    let offAt: Date | undefined
    let raisedLater = false
    receiver.answers.push(...Array.from({ length: 100 }, () => ({ status: 500 })))
    try {
      await raise()
      await raise()
      for (let round = 0; round < 200; round++) {
        await deliver()
        const all = await deliveriesOf(subscription.id)
        for (const d of all) {
          const at = attemptsAt.get(d.id) ?? []
          while (at.length < d.attempts) at.push(rt.clock.now().getTime() - d.createdAt.getTime())
          attemptsAt.set(d.id, at)
        }
        if (!(await subscriptionState(subscription.id)).enabled) {
          offAt = rt.clock.now()
          break
        }
        // an event raised when the receiver has been failing for hours is still queued and tried
        if (!raisedLater && since(rt.clock.now()) > 3 * HOUR) {
          await raise()
          raisedLater = true
          continue
        }
        const due = all.filter((d) => d.status === 'queued' || d.status === 'retrying').map((d) => d.nextAttemptAt!.getTime())
        if (!due.length) break
        rt.clock.set(new Date(Math.max(rt.clock.now().getTime(), Math.min(...due))))
      }
      expect(offAt).toBeDefined()
      expect(since(offAt!)).toBeGreaterThan(webhookSlotEndMs(13))
      expect(since(offAt!)).toBeLessThanOrEqual(72 * HOUR)
      const all = await deliveriesOf(subscription.id)
      expect(all).toHaveLength(3)
      for (const at of attemptsAt.values()) expect(at.length).toBeLessThanOrEqual(15)
      expect(hitsOn('/down')).toBe([...attemptsAt.values()].reduce((n, at) => n + at.length, 0))
      // the one that gave up: 15 attempts, retry k within slot k, the last after 68 h
      const dead = all.find((d) => d.status === 'dead')!
      const at = attemptsAt.get(dead.id)!
      expect(at).toHaveLength(15)
      at.forEach((ms, k) => {
        expect(ms).toBeGreaterThanOrEqual(webhookSlotEndMs(k - 1))
        expect(ms).toBeLessThanOrEqual(webhookSlotEndMs(k))
      })
      expect(at.at(-1)).toBeGreaterThan(68 * HOUR)
      const later = all.find((d) => since(d.createdAt) > 3 * HOUR)!
      expect(attemptsAt.get(later.id)!.length).toBeGreaterThan(5)
      const sub = await subscriptionState(subscription.id)
      expect(sub.disabled_reason).toContain('gave up after 15 attempts')
      expect(sub.disabled_reason).toContain('HTTP 500')
      // nothing more goes out while it is off
      const before = hitsOn('/down')
      await raise()
      await deliver()
      expect(hitsOn('/down')).toBe(before)
    } finally {
      receiver.answers.length = 0
      // back to the desk's time: the people below are still signed in
      rt.clock.set(new Date(t0.getTime() + 60_000))
    }
    // the admins hear of it in the bell
    await hearNew(rt, w.tenant.id, seen)
    const bell = await ok<{ items: { eventType: string; title: string; body: string }[] }>(w.admin.get('/api/notifications'))
    const notice = bell.items.find((i) => i.eventType === 'webhook.disabled' && i.title === 'Webhook “旧系统”已被自动停用')!
    expect(notice.body).toContain(`${receiver.url}/down`)

    const back = await ok<{ enabled: boolean; consecutiveFailures: number; disabledReason: string | null }>(
      w.admin.patch(`/api/webhooks/subscriptions/${subscription.id}`, { enabled: true }),
    )
    expect(back).toMatchObject({ enabled: true, consecutiveFailures: 0, disabledReason: null })
    // the events still inside their 72 h go out once due, each reaching the receiver once
    const pending = (await deliveriesOf(subscription.id)).filter((d) => d.status === 'retrying')
    expect(pending.length).toBeGreaterThan(0)
    try {
      rt.clock.set(new Date(Math.max(...pending.map((d) => d.nextAttemptAt!.getTime()))))
      await deliver()
      const after = await deliveriesOf(subscription.id)
      for (const p of pending) expect(after.find((d) => d.id === p.id)).toMatchObject({ status: 'sent' })
      const delivered = receiver.hits.filter((h) => h.path === '/down' && h.status === 200).map((h) => h.headers['x-aftercare-delivery'])
      expect(delivered.sort()).toEqual(pending.map((p) => p.id).sort())
    } finally {
      rt.clock.set(new Date(t0.getTime() + 2 * 60_000))
    }
  })
})

describe('inbound webhooks', () => {
  const sign = (secret: string, raw: string, at: Date) => {
    const ts = String(Math.floor(at.getTime() / 1000))
    return { 'content-type': 'application/json', 'x-aftercare-timestamp': ts, 'x-aftercare-signature': expectedSignature(secret, ts, raw) }
  }

  it('a signed order becomes one ticket with the mapped fields; a retry answers with the same ticket', async () => {
    const { source, secret } = await ok<{ source: { id: string; url: string }; secret: string }>(
      w.admin.post('/api/webhooks/inbound-sources', {
        name: '天猫店铺',
        customerId: w.customerA,
        typeId: w.types.repair,
        queueId: w.queue,
        defaultPriority: 'P3',
        channel: 'api',
        mapping: {
          subject: '订单 {{order.id}} 售后：{{order.reason}}',
          description: '商品：{{order.items.0.name}}\n买家留言：{{order.remark}}',
          externalId: '{{order.id}}',
          priority: '{{order.level}}',
          requesterName: '{{buyer.name}}',
          requesterPhone: '{{buyer.mobile}}',
          requesterEmail: '{{buyer.email}}',
          tags: ['电商', '{{order.shop}}'],
        },
      }),
      201,
    )
    expect(source.url).toMatch(new RegExp(`/api/webhooks/inbound/${source.id}$`))
    const doc = {
      order: { id: 'TM20260506001', reason: '屏幕不亮', level: 'p2', remark: '请尽快', shop: '旗舰店', items: [{ name: '智能门锁 X1' }] },
      buyer: { name: '周敏', mobile: '13712345678', email: 'not-an-email' },
    }
    const raw = JSON.stringify(doc)
    const draft = await ok<{ subject: string; priority: string; requesterEmail: string | null }>(
      w.admin.post(`/api/webhooks/inbound-sources/${source.id}/test`, { document: doc }),
    )
    expect(draft).toMatchObject({ subject: '订单 TM20260506001 售后：屏幕不亮', priority: 'P2', requesterEmail: null })
    // the editor previews an unsaved mapping: the saved one is not changed by it
    const unsaved = await ok<{ subject: string; priority: string; tags: string[] }>(
      w.admin.post(`/api/webhooks/inbound-sources/${source.id}/test`, {
        document: doc,
        mapping: { subject: '售后 {{order.id}}', priority: '{{nothing.here}}', tags: ['电商'] },
        defaultPriority: 'P1',
      }),
    )
    expect(unsaved).toMatchObject({ subject: '售后 TM20260506001', priority: 'P1', tags: ['电商'] })
    const bad = await w.admin.post(`/api/webhooks/inbound-sources/${source.id}/test`, { document: doc, mapping: { subject: '' } })
    expect(bad.statusCode).toBe(400)
    expect(JSON.stringify(bad.json())).toContain('mapping.subject')
    expect(await ok(w.admin.post(`/api/webhooks/inbound-sources/${source.id}/test`, { document: doc }))).toEqual(draft)

    const url = `/api/webhooks/inbound/${source.id}`
    const first = await rt.app.inject({ method: 'POST', url, payload: raw, headers: sign(secret, raw, rt.clock.now()) })
    expect(first.statusCode, first.body).toBe(201)
    const accepted = first.json() as { ticketId: string; number: string; duplicate: boolean }
    expect(accepted.duplicate).toBe(false)
    const ticket = await ok<Record<string, unknown>>(w.agent.get(`/api/tickets/${accepted.ticketId}`))
    expect(ticket).toMatchObject({
      subject: '订单 TM20260506001 售后：屏幕不亮',
      description: '商品：智能门锁 X1\n买家留言：请尽快',
      priority: 'P2',
      channel: 'api',
      customerId: w.customerA,
      queueId: w.queue,
      requesterName: '周敏',
      requesterPhone: '13712345678',
      requesterEmail: null,
      tags: ['电商', '旗舰店'],
    })
    const retry = await rt.app.inject({ method: 'POST', url, payload: raw, headers: sign(secret, raw, rt.clock.now()) })
    expect(retry.statusCode).toBe(200)
    expect(retry.json()).toEqual({ ticketId: accepted.ticketId, number: accepted.number, duplicate: true })
  })

  it('refuses bad signatures, stale timestamps, unknown sources and documents the mapping cannot name', async () => {
    const { source, secret } = await ok<{ source: { id: string }; secret: string }>(
      w.admin.post('/api/webhooks/inbound-sources', {
        name: '监控平台',
        customerId: w.customerB,
        typeId: w.types.repair,
        mapping: { subject: '{{alert.title}}' },
      }),
      201,
    )
    const url = `/api/webhooks/inbound/${source.id}`
    const raw = JSON.stringify({ alert: { title: '机房温度过高' } })
    const forged = await rt.app.inject({ method: 'POST', url, payload: raw, headers: sign('whsec_wrong', raw, rt.clock.now()) })
    expect(forged.statusCode).toBe(401)
    expect(forged.json().code).toBe('bad_signature')
    const tampered = await rt.app.inject({
      method: 'POST',
      url,
      payload: raw.replace('过高', '正常'),
      headers: sign(secret, raw, rt.clock.now()),
    })
    expect(tampered.json().code).toBe('bad_signature')
    const old = await rt.app.inject({
      method: 'POST',
      url,
      payload: raw,
      headers: sign(secret, raw, new Date(rt.clock.now().getTime() - 10 * 60_000)),
    })
    expect(old.json().code).toBe('stale_signature')
    expect(
      (
        await rt.app.inject({
          method: 'POST',
          url: `/api/webhooks/inbound/${crypto.randomUUID()}`,
          payload: raw,
          headers: sign(secret, raw, rt.clock.now()),
        })
      ).statusCode,
    ).toBe(404)
    const empty = JSON.stringify({ other: 1 })
    const unnamed = await rt.app.inject({ method: 'POST', url, payload: empty, headers: sign(secret, empty, rt.clock.now()) })
    expect(unnamed.statusCode).toBe(422)
    expect(unnamed.json().issues[0].path).toBe('mapping.subject')
    // without an external id every push is a new ticket
    const a = await rt.app.inject({ method: 'POST', url, payload: raw, headers: sign(secret, raw, rt.clock.now()) })
    const b = await rt.app.inject({ method: 'POST', url, payload: raw, headers: sign(secret, raw, rt.clock.now()) })
    expect(a.statusCode).toBe(201)
    expect(b.json().ticketId).not.toBe(a.json().ticketId)
    // switched off: gone
    await ok(w.admin.patch(`/api/webhooks/inbound-sources/${source.id}`, { enabled: false }))
    expect((await rt.app.inject({ method: 'POST', url, payload: raw, headers: sign(secret, raw, rt.clock.now()) })).statusCode).toBe(404)
    const badCustomer = await w.admin.post('/api/webhooks/inbound-sources', {
      name: 'x',
      customerId: crypto.randomUUID(),
      typeId: w.types.repair,
      mapping: { subject: 'x' },
    })
    expect(badCustomer.json().issues[0].path).toBe('customerId')
  })
})
