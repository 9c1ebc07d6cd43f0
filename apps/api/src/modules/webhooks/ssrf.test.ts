// The SSRF guard with WEBHOOK_ALLOW_PRIVATE off (the default): webhook subscriptions and notification
// channels refuse loopback, private, link-local and metadata addresses when saved (422 naming the
// field), and sending checks the address actually connected to, so a name that resolves publicly when
// saved and privately later (DNS rebinding) never reaches the private address.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { DeliveryError, checkOutboundUrl, isPublicAddress, postOut, type OutboundPolicy } from '../notifications/index.ts'
import { hearNew } from '../notifications/notifications.fixture.ts'
import { buildTicketWorld, newTicket, ok, type TicketWorld } from '../tickets/tickets.fixtures.ts'

let rt: TestRuntime
let w: TicketWorld
let server: Server
let port: number
let hits = 0
const seen = new Set<string>()

beforeAll(async () => {
  rt = await createTestRuntime()
  w = await buildTicketWorld(rt)
  server = createServer((_req, res) => {
    hits++
    res.end('ok')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  port = (server.address() as AddressInfo).port
})
afterAll(async () => {
  await rt?.close()
  await new Promise<void>((resolve) => server?.close(() => resolve()))
})

const refused = [
  'http://127.0.0.1:8080/hook',
  'http://127.1.2.3/hook',
  'http://10.0.0.5/hook',
  'http://172.20.1.1/hook',
  'http://192.168.1.10/hook',
  'http://169.254.169.254/latest/meta-data/',
  'http://100.64.0.1/hook',
  'http://0.0.0.0/hook',
  'http://[::1]/hook',
  'http://[fe80::1]/hook',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://[::ffff:127.0.0.1]/hook',
  'http://localhost:3000/hook',
  'http://api.localhost/hook',
  'http://metadata.google.internal/computeMetadata/v1/',
]

describe('which addresses are public', () => {
  it('refuses loopback, private, shared, link-local, metadata, multicast and mapped forms; accepts public ones', () => {
    for (const ip of [
      '127.0.0.1',
      '10.1.2.3',
      '172.31.255.255',
      '192.168.0.1',
      '169.254.169.254',
      '100.100.100.200',
      '0.0.0.0',
      '224.0.0.1',
      '255.255.255.255',
    ])
      expect(isPublicAddress(ip), ip).toBe(false)
    for (const ip of [
      '::1',
      '::',
      'fe80::1',
      'fc00::1',
      'fd00:ec2::254',
      '::ffff:10.0.0.1',
      '::ffff:7f00:1',
      '64:ff9b::a9fe:a9fe',
      'ff02::1',
    ])
      expect(isPublicAddress(ip), ip).toBe(false)
    for (const ip of ['8.8.8.8', '1.1.1.1', '172.32.0.1', '100.128.0.1', '2606:4700:4700::1111', '::ffff:8.8.8.8'])
      expect(isPublicAddress(ip), ip).toBe(true)
    expect(isPublicAddress('not an ip')).toBe(false)
  })

  it('checks what a name resolves to when saved', async () => {
    const to = (address: string): OutboundPolicy => ({
      allowPrivate: false,
      resolve: () => Promise.resolve([{ address, family: address.includes(':') ? 6 : 4 }]),
    })
    expect(await checkOutboundUrl('https://erp.example.com/hook', to('10.2.3.4'))).toMatch(/10\.2\.3\.4/)
    expect(await checkOutboundUrl('https://erp.example.com/hook', to('fd12::1'))).toMatch(/fd12::1/)
    expect(await checkOutboundUrl('https://erp.example.com/hook', to('93.184.216.34'))).toBeUndefined()
    // a name that does not resolve yet is accepted: sending checks again
    expect(
      await checkOutboundUrl('https://erp.example.com/hook', {
        allowPrivate: false,
        resolve: () => Promise.reject(new Error('ENOTFOUND')),
      }),
    ).toBeUndefined()
    expect(await checkOutboundUrl('http://127.0.0.1/hook', { allowPrivate: true })).toBeUndefined()
  })
})

describe('saving', () => {
  it('a webhook subscription with a refused URL is 422 naming url; a public one is kept', async () => {
    for (const url of refused) {
      const res = await w.admin.post('/api/webhooks/subscriptions', { name: '内网', url, events: ['ticket.*'] })
      expect(res.statusCode, url).toBe(422)
      expect(
        (res.json() as { issues: { path: string }[] }).issues.map((i) => i.path),
        url,
      ).toEqual(['url'])
    }
    const { subscription } = await ok<{ subscription: { id: string; version: number } }>(
      w.admin.post('/api/webhooks/subscriptions', { name: '公网', url: 'http://93.184.216.34/hook', events: ['ticket.*'] }),
      201,
    )
    const moved = await w.admin.patch(`/api/webhooks/subscriptions/${subscription.id}`, { url: 'http://169.254.169.254/latest/meta-data/' })
    expect(moved.statusCode).toBe(422)
    expect(moved.body).toContain('url')
    expect((await ok<{ url: string }>(w.admin.get(`/api/webhooks/subscriptions/${subscription.id}`))).url).toBe('http://93.184.216.34/hook')
    await ok(w.admin.delete(`/api/webhooks/subscriptions/${subscription.id}`))
  })

  it('a webhook or robot channel with a refused URL is 422 naming settings.url / settings.endpoint', async () => {
    const hook = await w.admin.post('/api/notifications/channels', {
      kind: 'webhook',
      name: '值班系统',
      settings: { url: 'http://192.168.10.2/notify' },
      secrets: { signingSecret: 'a-signing-secret-of-enough-length' },
    })
    expect(hook.statusCode).toBe(422)
    expect((hook.json() as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual(['settings.url'])
    const robot = await w.admin.post('/api/notifications/channels', {
      kind: 'dingtalk_robot',
      name: '钉钉群',
      settings: { endpoint: 'http://[::1]:8080/robot/send' },
      secrets: { accessToken: 'token-123' },
    })
    expect(robot.statusCode).toBe(422)
    expect((robot.json() as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual(['settings.endpoint'])
    const created = await ok<{ id: string; version: number }>(
      w.admin.post('/api/notifications/channels', {
        kind: 'wecom_robot',
        name: '企业微信群',
        settings: { endpoint: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send' },
        secrets: { key: 'robot-key' },
      }),
      201,
    )
    const moved = await w.admin.patch(`/api/notifications/channels/${created.id}`, {
      settings: { endpoint: 'http://10.0.0.1/cgi-bin/webhook/send' },
    })
    expect(moved.statusCode).toBe(422)
    expect(moved.body).toContain('settings.endpoint')
    await ok(w.admin.delete(`/api/notifications/channels/${created.id}`))
  })
})

describe('sending', () => {
  it('a name that resolved publicly when saved and privately now is refused, and nothing reaches the private address', async () => {
    let answers = ['93.184.216.34', '127.0.0.1']
    const rebinding: OutboundPolicy = {
      allowPrivate: false,
      resolve: () => Promise.resolve([{ address: answers.shift() ?? '127.0.0.1', family: 4 }]),
    }
    const url = `http://hooks.rebind.example:${port}/hook`
    expect(await checkOutboundUrl(url, rebinding)).toBeUndefined()
    const before = hits
    const err = await postOut(url, { body: '{}' }, () => new Date(), rebinding).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(DeliveryError)
    expect(err).toMatchObject({ retryable: false, code: 'blocked_address' })
    expect(hits).toBe(before)
    // the connection goes to the address the guard resolved (the name exists nowhere else)
    answers = ['127.0.0.1']
    expect((await postOut(url, { body: '{}' }, () => new Date(), { ...rebinding, allowPrivate: true })).status).toBe(200)
    expect(hits).toBe(before + 1)
  })

  it('a stored subscription whose URL is private now fails for good without being called', async () => {
    const { subscription } = await ok<{ subscription: { id: string } }>(
      w.admin.post('/api/webhooks/subscriptions', { name: '迁移前保存', url: 'http://93.184.216.34/hook', events: ['ticket.created'] }),
      201,
    )
    // as saved before the guard existed, or by a name that now points inside
    await rt.database.query('update webhook_subscriptions set url = $1 where id = $2', [`http://127.0.0.1:${port}/hook`, subscription.id])
    const before = hits
    await newTicket(w)
    await hearNew(rt, w.tenant.id, seen)
    await rt.modules.webhooks.outgoing.deliverDue({ tenantId: w.tenant.id })
    const log = await ok<{ items: { status: string; lastError: string | null }[] }>(
      w.admin.get(`/api/webhooks/subscriptions/${subscription.id}/deliveries`),
    )
    expect(log.items).toHaveLength(1)
    expect(log.items[0]!.status).toBe('failed')
    expect(log.items[0]!.lastError).toMatch(/Refused/)
    expect(hits).toBe(before)
  })
})
