import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestRuntime, type TestRuntime } from './test/harness.ts'
import { DEMO_PASSWORD, formatDemoLogins, seedDemo } from './seed.ts'

let rt: TestRuntime
beforeAll(async () => {
  rt = await createTestRuntime()
})
afterAll(() => rt?.close())

describe('demo seed', () => {
  it('creates tenant demo with one user per role who can sign in, and a second run changes nothing', async () => {
    const existedBefore = await rt.modules.identity.findTenantBySlug('demo')
    const first = await seedDemo(rt)
    expect(first.created).toBe(!existedBefore)
    expect(first.tenant).toMatchObject({ slug: 'demo', name: '演示企业' })
    expect(first.logins.map((l) => l.role)).toEqual([
      'admin',
      'supervisor',
      'agent_l1',
      'agent_l2',
      'dispatcher',
      'engineer',
      'warehouse_keeper',
      'provider_admin',
      'customer_contact',
    ])
    const count = async () =>
      (await rt.database.query<{ n: number }>('select count(*)::int as n from users where tenant_id = $1', [first.tenant.id]))[0]!.n
    const demoEmails = await rt.database.query<{ email: string }>('select email from users where tenant_id = $1', [first.tenant.id])
    expect(demoEmails.map((r) => r.email)).toEqual(expect.arrayContaining(first.logins.map((l) => l.email)))
    // on a shared PostgreSQL test database other tests may add users to the demo tenant
    const before = await count()
    if (first.created) expect(before).toBe(9)

    const second = await seedDemo(rt)
    expect(second.created).toBe(false)
    expect(second.tenant.id).toBe(first.tenant.id)
    expect(await count()).toBe(before)

    for (const l of first.logins) {
      const res = await rt.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: l.email, password: DEMO_PASSWORD, tenant: 'demo' },
      })
      expect(res.statusCode, l.email).toBe(200)
      expect(res.json().user.roles).toEqual([l.role])
      expect(res.json().user.locale).toBe('zh-CN')
    }
    expect(formatDemoLogins(first)).toContain('admin@demo.aftercare.local')
  })
})
