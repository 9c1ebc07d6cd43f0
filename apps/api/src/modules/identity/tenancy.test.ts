// Row-level security as the second wall: the application role sees only its tenant's rows.
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { rows } from '../../platform/db/index.ts'
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
