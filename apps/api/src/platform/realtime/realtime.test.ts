// The realtime WebSocket through a real listening server and the `ws` client: authentication,
// topic authorisation, delivery after commit only, tenant isolation, and (on PostgreSQL) fan-out
// from one server process to a client of another.
import { randomUUID } from 'node:crypto'
import type { RealtimeServerMessage } from '@aftercare/contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPostgres } from '../db/index.ts'
import { buildTenant, loginAs, signIn, type Client, type TestTenant } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { connect, eventOf, refusedUpgrade, wsUrl, type TestSocket } from './ws-client.fixture.ts'

const cookieOf = (c: Client) => ({ cookie: c.headers.cookie! })
/** RELIABILITY B-WS: a revocation closes the socket within 5 s (no periodic check runs in these tests). */
const within5s = <T>(p: Promise<T>) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('not within 5 s')), 5_000))])
const eventOn = (topic: string, type?: string) => (m: RealtimeServerMessage) =>
  m.type === 'event' && m.topic === topic && (type === undefined || m.event.type === type)

async function raise(
  rt: TestRuntime,
  tenantId: string,
  type: string,
  aggregateType: string,
  aggregateId: string,
  opts: { rollback?: boolean } = {},
) {
  await rt.database
    .withTenant(tenantId, async (tx) => {
      await rt.modules.deps.outbox.publish(tx, { tenantId, type, aggregateType, aggregateId })
      if (opts.rollback) throw new Error('rolled back on purpose')
    })
    .catch((e: Error) => {
      if (!opts.rollback) throw e
    })
}

describe('realtime WebSocket /api/ws', () => {
  let rt: TestRuntime
  let url: string
  let tenant: TestTenant
  let admin: Client
  let agent: Client
  const sockets: TestSocket[] = []
  const open = async (c: Client, extra: Record<string, string> = {}) => {
    const s = await connect(url, { ...cookieOf(c), ...extra })
    sockets.push(s)
    return s
  }

  beforeAll(async () => {
    rt = await createTestRuntime()
    url = wsUrl(await rt.app.listen({ port: 0, host: '127.0.0.1' }))
    tenant = await buildTenant(rt)
    admin = await loginAs(rt, tenant, 'admin')
    agent = await loginAs(rt, tenant, 'agent_l1')
  })
  afterAll(async () => {
    await Promise.all(sockets.map((s) => s.close()))
    await rt?.close()
  })

  it('refuses an upgrade without credentials or with a bad token (401), and a plain GET asks for the upgrade (426)', async () => {
    expect(await refusedUpgrade(url)).toBe(401)
    expect(await refusedUpgrade(url, { authorization: 'Bearer ac_not-a-real-token' })).toBe(401)
    expect(await refusedUpgrade(url, { cookie: 'aftercare_session=forged' })).toBe(401)
    const plain = await agent.get('/api/ws')
    expect(plain.statusCode).toBe(426)
    expect(plain.json().code).toBe('upgrade_required')
  })

  it('refuses a browser session from another site (cross-site WebSocket hijacking) and accepts its own origin', async () => {
    expect(await refusedUpgrade(url, { ...cookieOf(agent), origin: 'https://evil.example' })).toBe(403)
    const own = await open(agent, { origin: `http://${new URL(url).host}` })
    expect(await own.subscribe('tenant')).toEqual({ type: 'subscribed', topic: 'tenant' })
  })

  it('accepts an API token as a bearer credential (no cookie, no CSRF header)', async () => {
    const created = await agent.post('/api/auth/me/tokens', { name: 'realtime', scopes: ['tickets.read'] })
    expect(created.statusCode).toBe(201)
    const s = await connect(url, { authorization: `Bearer ${created.json().token}` })
    sockets.push(s)
    expect(await s.subscribe(`user:${agent.user.id}`)).toEqual({ type: 'subscribed', topic: `user:${agent.user.id}` })
  })

  it('refuses topics the actor may not see (forbidden) and topics of no known family (unknown_topic)', async () => {
    const s = await open(agent)
    expect(await s.subscribe(`user:${admin.user.id}`)).toMatchObject({ type: 'error', code: 'forbidden', topic: `user:${admin.user.id}` })
    // the family of all users needs users.read, which an agent lacks
    expect(await s.subscribe('user')).toMatchObject({ type: 'error', code: 'forbidden' })
    expect(await s.subscribe('payroll:1')).toMatchObject({ type: 'error', code: 'unknown_topic' })
    expect(await s.subscribe('Not A Topic!')).toMatchObject({ type: 'error', code: 'unknown_topic' })
    const contact = await open(await loginAs(rt, tenant, 'customer_contact'))
    expect(await contact.subscribe('tenant')).toMatchObject({ type: 'error', code: 'forbidden' })
    s.ws.send('not json')
    expect(await s.take((m) => m.type === 'error' && m.code === 'invalid_message')).toBeTruthy()
    s.send({ type: 'ping' })
    expect(await s.take((m) => m.type === 'pong')).toEqual({ type: 'pong' })
  })

  it('delivers a domain event once its transaction commits, and never one that rolled back', async () => {
    const s = await open(agent)
    const topic = `user:${agent.user.id}`
    await s.subscribe(topic)
    const tenantId = tenant.id
    await rt.database.withTenant(tenantId, async (tx) => {
      await rt.modules.deps.outbox.publish(tx, { tenantId, type: 'user.committed', aggregateType: 'user', aggregateId: agent.user.id })
      await new Promise((r) => setTimeout(r, 100))
      expect(s.pending()).toEqual([]) // not before the commit
    })
    await raise(rt, tenantId, 'user.rolled_back', 'user', agent.user.id, { rollback: true })
    await raise(rt, tenantId, 'user.sentinel', 'user', agent.user.id)
    await s.take(eventOn(topic, 'user.sentinel'))
    const committed = await s.take(eventOn(topic, 'user.committed'), 0)
    expect(eventOf(committed)).toMatchObject({ type: 'user.committed', aggregateType: 'user', aggregateId: agent.user.id })
    expect(eventOf(committed)!.id).toMatch(/^[0-9a-f-]{36}$/)
    expect(s.pending().filter((m) => m.type === 'event')).toEqual([])
  })

  it('brings a module its live updates with no extra code: a user created through the API reaches the "user" family', async () => {
    const s = await open(admin)
    await s.subscribe('user')
    const res = await admin.post('/api/users', {
      email: `new-${randomUUID().slice(0, 6)}@example.com`,
      name: '新同事',
      password: 'A-long-password-1',
      roles: ['agent_l1'],
    })
    expect(res.statusCode).toBe(201)
    const msg = await s.take(eventOn('user', 'user.created'))
    expect(eventOf(msg)).toEqual({ id: expect.any(String), type: 'user.created', aggregateType: 'user', aggregateId: res.json().id })
  })

  it('fans out what a module publishes, small or larger than a NOTIFY payload, and stops after unsubscribe', async () => {
    const s = await open(agent)
    await s.subscribe('tenant')
    await rt.modules.deps.realtime.publish(tenant.id, 'tenant', { kind: 'announcement', text: '系统将于今晚维护' })
    expect(eventOf(await s.take(eventOn('tenant')))).toEqual({ kind: 'announcement', text: '系统将于今晚维护' })
    const big = { kind: 'report', rows: Array.from({ length: 400 }, (_, i) => ({ i, name: `工单-${i}-${'x'.repeat(20)}` })) }
    expect(Buffer.byteLength(JSON.stringify(big))).toBeGreaterThan(8000)
    await rt.modules.deps.realtime.publish(tenant.id, 'tenant', big)
    expect(eventOf(await s.take(eventOn('tenant')))).toEqual(big)
    s.send({ type: 'unsubscribe', topic: 'tenant' })
    await s.take((m) => m.type === 'unsubscribed')
    await rt.modules.deps.realtime.publish(tenant.id, 'tenant', { kind: 'after-unsubscribe' })
    await s.subscribe(`user:${agent.user.id}`)
    await raise(rt, tenant.id, 'user.sentinel', 'user', agent.user.id)
    await s.take(eventOn(`user:${agent.user.id}`, 'user.sentinel'))
    expect(s.pending()).toEqual([])
  })

  it('fans out several messages published together, in order, small and large alike', async () => {
    const s = await open(agent)
    await s.subscribe('tenant')
    const big = { kind: 'report', rows: Array.from({ length: 400 }, (_, i) => ({ i, name: `工单-${i}-${'y'.repeat(20)}` })) }
    const messages = [{ n: 1, text: '第一条' }, big, { n: 2 }, { n: 3 }]
    await rt.modules.deps.realtime.publishMany(
      tenant.id,
      messages.map((message) => ({ topic: 'tenant', message })),
    )
    const got = []
    for (let i = 0; i < messages.length; i++) got.push(eventOf(await s.take(eventOn('tenant'))))
    // the small ones in order; the large one (stored, then announced) after them
    expect(got).toEqual([{ n: 1, text: '第一条' }, { n: 2 }, { n: 3 }, big])
    await expect(rt.modules.deps.realtime.publishMany(tenant.id, [{ topic: 'no such family!', message: {} }])).rejects.toThrow(
      /Invalid realtime topic/,
    )
  })

  it("never gives a client of tenant X another tenant's events, even on the same topic name", async () => {
    const other = await buildTenant(rt)
    const otherAdmin = await loginAs(rt, other, 'admin')
    const s = await open(admin)
    await s.subscribe('tenant')
    await s.subscribe('user')
    await rt.modules.deps.realtime.publish(other.id, 'tenant', { secret: 'tenant Y' })
    await raise(rt, other.id, 'user.created', 'user', otherAdmin.user.id)
    expect(
      (
        await otherAdmin.post('/api/users', {
          email: `y-${randomUUID().slice(0, 6)}@example.com`,
          name: 'Y',
          password: 'A-long-password-1',
          roles: ['agent_l1'],
        })
      ).statusCode,
    ).toBe(201)
    await rt.modules.deps.realtime.publish(tenant.id, 'tenant', { sentinel: true })
    expect(eventOf(await s.take(eventOn('tenant')))).toEqual({ sentinel: true })
    expect(s.pending()).toEqual([])
  })

  it('closes the connection of a session as soon as it ends (logout), without waiting for the periodic check', async () => {
    const c = await loginAs(rt, tenant, 'agent_l2')
    const s = await open(c)
    await s.subscribe(`user:${c.user.id}`)
    await rt.realtime!.recheck()
    expect(s.ws.readyState).toBe(s.ws.OPEN)
    expect((await c.post('/api/auth/logout')).statusCode).toBe(200)
    expect(await within5s(s.closed)).toEqual({ code: 4401, reason: 'session ended' })
  })

  it('closes the connection of a token an admin revokes, and the session connection of a user an admin disables', async () => {
    const c = await loginAs(rt, tenant, 'agent_l2')
    const created = (await c.post('/api/auth/me/tokens', { name: 'board', scopes: ['tickets.read'] })).json()
    const byToken = await connect(url, { authorization: `Bearer ${created.token}` })
    sockets.push(byToken)
    await byToken.subscribe(`user:${c.user.id}`)
    const bySession = await open(c)
    await bySession.subscribe(`user:${c.user.id}`)
    expect((await admin.delete(`/api/users/${c.user.id}/tokens/${created.apiToken.id}`)).statusCode).toBe(200)
    expect(await within5s(byToken.closed)).toEqual({ code: 4401, reason: 'session ended' })
    expect(bySession.ws.readyState).toBe(bySession.ws.OPEN)
    expect((await admin.post(`/api/users/${c.user.id}/disable`)).statusCode).toBe(200)
    expect(await within5s(bySession.closed)).toEqual({ code: 4401, reason: 'session ended' })
  })

  it('drops a topic at once when the user loses the role that allowed it', async () => {
    const c = await loginAs(rt, tenant, 'admin')
    const s = await open(c)
    expect(await s.subscribe('user')).toEqual({ type: 'subscribed', topic: 'user' })
    expect((await admin.patch(`/api/users/${c.user.id}`, { roles: ['agent_l1'] })).statusCode).toBe(200)
    expect(await within5s(s.take((m) => m.type === 'error' && m.topic === 'user'))).toMatchObject({ code: 'forbidden' })
    expect(s.ws.readyState).toBe(s.ws.OPEN)
  })
})

describe.runIf(!!process.env.TEST_DATABASE_URL)('realtime across two servers on PostgreSQL', () => {
  let one: TestRuntime
  let two: TestRuntime
  let url1: string
  let url2: string
  const pools: Awaited<ReturnType<typeof openPostgres>>[] = []

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) pools.push(await openPostgres(process.env.TEST_DATABASE_URL!, { max: 3 }))
    one = await createTestRuntime({ database: pools[0] })
    two = await createTestRuntime({ database: pools[1] })
    url1 = wsUrl(await one.app.listen({ port: 0, host: '127.0.0.1' }))
    url2 = wsUrl(await two.app.listen({ port: 0, host: '127.0.0.1' }))
  })
  afterAll(async () => {
    await one?.close()
    await two?.close()
    for (const p of pools) await p.close()
  })

  it('an event raised on server 1 reaches a client connected to server 2', async () => {
    const tenant = await buildTenant(one)
    const adminOnOne = await loginAs(one, tenant, 'admin')
    const s = await connect(url2, cookieOf(adminOnOne))
    try {
      expect(await s.subscribe('user')).toEqual({ type: 'subscribed', topic: 'user' })
      await s.subscribe('tenant')
      const created = await adminOnOne.post('/api/users', {
        email: `x-${randomUUID().slice(0, 6)}@example.com`,
        name: 'X',
        password: 'A-long-password-1',
        roles: ['engineer'],
      })
      expect(created.statusCode).toBe(201)
      expect(eventOf(await s.take(eventOn('user', 'user.created')))).toMatchObject({ aggregateId: created.json().id })
      await one.modules.deps.realtime.publish(tenant.id, 'tenant', { from: 'server 1' })
      expect(eventOf(await s.take(eventOn('tenant')))).toEqual({ from: 'server 1' })
      // and the other way round, through a session signed in on server 2
      const adminOnTwo = await signIn(two, tenant, adminOnOne.user)
      const s1 = await connect(url1, cookieOf(adminOnTwo))
      await s1.subscribe('user')
      const again = await adminOnTwo.post('/api/users', {
        email: `z-${randomUUID().slice(0, 6)}@example.com`,
        name: 'Z',
        password: 'A-long-password-1',
        roles: ['engineer'],
      })
      expect(eventOf(await s1.take(eventOn('user', 'user.created')))).toMatchObject({ aggregateId: again.json().id })
      await s1.close()
    } finally {
      await s.close()
    }
  })

  it('a token revoked on server 1 closes its connection on server 2, although server 2 had just looked the token up', async () => {
    const tenant = await buildTenant(one)
    const adminOnOne = await loginAs(one, tenant, 'admin')
    const agent = await loginAs(one, tenant, 'agent_l1')
    const created = (await agent.post('/api/auth/me/tokens', { name: 'wall board', scopes: ['tickets.read'] })).json()
    const s = await connect(url2, { authorization: `Bearer ${created.token}` })
    try {
      await s.subscribe(`user:${agent.user.id}`)
      expect((await adminOnOne.delete(`/api/users/${agent.user.id}/tokens/${created.apiToken.id}`)).statusCode).toBe(200)
      expect(await within5s(s.closed)).toEqual({ code: 4401, reason: 'session ended' })
    } finally {
      await s.close()
    }
  })
})
