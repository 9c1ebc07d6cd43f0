import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { buildTenant, login, signIn, type Client } from './identity.fixtures.ts'

let rt: TestRuntime
let t: Awaited<ReturnType<typeof buildTenant>>
let admin: Client

beforeAll(async () => {
  rt = await createTestRuntime({ config: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } })
  t = await buildTenant(rt, ['admin', 'agent_l1', 'supervisor'])
  admin = await signIn(rt, { email: t.users.admin!.email, tenant: t.tenant.slug })
})
afterAll(() => rt?.close())

const newUser = (over: Record<string, unknown> = {}) => ({
  email: `u-${Math.random().toString(36).slice(2, 8)}@Example.COM`,
  name: '新用户',
  password: 'initial password 1',
  roles: ['agent_l1'],
  ...over,
})
const create = (body: unknown, headers = admin.headers) =>
  rt.app.inject({ method: 'POST', url: '/api/users', headers, payload: body as object })
const userCount = async () =>
  (await rt.database.query<{ n: number }>('select count(*)::int as n from users where tenant_id = $1', [t.tenant.id]))[0]!.n

describe('admin creates users', () => {
  it('creates a user who then signs in; audit and outbox carry no secret', async () => {
    const res = await create(newUser({ email: 'Li.Na@Example.COM', phone: '+86 139 1234 5678' }))
    expect(res.statusCode).toBe(201)
    expect(res.headers.etag).toBe('"v1"')
    const user = res.json()
    expect(user).toMatchObject({
      email: 'Li.Na@example.com',
      roles: ['agent_l1'],
      status: 'active',
      locale: 'zh-CN',
      totpEnabled: false,
      version: 1,
    })
    const signedIn = await login(rt, { email: 'li.na@example.com', tenant: t.tenant.slug, password: 'initial password 1' })
    expect(signedIn.statusCode).toBe(200)

    const [entry] = await rt.database.query<{ after: Record<string, unknown>; actor_id: string }>(
      "select after, actor_id from audit_log where tenant_id = $1 and action = 'user.created' and entity_id = $2",
      [t.tenant.id, user.id],
    )
    expect(entry!.actor_id).toBe(admin.userId)
    expect(entry!.after).toMatchObject({ email: 'Li.Na@example.com', roles: ['agent_l1'] })
    const [event] = await rt.database.query<{ payload: Record<string, unknown> }>(
      "select payload from outbox where tenant_id = $1 and type = 'user.created' and aggregate_id = $2",
      [t.tenant.id, user.id],
    )
    expect(event!.payload).toMatchObject({ userId: user.id, roles: ['agent_l1'] })
    const everything = JSON.stringify([entry, event])
    expect(everything).not.toContain('initial password 1')
    expect(everything).not.toContain('argon2')
  })

  it('refuses a duplicate email in any letter case, and stores nothing', async () => {
    await create(newUser({ email: 'dup@example.com' }))
    const before = await userCount()
    const res = await create(newUser({ email: 'DUP@Example.com' }))
    expect(res.statusCode).toBe(409)
    expect(res.json()).toMatchObject({ code: 'email_taken', issues: [{ path: 'email' }] })
    expect(await userCount()).toBe(before)
  })

  it('names the field for bad input and stores nothing', async () => {
    const before = await userCount()
    const cases: [Record<string, unknown>, string, number][] = [
      [newUser({ email: 'not-an-email' }), 'body.email', 400],
      [newUser({ roles: ['pope'] }), 'body.roles.0', 400],
      [newUser({ roles: [] }), 'body.roles', 400],
      [newUser({ password: 'short' }), 'body.password', 400],
      [newUser({ name: 'a\r\nBcc: x' }), 'body.name', 400],
      [newUser({ teamIds: ['00000000-0000-4000-8000-000000000000'] }), 'teamIds', 422],
    ]
    for (const [body, path, status] of cases) {
      const res = await create(body)
      expect(res.statusCode, path).toBe(status)
      expect(res.json().issues.map((i: { path: string }) => i.path)).toContain(path)
    }
    expect(await userCount()).toBe(before)
  })

  it('is forbidden to non-admins, before the body is even read', async () => {
    const agent = await signIn(rt, { email: t.users.agent_l1!.email, tenant: t.tenant.slug })
    expect((await create(newUser(), agent.headers)).statusCode).toBe(403)
    expect((await create({}, agent.headers)).statusCode).toBe(403)
    const supervisor = await signIn(rt, { email: t.users.supervisor!.email, tenant: t.tenant.slug })
    expect((await rt.app.inject({ method: 'GET', url: '/api/users', headers: { cookie: supervisor.cookie } })).statusCode).toBe(200)
    expect((await create(newUser(), supervisor.headers)).statusCode).toBe(403)
  })
})

describe('listing users', () => {
  it('filters by text, role and status and pages with a cursor', async () => {
    for (let i = 0; i < 5; i++) await create(newUser({ email: `page${i}@list.example`, name: `列表用户 ${i}`, roles: ['engineer'] }))
    const get = (qs: string) => rt.app.inject({ method: 'GET', url: `/api/users?${qs}`, headers: { cookie: admin.cookie } })
    const engineers = (await get('role=engineer')).json()
    expect(engineers.items).toHaveLength(5)
    expect((await get('q=列表用户 3')).json().items.map((u: { email: string }) => u.email)).toEqual(['page3@list.example'])
    expect((await get('q=%25')).json().items).toEqual([])

    const seen: string[] = []
    let cursor: string | null = null
    do {
      const page: { items: { email: string }[]; nextCursor: string | null } = (
        await get(`role=engineer&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json()
      expect(page.items.length).toBeLessThanOrEqual(2)
      seen.push(...page.items.map((u: { email: string }) => u.email))
      cursor = page.nextCursor
    } while (cursor)
    expect(seen).toEqual(['page0@list.example', 'page1@list.example', 'page2@list.example', 'page3@list.example', 'page4@list.example'])

    expect((await get('status=disabled&role=engineer')).json().items).toEqual([])
    const bad = await get('role=king')
    expect(bad.statusCode).toBe(400)
    expect(bad.json().issues[0].path).toBe('querystring.role')
    expect((await get('cursor=garbage')).statusCode).toBe(422)
  })
})

describe('editing users', () => {
  it('honours If-Match: a stale ETag gets 412 and changes nothing', async () => {
    const { id } = (await create(newUser())).json()
    const read = await rt.app.inject({ method: 'GET', url: `/api/users/${id}`, headers: { cookie: admin.cookie } })
    const etag = read.headers.etag as string
    expect(etag).toBe('"v1"')
    const first = await rt.app.inject({
      method: 'PATCH',
      url: `/api/users/${id}`,
      headers: { ...admin.headers, 'if-match': etag },
      payload: { name: '改名一' },
    })
    expect(first.statusCode).toBe(200)
    expect(first.headers.etag).toBe('"v2"')
    const stale = await rt.app.inject({
      method: 'PATCH',
      url: `/api/users/${id}`,
      headers: { ...admin.headers, 'if-match': etag },
      payload: { name: '改名二' },
    })
    expect(stale.statusCode).toBe(412)
    expect(stale.json().code).toBe('precondition_failed')
    const malformed = await rt.app.inject({
      method: 'PATCH',
      url: `/api/users/${id}`,
      headers: { ...admin.headers, 'if-match': 'v2' },
      payload: { name: 'x' },
    })
    expect(malformed.statusCode).toBe(400)
    const now = await rt.app.inject({ method: 'GET', url: `/api/users/${id}`, headers: { cookie: admin.cookie } })
    expect(now.json()).toMatchObject({ name: '改名一', version: 2 })
  })

  it('assigns roles and teams; team member counts follow', async () => {
    const team = (
      await rt.app.inject({
        method: 'POST',
        url: '/api/teams',
        headers: admin.headers,
        payload: { name: '华东服务组', description: '上海、杭州' },
      })
    ).json()
    const { id } = (await create(newUser())).json()
    const res = await rt.app.inject({
      method: 'PATCH',
      url: `/api/users/${id}`,
      headers: admin.headers,
      payload: { roles: ['agent_l2', 'dispatcher'], teamIds: [team.id] },
    })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ roles: ['agent_l2', 'dispatcher'], teamIds: [team.id] })
    const teams = (await rt.app.inject({ method: 'GET', url: '/api/teams', headers: { cookie: admin.cookie } })).json()
    expect(teams.find((x: { id: string }) => x.id === team.id).memberCount).toBe(1)
    const byTeam = (await rt.app.inject({ method: 'GET', url: `/api/users?teamId=${team.id}`, headers: { cookie: admin.cookie } })).json()
    expect(byTeam.items.map((u: { id: string }) => u.id)).toEqual([id])
  })

  it('an admin cannot disable or demote themselves', async () => {
    const disable = await rt.app.inject({ method: 'POST', url: `/api/users/${admin.userId}/disable`, headers: admin.headers })
    expect(disable.statusCode).toBe(409)
    expect(disable.json().code).toBe('cannot_disable_self')
    const demote = await rt.app.inject({
      method: 'PATCH',
      url: `/api/users/${admin.userId}`,
      headers: admin.headers,
      payload: { roles: ['agent_l1'] },
    })
    expect(demote.statusCode).toBe(409)
  })
})

describe('disabling users', () => {
  it('ends their sessions and tokens at once, refuses login, and enabling lets them back', async () => {
    const body = newUser({ roles: ['agent_l1'] })
    const { id, email } = (await create(body)).json()
    const user = await signIn(rt, { email, tenant: t.tenant.slug, password: body.password as string })
    const token = (
      await rt.app.inject({
        method: 'POST',
        url: '/api/auth/me/tokens',
        headers: user.headers,
        payload: { name: 'cli', scopes: ['tickets.read'] },
      })
    ).json().token
    const bearer = { authorization: `Bearer ${token}` }
    expect((await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer })).statusCode).toBe(200)

    const res = await rt.app.inject({ method: 'POST', url: `/api/users/${id}/disable`, headers: admin.headers })
    expect(res.statusCode).toBe(200)
    expect(res.json().status).toBe('disabled')
    expect((await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: user.cookie } })).statusCode).toBe(401)
    expect((await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer })).statusCode).toBe(401)
    const refused = await login(rt, { email, tenant: t.tenant.slug, password: body.password as string })
    expect(refused.statusCode).toBe(403)
    expect(refused.json().code).toBe('account_disabled')
    const wrongPw = await login(rt, { email, tenant: t.tenant.slug, password: 'wrong password!' })
    expect(wrongPw.json().code).toBe('invalid_credentials')
    const [event] = await rt.database.query("select 1 from outbox where type = 'user.disabled' and aggregate_id = $1", [id])
    expect(event).toBeTruthy()

    expect((await rt.app.inject({ method: 'POST', url: `/api/users/${id}/enable`, headers: admin.headers })).json().status).toBe('active')
    expect((await login(rt, { email, tenant: t.tenant.slug, password: body.password as string })).statusCode).toBe(200)
    // tokens stay revoked after re-enabling
    expect((await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: bearer })).statusCode).toBe(401)
  })
})

describe('password reset and sessions by an admin', () => {
  it('resets a password (old fails, new works) and signs the user out; lists and revokes sessions', async () => {
    const body = newUser()
    const { id, email } = (await create(body)).json()
    const s1 = await signIn(rt, { email, tenant: t.tenant.slug, password: body.password as string })
    await signIn(rt, { email, tenant: t.tenant.slug, password: body.password as string })
    const sessions = await rt.app.inject({ method: 'GET', url: `/api/users/${id}/sessions`, headers: { cookie: admin.cookie } })
    expect(sessions.json()).toHaveLength(2)
    expect(sessions.json()[0]).toMatchObject({ userId: id, current: false, ip: '127.0.0.1' })

    const revoke = await rt.app.inject({ method: 'DELETE', url: `/api/users/${id}/sessions`, headers: admin.headers })
    expect(revoke.json()).toEqual({ revoked: 2 })
    expect((await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s1.cookie } })).statusCode).toBe(401)

    const s3 = await signIn(rt, { email, tenant: t.tenant.slug, password: body.password as string })
    const reset = await rt.app.inject({
      method: 'POST',
      url: `/api/users/${id}/reset-password`,
      headers: admin.headers,
      payload: { password: 'reset by admin 42' },
    })
    expect(reset.statusCode).toBe(200)
    expect((await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s3.cookie } })).statusCode).toBe(401)
    expect((await login(rt, { email, tenant: t.tenant.slug, password: body.password as string })).statusCode).toBe(401)
    expect((await login(rt, { email, tenant: t.tenant.slug, password: 'reset by admin 42' })).statusCode).toBe(200)
    const short = await rt.app.inject({
      method: 'POST',
      url: `/api/users/${id}/reset-password`,
      headers: admin.headers,
      payload: { password: 'x' },
    })
    expect(short.statusCode).toBe(400)
    expect(short.json().issues[0].path).toBe('body.password')
  })
})

describe('teams', () => {
  it('creates, renames and deletes teams; names are unique case-insensitively', async () => {
    const make = (name: string) => rt.app.inject({ method: 'POST', url: '/api/teams', headers: admin.headers, payload: { name } })
    const team = await make('Field North')
    expect(team.statusCode).toBe(201)
    const dup = await make('field north')
    expect(dup.statusCode).toBe(409)
    expect(dup.json().issues[0].path).toBe('name')
    const renamed = await rt.app.inject({
      method: 'PATCH',
      url: `/api/teams/${team.json().id}`,
      headers: admin.headers,
      payload: { name: 'Field North-East', description: null },
    })
    expect(renamed.json()).toMatchObject({ name: 'Field North-East', description: null, memberCount: 0 })
    expect((await rt.app.inject({ method: 'DELETE', url: `/api/teams/${team.json().id}`, headers: admin.headers })).statusCode).toBe(200)
    expect((await rt.app.inject({ method: 'DELETE', url: `/api/teams/${team.json().id}`, headers: admin.headers })).statusCode).toBe(404)
    const empty = await make('   ')
    expect(empty.statusCode).toBe(400)
  })
})
