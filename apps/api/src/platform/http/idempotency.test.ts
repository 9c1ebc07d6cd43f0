// Idempotency-Key through a real route (POST /api/customers) on a real database.
import { randomUUID } from 'node:crypto'
import pg from 'pg'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { buildApp, type App } from '../../app.ts'
import { buildTenant, loginAs, signIn, type Client, type TestTenant } from '../../test/factories.ts'
import { createTestRuntime, testConfig, type TestRuntime } from '../../test/harness.ts'
import { IN_FLIGHT_MS, KEY_TTL_MS, fingerprint, idempotencyStore } from './idempotency.ts'

let rt: TestRuntime
let tenant: TestTenant
let admin: Client

beforeAll(async () => {
  rt = await createTestRuntime()
  tenant = await buildTenant(rt)
  admin = await loginAs(rt, tenant, 'admin')
})
afterAll(() => rt?.close())

const key = () => randomUUID()
const withKey = (k: string) => ({ 'idempotency-key': k })
async function customersNamed(name: string, tenantId = tenant.id) {
  const [row] = await rt.database.query<{ n: number }>('select count(*)::int as n from customers where tenant_id = $1 and name = $2', [
    tenantId,
    name,
  ])
  return row!.n
}

describe('Idempotency-Key on POST', () => {
  it('replays the first answer for a retry of the same request, and creates once', async () => {
    const k = key()
    const name = `重试公司-${k.slice(0, 6)}`
    const first = await admin.post('/api/customers', { name, tier: 'gold' }, withKey(k))
    expect(first.statusCode).toBe(201)
    expect(first.headers['idempotent-replayed']).toBeUndefined()
    // the same body with its keys in another order is the same request
    const retry = await admin.post('/api/customers', { tier: 'gold', name }, withKey(k))
    expect(retry.statusCode).toBe(201)
    expect(retry.headers['idempotent-replayed']).toBe('true')
    expect(retry.json()).toEqual(first.json())
    expect(retry.headers.etag).toBe(first.headers.etag)
    expect(retry.headers['content-type']).toBe(first.headers['content-type'])
    expect(await customersNamed(name)).toBe(1)
  })

  it('answers 422 naming the header when the key is reused with a different body, and creates nothing', async () => {
    const k = key()
    const name = `甲-${k.slice(0, 6)}`
    expect((await admin.post('/api/customers', { name }, withKey(k))).statusCode).toBe(201)
    const other = await admin.post('/api/customers', { name: `${name}-改` }, withKey(k))
    expect(other.statusCode).toBe(422)
    expect(other.json().message).toContain('Idempotency-Key')
    expect(other.json().issues).toEqual([{ path: 'headers.idempotency-key', message: 'reused with a different request' }])
    expect(await customersNamed(`${name}-改`)).toBe(0)
  })

  it('keeps keys per actor and per tenant: the same key from someone else is a new request', async () => {
    const k = key()
    const name = `乙-${k.slice(0, 6)}`
    const supervisor = await loginAs(rt, tenant, 'supervisor')
    expect((await admin.post('/api/customers', { name }, withKey(k))).statusCode).toBe(201)
    const theirs = await supervisor.post('/api/customers', { name }, withKey(k))
    expect(theirs.statusCode).toBe(201)
    expect(theirs.headers['idempotent-replayed']).toBeUndefined()
    const otherTenant = await buildTenant(rt)
    const outsider = await loginAs(rt, otherTenant, 'admin')
    const elsewhere = await outsider.post('/api/customers', { name }, withKey(k))
    expect(elsewhere.statusCode).toBe(201)
    expect(elsewhere.headers['idempotent-replayed']).toBeUndefined()
    expect(await customersNamed(name)).toBe(2)
    expect(await customersNamed(name, otherTenant.id)).toBe(1)
  })

  it('answers 409 while the first request with the key is still running, and lets a retry take over a request that died', async () => {
    const k = key()
    const body = { name: `丙-${k.slice(0, 6)}` }
    // A first request that claimed the key and has not answered (yet, or ever: a crash).
    const claimed = await idempotencyStore(rt.database, rt.clock).claim(
      { tenantId: tenant.id, actorId: admin.user.id, key: k },
      fingerprint('POST', '/api/customers', body),
    )
    expect(claimed).toEqual({ kind: 'claimed' })
    const duplicate = await admin.post('/api/customers', body, withKey(k))
    expect(duplicate.statusCode).toBe(409)
    expect(duplicate.json().code).toBe('idempotency_in_flight')
    expect(await customersNamed(body.name)).toBe(0)
    rt.clock.advance(IN_FLIGHT_MS + 1000)
    const takeover = await admin.post('/api/customers', body, withKey(k))
    expect(takeover.statusCode).toBe(201)
    expect(await customersNamed(body.name)).toBe(1)
  })

  it('creates once when identical requests race', async () => {
    const k = key()
    const body = { name: `丁-${k.slice(0, 6)}` }
    const answers = await Promise.all(Array.from({ length: 6 }, () => admin.post('/api/customers', body, withKey(k))))
    const statuses = answers.map((a) => a.statusCode)
    expect(
      statuses.every((s) => s === 201 || s === 409),
      statuses.join(),
    ).toBe(true)
    expect(new Set(answers.filter((a) => a.statusCode === 201).map((a) => a.json().id)).size).toBe(1)
    expect(await customersNamed(body.name)).toBe(1)
  })

  it('forgets a key after 24 hours', async () => {
    const k = key()
    const name = `戊-${k.slice(0, 6)}`
    expect((await admin.post('/api/customers', { name }, withKey(k))).statusCode).toBe(201)
    rt.clock.advance(KEY_TTL_MS + 60_000)
    admin = await signIn(rt, tenant, admin.user) // the session idled out meanwhile; the same user signs in again
    const later = await admin.post('/api/customers', { name: `${name}-新` }, withKey(k))
    expect(later.statusCode).toBe(201)
    expect(later.headers['idempotent-replayed']).toBeUndefined()
  })

  it('replays a refused request too (the same input gets the same 400), and rejects a malformed key naming the header', async () => {
    const k = key()
    const bad = await admin.post('/api/customers', { name: '' }, withKey(k))
    expect(bad.statusCode).toBe(400)
    const again = await admin.post('/api/customers', { name: '' }, withKey(k))
    expect(again.statusCode).toBe(400)
    expect(again.headers['idempotent-replayed']).toBe('true')
    expect(again.json().issues).toEqual(bad.json().issues)
    const malformed = await admin.post('/api/customers', { name: '己' }, withKey('x'.repeat(300)))
    expect(malformed.statusCode).toBe(400)
    expect(malformed.json().issues).toEqual([{ path: 'headers.idempotency-key', message: 'malformed' }])
  })

  it('leaves requests without the header, public routes and routes that opt out alone', async () => {
    const name = `庚-${randomUUID().slice(0, 6)}`
    await admin.post('/api/customers', { name })
    await admin.post('/api/customers', { name })
    expect(await customersNamed(name)).toBe(2)
    // login is public: no actor to keep the key for, every login is its own session
    const login = { email: admin.user.email, password: 'Test-password-2026', tenant: tenant.slug }
    const k = key()
    const a = await rt.app.inject({ method: 'POST', url: '/api/auth/login', payload: login, headers: withKey(k) })
    const b = await rt.app.inject({ method: 'POST', url: '/api/auth/login', payload: login, headers: withKey(k) })
    expect([a.statusCode, b.statusCode]).toEqual([200, 200])
    expect(b.headers['idempotent-replayed']).toBeUndefined()
    expect(a.json().csrfToken).not.toBe(b.json().csrfToken)

    // a route declaring `idempotency: false`, in an app built with the same platform plugins
    let calls = 0
    const built = await buildApp({
      config: testConfig(),
      database: rt.database,
      authenticator: rt.modules.authenticator,
      serveWeb: false,
      routes: [
        (app: App) => {
          app.post(
            '/stream',
            {
              config: { access: { authenticated: true }, idempotency: false },
              schema: { response: { 200: z.object({ calls: z.number() }) } },
            },
            async () => ({ calls: ++calls }),
          )
        },
      ],
    })
    try {
      const post = () =>
        built.app.inject({ method: 'POST', url: '/api/stream', payload: {}, headers: { ...admin.headers, ...withKey('same') } })
      expect((await post()).json()).toEqual({ calls: 1 })
      expect((await post()).json()).toEqual({ calls: 2 })
    } finally {
      await built.app.close()
    }
  })
})

describe.runIf(!!process.env.TEST_DATABASE_URL)('Idempotency-Key under real concurrency (PostgreSQL)', () => {
  it('a duplicate sent while the first is blocked mid-transaction gets 409; after it, the answer is replayed', async () => {
    const blocker = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL })
    await blocker.connect()
    try {
      const k = key()
      const body = { name: `辛-${k.slice(0, 6)}` }
      await blocker.query('begin')
      await blocker.query('lock table customers in share row exclusive mode') // inserts wait, reads do not
      const first = admin.post('/api/customers', body, withKey(k))
      // wait until the first request holds the key (it is then blocked on its insert)
      for (let i = 0; i < 200; i++) {
        const [row] = await rt.database.query('select 1 from idempotency_keys where key = $1', [k])
        if (row) break
        await new Promise((r) => setTimeout(r, 25))
      }
      const duplicate = await admin.post('/api/customers', body, withKey(k))
      expect(duplicate.statusCode).toBe(409)
      await blocker.query('rollback')
      const answer = await first
      expect(answer.statusCode).toBe(201)
      const retry = await admin.post('/api/customers', body, withKey(k))
      expect(retry.headers['idempotent-replayed']).toBe('true')
      expect(retry.json()).toEqual(answer.json())
      expect(await customersNamed(body.name)).toBe(1)
    } finally {
      await blocker.end()
    }
  })
})
