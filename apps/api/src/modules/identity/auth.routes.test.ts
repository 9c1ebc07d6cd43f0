import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { buildTenant, login, PASSWORD, signIn } from './identity.fixtures.ts'

let rt: TestRuntime
let t: Awaited<ReturnType<typeof buildTenant>>

beforeAll(async () => {
  rt = await createTestRuntime({ config: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } })
  t = await buildTenant(rt, ['admin', 'agent_l1', 'customer_contact'])
})
afterAll(() => rt?.close())

const auditActions = async (tenantId: string) =>
  await rt.database.query<{ action: string; before: unknown; after: unknown }>(
    'select action, before, after from audit_log where tenant_id = $1 order by id',
    [tenantId],
  )

describe('login and logout', () => {
  it('signs in with a session cookie, answers /me, and logs out so the cookie is dead', async () => {
    const res = await login(rt, { email: t.users.agent_l1!.email, tenant: t.tenant.slug })
    expect(res.statusCode).toBe(200)
    const cookie = res.cookies.find((c) => c.name === 'aftercare_session')!
    expect(cookie.httpOnly).toBe(true)
    expect(cookie.sameSite).toBe('Lax')
    expect(cookie.path).toBe('/')
    expect(cookie.secure).toBeFalsy()
    const body = res.json()
    expect(body.user).toMatchObject({ email: t.users.agent_l1!.email, roles: ['agent_l1'], tenantName: 'Test Co', totpEnabled: false })
    expect(body.user.permissions).toContain('tickets.write')
    expect(body.user.permissions).not.toContain('users.manage')
    expect(body.csrfToken.length).toBeGreaterThanOrEqual(40)

    const headers = { cookie: `aftercare_session=${cookie.value}` }
    const me = await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers })
    expect(me.statusCode).toBe(200)
    expect(me.json()).toMatchObject({ id: body.user.id, csrfToken: body.csrfToken })

    const out = await rt.app.inject({ method: 'POST', url: '/api/auth/logout', headers: { ...headers, 'x-csrf-token': body.csrfToken } })
    expect(out.statusCode).toBe(200)
    const after = await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers })
    expect(after.statusCode).toBe(401)
    expect((await auditActions(t.tenant.id)).map((a) => a.action)).toEqual(expect.arrayContaining(['auth.login_succeeded', 'auth.logout']))
  })

  it('accepts the email in another letter case and without a tenant slug when the email is unique', async () => {
    const res = await login(rt, {
      email: `  ${t.users.admin!.email.toUpperCase().replace(/@.*/, '')}@${t.tenant.slug.toUpperCase()}.TEST `,
    })
    expect(res.statusCode).toBe(200)
  })

  it('gives the same answer for a wrong password and an unknown email, and audits both', async () => {
    const wrong = await login(rt, { email: t.users.agent_l1!.email, tenant: t.tenant.slug, password: 'not the password' })
    const unknown = await login(rt, { email: `nobody@${t.tenant.slug}.test`, tenant: t.tenant.slug, password: 'not the password' })
    const noTenant = await login(rt, { email: t.users.agent_l1!.email, tenant: 'no-such-tenant', password: PASSWORD })
    for (const r of [wrong, unknown, noTenant]) {
      expect(r.statusCode).toBe(401)
      expect(r.json().code).toBe('invalid_credentials')
      expect(r.cookies).toHaveLength(0)
    }
    expect(wrong.json().message).toBe(unknown.json().message)
    const failed = (await auditActions(t.tenant.id)).filter((a) => a.action === 'auth.login_failed')
    expect(failed.map((f) => (f.after as { reason: string }).reason)).toEqual(expect.arrayContaining(['wrong_password', 'unknown_user']))
    expect(JSON.stringify(failed)).not.toContain('not the password')
  })

  it('refuses bad input naming the field', async () => {
    const res = await rt.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: 'a@b.c' } })
    expect(res.statusCode).toBe(400)
    expect(res.json().issues.map((i: { path: string }) => i.path)).toContain('body.password')
  })
})

describe('CSRF', () => {
  it('requires x-csrf-token matching the session on unsafe requests with a cookie', async () => {
    const a = await signIn(rt, { email: t.users.agent_l1!.email, tenant: t.tenant.slug })
    const b = await signIn(rt, { email: t.users.admin!.email, tenant: t.tenant.slug })
    const patch = (headers: Record<string, string>) =>
      rt.app.inject({ method: 'PATCH', url: '/api/auth/me', headers, payload: { name: 'Changed' } })
    const attempts: Record<string, string>[] = [
      { cookie: a.cookie },
      { cookie: a.cookie, 'x-csrf-token': 'wrong' },
      { cookie: a.cookie, 'x-csrf-token': b.csrf },
    ]
    for (const headers of attempts) {
      const res = await patch(headers)
      expect(res.statusCode).toBe(403)
      expect(res.json().code).toBe('csrf_failed')
    }
    const crossSite = await patch({ ...a.headers, 'sec-fetch-site': 'cross-site' })
    expect(crossSite.statusCode).toBe(403)
    const me = await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: a.cookie } })
    expect(me.json().name).toBe('agent_l1 user')
    const ok = await patch(a.headers)
    expect(ok.statusCode).toBe(200)
    expect(ok.json().name).toBe('Changed')
  })
})

describe('profile', () => {
  it('persists the language switch and records it in the audit log', async () => {
    const c = await signIn(rt, { email: t.users.customer_contact!.email, tenant: t.tenant.slug })
    const res = await rt.app.inject({ method: 'PATCH', url: '/api/auth/me', headers: c.headers, payload: { locale: 'en-US' } })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({
      locale: 'en-US',
      permissions: ['tickets.read', 'tickets.create', 'tickets.reply', 'tickets.confirm', 'portal.use'],
    })
    const me = await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: c.cookie } })
    expect(me.json().locale).toBe('en-US')
    const bad = await rt.app.inject({ method: 'PATCH', url: '/api/auth/me', headers: c.headers, payload: { locale: 'fr-FR' } })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().issues[0].path).toBe('body.locale')
  })

  it('changes the password: the old one stops working, other sessions end', async () => {
    const { users } = await buildTenant(rt, ['agent_l2'])
    const email = users.agent_l2!.email
    const slug = email.split('@')[1]!.replace('.test', '')
    const first = await signIn(rt, { email, tenant: slug })
    const second = await signIn(rt, { email, tenant: slug })
    const wrong = await rt.app.inject({
      method: 'POST',
      url: '/api/auth/me/password',
      headers: first.headers,
      payload: { currentPassword: 'nope', newPassword: 'a brand new passphrase' },
    })
    expect(wrong.statusCode).toBe(422)
    expect(wrong.json().issues[0].path).toBe('currentPassword')
    const short = await rt.app.inject({
      method: 'POST',
      url: '/api/auth/me/password',
      headers: first.headers,
      payload: { currentPassword: PASSWORD, newPassword: 'short' },
    })
    expect(short.statusCode).toBe(400)
    expect(short.json().issues[0].path).toBe('body.newPassword')
    const ok = await rt.app.inject({
      method: 'POST',
      url: '/api/auth/me/password',
      headers: first.headers,
      payload: { currentPassword: PASSWORD, newPassword: 'a brand new passphrase' },
    })
    expect(ok.statusCode).toBe(200)
    expect((await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: second.cookie } })).statusCode).toBe(401)
    expect((await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: first.cookie } })).statusCode).toBe(200)
    expect((await login(rt, { email, tenant: slug })).statusCode).toBe(401)
    expect((await login(rt, { email, tenant: slug, password: 'a brand new passphrase' })).statusCode).toBe(200)
  })
})

describe('sessions expire', () => {
  it('ends a session after an hour idle, and at the absolute limit even when active', async () => {
    const c = await signIn(rt, { email: t.users.agent_l1!.email, tenant: t.tenant.slug })
    const me = () => rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: c.cookie } })
    rt.clock.advance(59 * 60_000)
    expect((await me()).statusCode).toBe(200)
    rt.clock.advance(59 * 60_000)
    expect((await me()).statusCode).toBe(200)
    rt.clock.advance(60 * 60_000)
    expect((await me()).statusCode).toBe(401)

    const d = await signIn(rt, { email: t.users.agent_l1!.email, tenant: t.tenant.slug })
    // a request every 50 min keeps it alive (never idle), until 12 h after login
    for (let i = 1; i <= 14; i++) {
      rt.clock.advance(50 * 60_000)
      expect((await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: d.cookie } })).statusCode).toBe(200)
    }
    rt.clock.advance(50 * 60_000) // 750 min > 12 h
    expect((await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: d.cookie } })).statusCode).toBe(401)
  })
})

describe('secure cookie', () => {
  it('marks the cookie Secure and __Host- when PUBLIC_URL is https', async () => {
    const srt = await createTestRuntime({ config: { PUBLIC_URL: 'https://service.example.com' }, database: rt.database })
    try {
      const res = await srt.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email: t.users.admin!.email, tenant: t.tenant.slug, password: PASSWORD },
      })
      expect(res.statusCode).toBe(200)
      const cookie = res.cookies[0]!
      expect(cookie.name).toBe('__Host-aftercare_session')
      expect(cookie.secure).toBe(true)
    } finally {
      await srt.close()
    }
  })
})
