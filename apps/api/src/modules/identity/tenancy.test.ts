// Row-level security as the second wall: the application role sees only its tenant's rows.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPostgres, rows } from '../../platform/db/index.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { buildTenant, signIn } from './identity.fixtures.ts'
import { findUserSummary, isActiveWithRole } from './index.ts'

let rt: TestRuntime
let a: Awaited<ReturnType<typeof buildTenant>>
let b: Awaited<ReturnType<typeof buildTenant>>
beforeAll(async () => {
  rt = await createTestRuntime()
  a = await buildTenant(rt, ['admin', 'agent_l1'])
  b = await buildTenant(rt, ['admin'])
})
afterAll(() => rt?.close())

describe('tenant isolation', () => {
  it('a tenant transaction sees only its own users, even when asking for the other tenant by id', async () => {
    const seen = await rt.database.withTenant(a.tenant.id, (tx) =>
      rows<{ id: string; tenant_id: string }>(tx, sql`select id, tenant_id from users`),
    )
    expect(seen.length).toBe(2)
    expect(seen.every((r) => r.tenant_id === a.tenant.id)).toBe(true)
    const other = await rt.database.withTenant(a.tenant.id, (tx) => rows(tx, sql`select id from users where id = ${b.users.admin!.id}`))
    expect(other).toEqual([])
  })

  it('the application role without a tenant context sees zero rows in every identity table', async () => {
    const counts = await rt.database.transaction(async (tx) => {
      await tx.execute(sql.raw('set local role aftercare_app'))
      const out: Record<string, number> = {}
      for (const table of ['users', 'teams', 'team_members', 'sessions', 'api_tokens', 'audit_log', 'tenants']) {
        const [r] = await rows<{ n: number }>(tx, sql.raw(`select count(*)::int as n from ${table}`))
        out[table] = r!.n
      }
      return out
    })
    const owner = await rt.database.query<{ n: number }>('select count(*)::int as n from users')
    expect(owner[0]!.n).toBeGreaterThanOrEqual(3)
    expect(counts).toEqual({ users: 0, teams: 0, team_members: 0, sessions: 0, api_tokens: 0, audit_log: 0, tenants: 0 })
  })

  it('the application role cannot insert a row into another tenant', async () => {
    await expect(
      rt.database.withTenant(a.tenant.id, (tx) =>
        tx.execute(sql`insert into teams (tenant_id, name, created_at) values (${b.tenant.id}, 'Intruders', now())`),
      ),
    ).rejects.toThrow()
  })

  it('other modules see a user only inside its own tenant, and only while active', async () => {
    const agentId = a.users.agent_l1!.id
    expect(await rt.database.withTenant(a.tenant.id, (tx) => isActiveWithRole(tx, a.tenant.id, agentId, ['agent_l1', 'agent_l2']))).toBe(
      true,
    )
    expect(await rt.database.withTenant(a.tenant.id, (tx) => isActiveWithRole(tx, a.tenant.id, agentId, ['engineer']))).toBe(false)
    expect(await rt.database.withTenant(b.tenant.id, (tx) => findUserSummary(tx, a.tenant.id, agentId))).toBeUndefined()
  })

  it("an admin of one tenant gets 404 for another tenant's user", async () => {
    const admin = await signIn(rt, { email: a.users.admin!.email, tenant: a.tenant.slug })
    const res = await rt.app.inject({ method: 'GET', url: `/api/users/${b.users.admin!.id}`, headers: { cookie: admin.cookie } })
    expect(res.statusCode).toBe(404)
    const patch = await rt.app.inject({ method: 'POST', url: `/api/users/${b.users.admin!.id}/disable`, headers: admin.headers })
    expect(patch.statusCode).toBe(404)
    const list = await rt.app.inject({ method: 'GET', url: '/api/users?limit=200', headers: { cookie: admin.cookie } })
    expect(list.json().items.map((u: { id: string }) => u.id)).not.toContain(b.users.admin!.id)
  })
})

/** The tenant a transaction is scoped to ('' without one), the role it runs as, and the users it sees. */
const scopeOf = async (tx: Parameters<Parameters<TestRuntime['database']['withTenant']>[1]>[0]) => {
  const [r] = await rows<{ tenant: string | null; role: string; users: number }>(
    tx,
    sql`select coalesce(current_setting('app.tenant_id', true), '') as tenant, current_user as role, (select count(*)::int from users) as users`,
  )
  return r!
}

describe('tenant scope of transactions', () => {
  it('tenant transactions side by side each see their own tenant', async () => {
    const seen = await Promise.all(
      Array.from({ length: 12 }, (_, i) => {
        const t = i % 3 ? a : b
        return rt.database.withTenant(t.tenant.id, async (tx) => ({ want: t.tenant.id, users: t === a ? 2 : 1, got: await scopeOf(tx) }))
      }),
    )
    for (const s of seen) expect(s.got).toEqual({ tenant: s.want, role: 'aftercare_app', users: s.users })
    // the owner, afterwards in the same context, is not scoped
    expect((await rt.database.transaction(scopeOf)).tenant).toBe('')
  })

  // PGlite has one connection: a transaction cannot open inside another there.
  it.runIf(!!process.env.TEST_DATABASE_URL)(
    'a transaction opened inside a tenant transaction keeps its own scope (PostgreSQL)',
    async () => {
      const { outer, inner, owner } = await rt.database.withTenant(a.tenant.id, async (tx) => {
        const inner = await rt.database.withTenant(b.tenant.id, scopeOf)
        const owner = await rt.database.transaction(scopeOf)
        return { outer: await scopeOf(tx), inner, owner }
      })
      expect(outer).toEqual({ tenant: a.tenant.id, role: 'aftercare_app', users: 2 })
      expect(inner).toEqual({ tenant: b.tenant.id, role: 'aftercare_app', users: 1 })
      expect(owner.tenant).toBe('')
      expect(owner.role).not.toBe('aftercare_app')
    },
  )

  // Statements are prepared once per connection; on its generic plan a statement still filters by
  // the tenant of the transaction that runs it, and the owner, between two tenants, sees them all.
  it.runIf(!!process.env.TEST_DATABASE_URL)(
    'one prepared statement run for two tenants and the owner on one connection keeps to each (PostgreSQL)',
    async () => {
      const one = await openPostgres(process.env.TEST_DATABASE_URL!, { max: 1 })
      try {
        await one.query('set plan_cache_mode = force_generic_plan')
        const count = async (tx: Parameters<Parameters<TestRuntime['database']['withTenant']>[1]>[0]) => {
          const [r] = await rows<{ n: number }>(
            tx,
            sql`select count(*)::int as n from users where tenant_id in (${a.tenant.id}, ${b.tenant.id})`,
          )
          return r!.n
        }
        const seen: number[] = []
        for (let i = 0; i < 9; i++) {
          const t = [a, b, undefined][i % 3]
          seen.push(t ? await one.withTenant(t.tenant.id, count) : await one.transaction(count))
        }
        expect(seen).toEqual([2, 1, 3, 2, 1, 3, 2, 1, 3])
        const [plans] = await one.query<{ generic: number }>(
          `select generic_plans::int as generic from pg_prepared_statements where statement like 'select count(*)::int as n from users where tenant_id in%'`,
        )
        expect(plans!.generic).toBeGreaterThan(0)
      } finally {
        await one.close()
      }
    },
  )
})
