import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTenant, loginAs } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { uniqueKeyFields } from './error-handler.ts'

let rt: TestRuntime
beforeAll(async () => {
  rt = await createTestRuntime()
})
afterAll(async () => rt?.close())

describe('HTTP platform', () => {
  it('answers an unknown API route with a 404 error body naming the route', async () => {
    const res = await rt.app.inject({ url: '/api/does-not-exist' })
    expect(res.statusCode).toBe(404)
    expect(res.json()).toMatchObject({ code: 'not_found', message: 'Route GET /api/does-not-exist not found' })
    expect(res.headers['x-request-id']).toBeTruthy()
  })

  it('reports readiness with the database check', async () => {
    const res = await rt.app.inject({ url: '/readyz' })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ready', checks: { database: true } })
  })

  it('serves the generated OpenAPI document', async () => {
    const res = await rt.app.inject({ url: '/api/docs/json' })
    expect(res.statusCode).toBe(200)
    expect(res.json().paths['/api/version']).toBeDefined()
  })

  it('sets security headers', async () => {
    const res = await rt.app.inject({ url: '/api/version' })
    expect(res.headers['content-security-policy']).toContain("object-src 'none'")
    expect(res.headers['x-content-type-options']).toBe('nosniff')
    expect(res.headers['strict-transport-security']).toContain('max-age=31536000')
  })

  it('exposes Prometheus metrics to this machine only, unless a scraper brings METRICS_TOKEN', async () => {
    await rt.app.inject({ url: '/api/version' })
    const res = await rt.app.inject({ url: '/metrics' })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('aftercare_http_requests_total')
    // from elsewhere, or forwarded by a proxy: as if there were no such route
    expect((await rt.app.inject({ url: '/metrics', remoteAddress: '203.0.113.9' })).statusCode).toBe(404)
    expect((await rt.app.inject({ url: '/metrics', headers: { 'x-forwarded-for': '203.0.113.9' } })).statusCode).toBe(404)

    const withToken = await createTestRuntime({ config: { METRICS_TOKEN: 'scrape-token-0123456789' } })
    try {
      const from = { remoteAddress: '10.0.0.5' }
      expect((await withToken.app.inject({ url: '/metrics', ...from })).statusCode).toBe(404)
      expect(
        (await withToken.app.inject({ url: '/metrics', ...from, headers: { authorization: 'Bearer wrong-token-0123456789' } })).statusCode,
      ).toBe(404)
      expect(
        (await withToken.app.inject({ url: '/metrics', ...from, headers: { authorization: 'Bearer scrape-token-0123456789' } })).statusCode,
      ).toBe(200)
    } finally {
      await withToken.close()
    }
  })

  it('audits a signed-in caller’s refusal (403) with the route and the code', async () => {
    const tenant = await buildTenant(rt)
    const agent = await loginAs(rt, tenant, 'agent_l1')
    expect((await agent.post('/api/teams', { name: '越权' })).statusCode).toBe(403)
    let rows: { actor_id: string; after: { method: string; route: string; code: string } }[] = []
    for (let i = 0; i < 50 && !rows.length; i++) {
      rows = await rt.database.query("select actor_id, after from audit_log where tenant_id = $1 and action = 'access.denied'", [tenant.id])
      if (!rows.length) await new Promise((r) => setTimeout(r, 20))
    }
    expect(rows).toEqual([{ actor_id: agent.user.id, after: { method: 'POST', route: '/api/teams', code: 'forbidden' } }])
  })

  it('tells caches to keep nothing a signed-in person was shown', async () => {
    expect((await rt.app.inject({ url: '/api/version' })).headers['cache-control']).toBeUndefined()
    const tenant = await buildTenant(rt)
    const agent = await loginAs(rt, tenant, 'agent_l1')
    expect((await agent.get('/api/auth/me')).headers['cache-control']).toBe('no-store')
  })
})

describe('unique key fields from PostgreSQL detail', () => {
  it('names the columns, without the tenant, expressions reduced to their column, in camelCase', () => {
    expect(uniqueKeyFields('Key (tenant_id, code)=(7d0e…, repair) already exists.')).toEqual(['code'])
    expect(uniqueKeyFields('Key (tenant_id, lower(name::text))=(7d0e…, 一线) already exists.')).toEqual(['name'])
    expect(
      uniqueKeyFields("Key (tenant_id, COALESCE(owner_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name))=(…) already exists."),
    ).toEqual(['ownerId', 'name'])
    expect(uniqueKeyFields('Key (tenant_id, from_ticket_id, to_ticket_id)=(a, b, c) already exists.')).toEqual([
      'fromTicketId',
      'toTicketId',
    ])
    expect(uniqueKeyFields(undefined)).toEqual([])
  })
})
