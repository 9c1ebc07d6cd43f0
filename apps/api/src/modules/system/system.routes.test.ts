import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { sealAuditLog } from '../../platform/audit/chain.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { buildTenant, signIn, type Client } from '../identity/identity.fixtures.ts'

let rt: TestRuntime
let t: Awaited<ReturnType<typeof buildTenant>>
let other: Awaited<ReturnType<typeof buildTenant>>
let admin: Client
let supervisor: Client

beforeAll(async () => {
  rt = await createTestRuntime({ config: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } })
  t = await buildTenant(rt, ['admin', 'supervisor'])
  other = await buildTenant(rt, ['admin'])
  admin = await signIn(rt, { email: t.users.admin!.email, tenant: t.tenant.slug })
  supervisor = await signIn(rt, { email: t.users.supervisor!.email, tenant: t.tenant.slug })
})
afterAll(() => rt?.close())

const get = (url: string, c: Client = admin) => rt.app.inject({ method: 'GET', url, headers: c.headers })

async function createTeams(n: number, prefix: string) {
  for (let i = 0; i < n; i++) {
    const res = await rt.app.inject({ method: 'POST', url: '/api/teams', headers: admin.headers, payload: { name: `${prefix}-${i}` } })
    expect(res.statusCode).toBe(201)
  }
}

describe('audit log for administrators', () => {
  it('lists the tenant’s entries newest first with the actor’s name, and walks every page by cursor', async () => {
    await createTeams(7, 'audit-walk')
    const seen: number[] = []
    let cursor: string | null = null
    do {
      const res = await get(`/api/admin/audit?action=team.&limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      expect(res.statusCode).toBe(200)
      const page = res.json() as {
        items: { id: number; action: string; actorName: string | null; actorId: string }[]
        nextCursor: string | null
      }
      for (const e of page.items) {
        expect(e.action.startsWith('team.')).toBe(true)
        expect(e.actorId).toBe(admin.userId)
        expect(e.actorName).toBe('admin user')
      }
      seen.push(...page.items.map((e) => e.id))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen.length).toBeGreaterThanOrEqual(7)
    expect(new Set(seen).size).toBe(seen.length)
    expect([...seen].sort((a, b) => b - a)).toEqual(seen)
  })

  it('filters by entity and time, and never shows another tenant’s entries', async () => {
    const created = await rt.app.inject({ method: 'POST', url: '/api/teams', headers: admin.headers, payload: { name: 'filter-me' } })
    const teamId = created.json().id as string
    const res = await get(`/api/admin/audit?entityType=team&entityId=${teamId}`)
    expect(res.json().items.map((e: { action: string }) => e.action)).toEqual(['team.created'])
    const future = await get(`/api/admin/audit?from=${encodeURIComponent(new Date(Date.now() + 86_400_000).toISOString())}`)
    expect(future.json().items).toEqual([])

    const otherAdmin = await signIn(rt, { email: other.users.admin!.email, tenant: other.tenant.slug })
    const theirs = await get(`/api/admin/audit?entityId=${teamId}`, otherAdmin)
    expect(theirs.statusCode).toBe(200)
    expect(theirs.json().items).toEqual([])
  })

  it('refuses a forged cursor and a bad date naming the field, and a role without audit.read', async () => {
    const forged = await get('/api/admin/audit?cursor=bm90LWEtY3Vyc29y')
    expect(forged.statusCode).toBe(400)
    expect(forged.json().message).toContain('cursor')
    const badDate = await get('/api/admin/audit?from=yesterday')
    expect(badDate.statusCode).toBe(400)
    expect(JSON.stringify(badDate.json())).toContain('from')
    expect((await get('/api/admin/audit', supervisor)).statusCode).toBe(403)
  })

  it('verifies the chain after sealing, and reports an edited entry', async () => {
    await createTeams(2, 'verify')
    // only this file's tenants: on PostgreSQL the database is shared with files that break chains on purpose
    const ours = { tenantIds: [t.tenant.id, other.tenant.id] }
    await sealAuditLog(rt.database, rt.clock, ours)
    const ok = await get('/api/admin/audit/verify')
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toMatchObject({ ok: true, pending: 0, broken: null })
    expect(ok.json().sealed).toBeGreaterThan(0)

    const [victim] = await rt.database.query<{ id: string; seq: string }>(
      "select id::text as id, seq::text as seq from audit_log where tenant_id = $1 and action = 'team.created' and seq is not null order by seq limit 1",
      [t.tenant.id],
    )
    await rt.database.query(`update audit_log set after = '{"name":"tampered"}'::jsonb where id = $1`, [victim!.id])
    const broken = await get('/api/admin/audit/verify')
    expect(broken.json()).toMatchObject({ ok: false, broken: { id: Number(victim!.id), seq: Number(victim!.seq) } })
    // the other tenant's chain is its own and still intact
    const otherAdmin = await signIn(rt, { email: other.users.admin!.email, tenant: other.tenant.slug })
    await sealAuditLog(rt.database, rt.clock, ours)
    expect((await get('/api/admin/audit/verify', otherAdmin)).json().ok).toBe(true)
  })
})

describe('dead letters', () => {
  async function deadEvent(tenantId: string, listener: string) {
    const [event] = await rt.database.query<{ id: string }>(
      `insert into outbox (tenant_id, type, aggregate_type, aggregate_id, payload) values ($1, 'ticket.created', 'ticket', 'T-1', '{}') returning id`,
      [tenantId],
    )
    await rt.database.query(
      `insert into outbox_deliveries (event_id, listener, tenant_id, event_seq, aggregate_key, status, attempts, available_at, last_error)
        values ($1, $2, $3, (select coalesce(max(event_seq), 0) + 1 from outbox_deliveries), 'ticket:T-1', 'dead', 10, now(), 'SMTP 550 mailbox unavailable')`,
      [event!.id, listener, tenantId],
    )
    return event!.id
  }

  it('shows this tenant’s dead deliveries and redelivers one, audited; another tenant’s stay dead', async () => {
    const mine = await deadEvent(t.tenant.id, 'notifications')
    const theirs = await deadEvent(other.tenant.id, 'notifications')
    const list = await get('/api/admin/dead-letters')
    expect(list.statusCode).toBe(200)
    const items = list.json().items as { eventId: string; listener: string; lastError: string; attempts: number; aggregate: string }[]
    expect(items.map((d) => d.eventId)).toContain(mine)
    expect(items.map((d) => d.eventId)).not.toContain(theirs)
    expect(items.find((d) => d.eventId === mine)).toMatchObject({
      listener: 'notifications',
      attempts: 10,
      aggregate: 'ticket:T-1',
      lastError: 'SMTP 550 mailbox unavailable',
    })

    const res = await rt.app.inject({
      method: 'POST',
      url: '/api/admin/dead-letters/redeliver',
      headers: admin.headers,
      payload: { eventId: mine },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ redelivered: 1 })
    const status = async (id: string) =>
      (
        await rt.database.query<{ status: string; attempts: number }>(
          'select status, attempts from outbox_deliveries where event_id = $1',
          [id],
        )
      )[0]
    expect(await status(mine)).toEqual({ status: 'pending', attempts: 0 })
    expect((await status(theirs))!.status).toBe('dead')
    const audited = await rt.database.query("select 1 from audit_log where tenant_id = $1 and action = 'outbox.redelivered'", [t.tenant.id])
    expect(audited).toHaveLength(1)

    // redelivering another tenant's event by id does nothing
    const cross = await rt.app.inject({
      method: 'POST',
      url: '/api/admin/dead-letters/redeliver',
      headers: admin.headers,
      payload: { eventId: theirs },
    })
    expect(cross.json()).toEqual({ redelivered: 0 })
    expect((await status(theirs))!.status).toBe('dead')
  })

  it('is for administrators only', async () => {
    expect((await get('/api/admin/dead-letters', supervisor)).statusCode).toBe(403)
  })
})
