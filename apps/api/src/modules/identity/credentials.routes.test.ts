// API tokens, two-factor, lockout and the user's own sessions, through HTTP.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'
import { createSecretBox } from './credentials.ts'
import { TOKEN_CACHE_MS } from './token-cache.ts'
import { buildTenant, login, PASSWORD, signIn, type Client } from './identity.fixtures.ts'
import { totpCode } from './totp.ts'

let rt: TestRuntime
let t: Awaited<ReturnType<typeof buildTenant>>

beforeAll(async () => {
  rt = await createTestRuntime({ config: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000' } })
  t = await buildTenant(rt, ['admin', 'agent_l1', 'engineer', 'customer_contact'])
})
afterAll(() => rt?.close())

/** A fresh user of the given role in the shared tenant. */
async function freshUser(role: 'agent_l1' | 'admin' | 'engineer' = 'agent_l1') {
  const email = `${role}-${Math.random().toString(36).slice(2, 8)}@${t.tenant.slug}.test`
  const u = await rt.modules.identity.createUser(t.tenant.id, { email, name: 'Fresh', password: PASSWORD, roles: [role] })
  return { id: u.id, email }
}
const me = (headers: Record<string, string>) => rt.app.inject({ method: 'GET', url: '/api/auth/me', headers })

describe('API tokens', () => {
  let owner: Client
  beforeAll(async () => {
    owner = await signIn(rt, { email: t.users.admin!.email, tenant: t.tenant.slug })
  })
  const createToken = (payload: object, headers = owner.headers) =>
    rt.app.inject({ method: 'POST', url: '/api/auth/me/tokens', headers, payload })

  it('is shown once, stored hashed, works without CSRF, and is limited to its scopes', async () => {
    const res = await createToken({ name: 'reporting', scopes: ['users.read'], expiresInDays: 30 })
    expect(res.statusCode).toBe(201)
    const { token, apiToken } = res.json()
    expect(token).toMatch(/^ac_[A-Za-z0-9_-]{43}$/)
    expect(token.startsWith(apiToken.prefix)).toBe(true)
    const stored = await rt.database.query<{ token_hash: string }>('select token_hash from api_tokens where id = $1', [apiToken.id])
    expect(stored[0]!.token_hash).not.toContain(token.slice(3))
    expect(
      JSON.stringify((await rt.app.inject({ method: 'GET', url: '/api/auth/me/tokens', headers: { cookie: owner.cookie } })).json()),
    ).not.toContain(token)

    const bearer = { authorization: `Bearer ${token}` }
    const whoami = await me(bearer)
    expect(whoami.statusCode).toBe(200)
    expect(whoami.json().permissions).toEqual(['users.read'])
    expect(whoami.json().csrfToken).toBeUndefined()
    expect((await rt.app.inject({ method: 'GET', url: '/api/users', headers: bearer })).statusCode).toBe(200)
    // out of scope, although the owner may do it
    expect((await rt.app.inject({ method: 'POST', url: '/api/teams', headers: bearer, payload: { name: 'x' } })).statusCode).toBe(403)
    // a token cannot change credentials
    const pw = await rt.app.inject({
      method: 'POST',
      url: '/api/auth/me/password',
      headers: bearer,
      payload: { currentPassword: PASSWORD, newPassword: 'whatever whatever' },
    })
    expect(pw.statusCode).toBe(403)
    expect(pw.json().code).toBe('session_required')
    // a PATCH with a bearer token needs no CSRF header
    expect((await rt.app.inject({ method: 'PATCH', url: '/api/auth/me', headers: bearer, payload: { locale: 'zh-CN' } })).statusCode).toBe(
      200,
    )
    const [row] = await rt.database.query<{ last_used_at: Date | null }>('select last_used_at from api_tokens where id = $1', [apiToken.id])
    expect(row!.last_used_at).not.toBeNull()
  })

  it('never exceeds what the owner may do now', async () => {
    const agentUser = await freshUser('agent_l1')
    const agent = await signIn(rt, { email: agentUser.email, tenant: t.tenant.slug })
    const beyond = await createToken({ name: 'x', scopes: ['users.manage'] }, agent.headers)
    expect(beyond.statusCode).toBe(422)
    expect(beyond.json().issues[0].path).toBe('scopes')
    const { token } = (await createToken({ name: 'x', scopes: ['tickets.read', 'tokens.manage_own'] }, agent.headers)).json()
    expect((await me({ authorization: `Bearer ${token}` })).json().permissions).toEqual(['tokens.manage_own', 'tickets.read'])
    // the owner loses a role: the token loses it too
    const admin = await signIn(rt, { email: t.users.admin!.email, tenant: t.tenant.slug })
    await rt.app.inject({
      method: 'PATCH',
      url: `/api/users/${agentUser.id}`,
      headers: admin.headers,
      payload: { roles: ['customer_contact'] },
    })
    // A customer contact may read their organisation's tickets, but not manage tokens.
    expect((await me({ authorization: `Bearer ${token}` })).json().permissions).toEqual(['tickets.read'])
    expect(
      (await rt.app.inject({ method: 'GET', url: '/api/auth/me/tokens', headers: { authorization: `Bearer ${token}` } })).statusCode,
    ).toBe(403)
  })

  it('stops working when it expires or is revoked; unknown tokens get 401', async () => {
    const { token, apiToken } = (await createToken({ name: 'short', scopes: ['users.read', 'tokens.manage_own'], expiresInDays: 1 })).json()
    const bearer = { authorization: `Bearer ${token}` }
    expect((await me(bearer)).statusCode).toBe(200)
    rt.clock.advance(24 * 3_600_000 + 1000)
    const expired = await me(bearer)
    expect(expired.statusCode).toBe(401)
    expect(expired.json().code).toBe('invalid_token')
    owner = await signIn(rt, { email: t.users.admin!.email, tenant: t.tenant.slug })

    const second = (await createToken({ name: 'cli', scopes: ['tokens.manage_own'] })).json()
    const b2 = { authorization: `Bearer ${second.token}` }
    // a token may revoke itself (`aftercare logout`)
    expect((await rt.app.inject({ method: 'DELETE', url: `/api/auth/me/tokens/${second.apiToken.id}`, headers: b2 })).statusCode).toBe(200)
    expect((await me(b2)).statusCode).toBe(401)
    const list = (await rt.app.inject({ method: 'GET', url: '/api/auth/me/tokens', headers: { cookie: owner.cookie } })).json()
    expect(list.find((x: { id: string }) => x.id === second.apiToken.id).revokedAt).not.toBeNull()
    expect(list.find((x: { id: string }) => x.id === apiToken.id)).toBeTruthy()

    for (const value of ['ac_doesnotexist', 'garbage', `${token}x`])
      expect((await me({ authorization: `Bearer ${value}` })).statusCode).toBe(401)
    const actions = (
      await rt.database.query<{ action: string }>("select action from audit_log where tenant_id = $1 and entity_type = 'api_token'", [
        t.tenant.id,
      ])
    ).map((r) => r.action)
    expect(actions).toEqual(expect.arrayContaining(['token.created', 'token.revoked']))
  })

  it('revoked by another process (straight in the database), stops working within 5 s', async () => {
    const { token, apiToken } = (await createToken({ name: 'elsewhere', scopes: ['users.read'] })).json()
    const bearer = { authorization: `Bearer ${token}` }
    expect((await me(bearer)).statusCode).toBe(200)
    await rt.database.query('update api_tokens set revoked_at = now() where id = $1', [apiToken.id])
    await new Promise((r) => setTimeout(r, TOKEN_CACHE_MS + 50))
    expect(TOKEN_CACHE_MS).toBeLessThanOrEqual(5_000)
    expect((await me(bearer)).statusCode).toBe(401)
  })

  it('another user cannot revoke my token (404), an admin can', async () => {
    const { apiToken, token } = (await createToken({ name: 'mine', scopes: ['users.read'] })).json()
    const otherUser = await freshUser('agent_l1')
    const other = await signIn(rt, { email: otherUser.email, tenant: t.tenant.slug })
    expect((await rt.app.inject({ method: 'DELETE', url: `/api/auth/me/tokens/${apiToken.id}`, headers: other.headers })).statusCode).toBe(
      404,
    )
    expect((await me({ authorization: `Bearer ${token}` })).statusCode).toBe(200)
    const adminRevoke = await rt.app.inject({
      method: 'DELETE',
      url: `/api/users/${owner.userId}/tokens/${apiToken.id}`,
      headers: owner.headers,
    })
    expect(adminRevoke.statusCode).toBe(200)
    expect((await me({ authorization: `Bearer ${token}` })).statusCode).toBe(401)
  })

  it('refuses bad token requests naming the field', async () => {
    const res = await createToken({ name: 'x', scopes: ['users.read'], expiresInDays: 400 })
    expect(res.statusCode).toBe(400)
    expect(res.json().issues[0].path).toBe('body.expiresInDays')
    const none = await createToken({ name: 'x', scopes: [] })
    expect(none.json().issues[0].path).toBe('body.scopes')
  })
})

describe('two-factor (TOTP)', () => {
  it('enrols with a QR code, then login needs a code, a code works once, and removal needs password + code', async () => {
    const u = await freshUser('engineer')
    const c = await signIn(rt, { email: u.email, tenant: t.tenant.slug })
    // the password is asked again: a borrowed session cannot bind its own authenticator
    const noPassword = await rt.app.inject({ method: 'POST', url: '/api/auth/me/totp', headers: c.headers, payload: {} })
    expect(noPassword.statusCode).toBe(400)
    const wrongPassword = await rt.app.inject({
      method: 'POST',
      url: '/api/auth/me/totp',
      headers: c.headers,
      payload: { password: 'not it' },
    })
    expect(wrongPassword.statusCode).toBe(422)
    expect(wrongPassword.json().issues[0].path).toBe('password')
    const start = await rt.app.inject({ method: 'POST', url: '/api/auth/me/totp', headers: c.headers, payload: { password: PASSWORD } })
    expect(start.statusCode).toBe(200)
    const { secret, otpauthUrl, qrDataUrl } = start.json()
    expect(secret).toMatch(/^[A-Z2-7]{32}$/) // 160 bits
    expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\//)
    expect(otpauthUrl).toContain(encodeURIComponent(u.email))
    expect(qrDataUrl).toMatch(/^data:image\/png;base64,/)
    // the seed is sealed at rest
    const [stored] = await rt.database.query<{ totp_pending_secret: string }>('select totp_pending_secret from users where id = $1', [u.id])
    expect(stored!.totp_pending_secret).not.toContain(secret)
    expect(createSecretBox('test-secret-key-0123456789abcdef0123456789abcdef', 'totp-secret').open(stored!.totp_pending_secret, u.id)).toBe(
      secret,
    )

    const wrong = await rt.app.inject({ method: 'POST', url: '/api/auth/me/totp/confirm', headers: c.headers, payload: { code: '000000' } })
    expect(wrong.statusCode).toBe(422)
    expect(wrong.json().issues[0].path).toBe('code')
    const code1 = await totpCode(secret, rt.clock.now())
    expect(
      (await rt.app.inject({ method: 'POST', url: '/api/auth/me/totp/confirm', headers: c.headers, payload: { code: code1 } })).statusCode,
    ).toBe(200)
    expect((await me({ cookie: c.cookie })).json().totpEnabled).toBe(true)

    const noCode = await login(rt, { email: u.email, tenant: t.tenant.slug })
    expect(noCode.statusCode).toBe(401)
    expect(noCode.json().code).toBe('totp_required')
    // the enrolment code cannot be replayed at login
    const replay = await login(rt, { email: u.email, tenant: t.tenant.slug, totp: code1 })
    expect(replay.json().code).toBe('totp_invalid')
    rt.clock.advance(30_000)
    const code2 = await totpCode(secret, rt.clock.now())
    const ok = await login(rt, { email: u.email, tenant: t.tenant.slug, totp: code2 })
    expect(ok.statusCode).toBe(200)
    const again = await login(rt, { email: u.email, tenant: t.tenant.slug, totp: code2 })
    expect(again.statusCode).toBe(401)
    expect(again.json().code).toBe('totp_invalid')
    // one step of drift is accepted, two are not
    rt.clock.advance(30_000)
    const behind = await totpCode(secret, new Date(rt.clock.now().getTime() + 30_000))
    expect((await login(rt, { email: u.email, tenant: t.tenant.slug, totp: behind })).statusCode).toBe(200)
    rt.clock.advance(60_000)
    const farAhead = await totpCode(secret, new Date(rt.clock.now().getTime() + 90_000))
    expect((await login(rt, { email: u.email, tenant: t.tenant.slug, totp: farAhead })).statusCode).toBe(401)

    const again2 = await rt.app.inject({ method: 'POST', url: '/api/auth/me/totp', headers: c.headers, payload: { password: PASSWORD } })
    expect(again2.statusCode).toBe(409)

    rt.clock.advance(30_000)
    const code3 = await totpCode(secret, rt.clock.now())
    const c2 = await signIn(rt, { email: u.email, tenant: t.tenant.slug, totp: code3 })
    const badPw = await rt.app.inject({
      method: 'DELETE',
      url: '/api/auth/me/totp',
      headers: c2.headers,
      payload: { password: 'nope', code: code3 },
    })
    expect(badPw.statusCode).toBe(422)
    expect(badPw.json().issues[0].path).toBe('password')
    const reused = await rt.app.inject({
      method: 'DELETE',
      url: '/api/auth/me/totp',
      headers: c2.headers,
      payload: { password: PASSWORD, code: code3 },
    })
    expect(reused.statusCode).toBe(422)
    expect(reused.json().issues[0].path).toBe('code')
    rt.clock.advance(30_000)
    const code4 = await totpCode(secret, rt.clock.now())
    expect(
      (
        await rt.app.inject({
          method: 'DELETE',
          url: '/api/auth/me/totp',
          headers: c2.headers,
          payload: { password: PASSWORD, code: code4 },
        })
      ).statusCode,
    ).toBe(200)
    expect((await login(rt, { email: u.email, tenant: t.tenant.slug })).statusCode).toBe(200)

    const actions = await rt.database.query<{ action: string; before: unknown; after: unknown }>(
      "select action, before, after from audit_log where entity_id = $1 and action like 'totp.%' order by id",
      [u.id],
    )
    expect(actions.map((a) => a.action)).toEqual(['totp.enabled', 'totp.disabled'])
    expect(JSON.stringify(actions)).not.toContain(secret)
  })

  it('an admin can turn off the two-factor of a user who lost their phone', async () => {
    const u = await freshUser('agent_l1')
    const c = await signIn(rt, { email: u.email, tenant: t.tenant.slug })
    const { secret } = (
      await rt.app.inject({ method: 'POST', url: '/api/auth/me/totp', headers: c.headers, payload: { password: PASSWORD } })
    ).json()
    await rt.app.inject({
      method: 'POST',
      url: '/api/auth/me/totp/confirm',
      headers: c.headers,
      payload: { code: await totpCode(secret, rt.clock.now()) },
    })
    expect((await login(rt, { email: u.email, tenant: t.tenant.slug })).json().code).toBe('totp_required')
    const admin = await signIn(rt, { email: t.users.admin!.email, tenant: t.tenant.slug })
    expect((await rt.app.inject({ method: 'DELETE', url: `/api/users/${u.id}/totp`, headers: admin.headers })).statusCode).toBe(200)
    expect((await login(rt, { email: u.email, tenant: t.tenant.slug })).statusCode).toBe(200)
    expect((await rt.app.inject({ method: 'DELETE', url: `/api/users/${u.id}/totp`, headers: admin.headers })).statusCode).toBe(409)
  })

  it('wrong codes count towards the lockout', async () => {
    const u = await freshUser('agent_l1')
    const c = await signIn(rt, { email: u.email, tenant: t.tenant.slug })
    const { secret } = (
      await rt.app.inject({ method: 'POST', url: '/api/auth/me/totp', headers: c.headers, payload: { password: PASSWORD } })
    ).json()
    await rt.app.inject({
      method: 'POST',
      url: '/api/auth/me/totp/confirm',
      headers: c.headers,
      payload: { code: await totpCode(secret, rt.clock.now()) },
    })
    for (let i = 0; i < 5; i++)
      expect((await login(rt, { email: u.email, tenant: t.tenant.slug, totp: '000000' })).json().code).toBe('totp_invalid')
    rt.clock.advance(30_000)
    const locked = await login(rt, { email: u.email, tenant: t.tenant.slug, totp: await totpCode(secret, rt.clock.now()) })
    expect(locked.statusCode).toBe(401)
    expect(locked.json().code).toBe('invalid_credentials')
  })
})

describe('lockout', () => {
  it('locks after 5 failures for 15 minutes without revealing it, then lets the user in', async () => {
    const u = await freshUser()
    const unknownEmail = `ghost@${t.tenant.slug}.test`
    for (let i = 0; i < 5; i++)
      expect((await login(rt, { email: u.email, tenant: t.tenant.slug, password: 'wrong wrong' })).statusCode).toBe(401)
    const locked = await login(rt, { email: u.email, tenant: t.tenant.slug })
    const unknown = await login(rt, { email: unknownEmail, tenant: t.tenant.slug })
    expect(locked.statusCode).toBe(401)
    expect(locked.json().code).toBe('invalid_credentials')
    expect(locked.json().message).toBe(unknown.json().message)
    const audit = await rt.database.query<{ action: string }>(
      "select action from audit_log where entity_id = $1 and action = 'user.locked'",
      [u.id],
    )
    expect(audit).toHaveLength(1)

    rt.clock.advance(14 * 60_000)
    expect((await login(rt, { email: u.email, tenant: t.tenant.slug })).statusCode).toBe(401)
    rt.clock.advance(60_000 + 1000)
    expect((await login(rt, { email: u.email, tenant: t.tenant.slug })).statusCode).toBe(200)
  })

  it('strangers’ guesses do not lock the owner out of a browser they signed in from before (no malicious lockout)', async () => {
    const u = await freshUser()
    const first = await login(rt, { email: u.email, tenant: t.tenant.slug })
    const device = first.cookies.find((c) => c.name.endsWith('aftercare_device'))!
    expect(device.httpOnly).toBe(true)
    const fromOwnBrowser = () =>
      rt.app.inject({
        method: 'POST',
        url: '/api/auth/login',
        headers: { cookie: `${device.name}=${device.value}` },
        payload: { email: u.email, tenant: t.tenant.slug, password: PASSWORD },
      })
    for (let i = 0; i < 5; i++) await login(rt, { email: u.email, tenant: t.tenant.slug, password: 'attacker guess' })
    // locked for everyone else, the right password included
    expect((await login(rt, { email: u.email, tenant: t.tenant.slug })).statusCode).toBe(401)
    // a device cookie of another user, or a forged one, changes nothing
    const other = await freshUser()
    const otherDevice = (await login(rt, { email: other.email, tenant: t.tenant.slug })).cookies.find((c) =>
      c.name.endsWith('aftercare_device'),
    )!
    const forged = `${u.id}.${Date.now()}.${otherDevice.value.split('.')[2]}`
    for (const value of [otherDevice.value, forged])
      expect(
        (
          await rt.app.inject({
            method: 'POST',
            url: '/api/auth/login',
            headers: { cookie: `${device.name}=${value}` },
            payload: { email: u.email, tenant: t.tenant.slug, password: PASSWORD },
          })
        ).statusCode,
      ).toBe(401)
    // the owner's own browser still gets in, and that lifts the lock
    expect((await fromOwnBrowser()).statusCode).toBe(200)
    expect((await login(rt, { email: u.email, tenant: t.tenant.slug })).statusCode).toBe(200)
  })

  it('counts wrong passwords typed to confirm a change: a stolen session cannot guess the password without limit', async () => {
    const u = await freshUser()
    const session = await signIn(rt, { email: u.email, tenant: t.tenant.slug })
    const change = (currentPassword: string) =>
      rt.app.inject({
        method: 'POST',
        url: '/api/auth/me/password',
        headers: session.headers,
        payload: { currentPassword, newPassword: 'A brand new password 1' },
      })
    for (let i = 0; i < 5; i++) {
      const wrong = await change(`guess number ${i}`)
      expect(wrong.statusCode).toBe(422)
      expect(wrong.json().issues[0].path).toBe('currentPassword')
    }
    // locked now: even the right password is not checked, and signing in is refused too
    const locked = await change(PASSWORD)
    expect(locked.statusCode).toBe(429)
    expect(locked.json().code).toBe('account_locked')
    expect((await login(rt, { email: u.email, tenant: t.tenant.slug })).statusCode).toBe(401)
    const failures = await rt.database.query("select 1 from audit_log where entity_id = $1 and action = 'auth.confirmation_failed'", [u.id])
    expect(failures).toHaveLength(5)
    rt.clock.advance(15 * 60_000 + 1000)
    expect((await change(PASSWORD)).statusCode).toBe(200)
  })

  it('doubles the lock for repeated lockouts up to a cap, never forever; success resets it', async () => {
    const u = await freshUser()
    const fail5 = async () => {
      for (let i = 0; i < 5; i++) await login(rt, { email: u.email, tenant: t.tenant.slug, password: 'wrong wrong' })
    }
    const lockedFor = async () => {
      const [r] = await rt.database.query<{ locked_until: Date }>('select locked_until from users where id = $1', [u.id])
      return new Date(r!.locked_until).getTime() - rt.clock.now().getTime()
    }
    const minutes: number[] = []
    for (let k = 0; k < 6; k++) {
      await fail5()
      const ms = await lockedFor()
      minutes.push(Math.round(ms / 60_000))
      // attempts during the lock do not extend it
      await login(rt, { email: u.email, tenant: t.tenant.slug, password: 'wrong wrong' })
      expect(await lockedFor()).toBe(ms)
      rt.clock.advance(ms + 1000)
    }
    expect(minutes).toEqual([15, 30, 60, 120, 240, 240])
    expect((await login(rt, { email: u.email, tenant: t.tenant.slug })).statusCode).toBe(200)
    await fail5()
    expect(Math.round((await lockedFor()) / 60_000)).toBe(15)
  })

  it("an admin's password reset lifts the lock at once", async () => {
    const u = await freshUser()
    for (let i = 0; i < 5; i++) await login(rt, { email: u.email, tenant: t.tenant.slug, password: 'wrong wrong' })
    const admin = await signIn(rt, { email: t.users.admin!.email, tenant: t.tenant.slug })
    await rt.app.inject({
      method: 'POST',
      url: `/api/users/${u.id}/reset-password`,
      headers: admin.headers,
      payload: { password: 'after the lock 1' },
    })
    expect((await login(rt, { email: u.email, tenant: t.tenant.slug, password: 'after the lock 1' })).statusCode).toBe(200)
  })
})

describe('password storage', () => {
  it('stores argon2id with m=19456 KiB, t=2, p=1', async () => {
    const u = await freshUser()
    const [row] = await rt.database.query<{ password_hash: string }>('select password_hash from users where id = $1', [u.id])
    expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/)
    expect(row!.password_hash).not.toContain(PASSWORD)
  })
})

describe('own sessions', () => {
  it('lists sessions with the current one marked, revokes one, and signs out all others', async () => {
    const u = await freshUser()
    const a = await signIn(rt, { email: u.email, tenant: t.tenant.slug })
    const b = await signIn(rt, { email: u.email, tenant: t.tenant.slug })
    const c = await signIn(rt, { email: u.email, tenant: t.tenant.slug })
    const list = (await rt.app.inject({ method: 'GET', url: '/api/auth/me/sessions', headers: { cookie: a.cookie } })).json()
    expect(list).toHaveLength(3)
    expect(list.filter((s: { current: boolean }) => s.current)).toHaveLength(1)
    const current = list.find((s: { current: boolean }) => s.current).id
    const other = list.find((s: { current: boolean }) => !s.current).id
    expect((await rt.app.inject({ method: 'DELETE', url: `/api/auth/me/sessions/${other}`, headers: a.headers })).statusCode).toBe(200)
    const alive = [await me({ cookie: b.cookie }), await me({ cookie: c.cookie })].filter((r) => r.statusCode === 200)
    expect(alive).toHaveLength(1)
    // someone else's session id is not found
    const stranger = await signIn(rt, { email: t.users.agent_l1!.email, tenant: t.tenant.slug })
    expect((await rt.app.inject({ method: 'DELETE', url: `/api/auth/me/sessions/${current}`, headers: stranger.headers })).statusCode).toBe(
      404,
    )
    const all = await rt.app.inject({ method: 'DELETE', url: '/api/auth/me/sessions', headers: a.headers })
    expect(all.json()).toEqual({ revoked: 1 })
    expect((await me({ cookie: b.cookie })).statusCode).toBe(401)
    expect((await me({ cookie: c.cookie })).statusCode).toBe(401)
    expect((await me({ cookie: a.cookie })).statusCode).toBe(200)
  })
})

describe('login rate limit', () => {
  it('answers 429 after LOGIN_RATE_LIMIT_PER_MINUTE attempts from one address', async () => {
    const limited = await createTestRuntime({ config: { LOGIN_RATE_LIMIT_PER_MINUTE: '3' }, database: rt.database })
    try {
      const codes: number[] = []
      for (let i = 0; i < 5; i++)
        codes.push(
          (
            await limited.app.inject({
              method: 'POST',
              url: '/api/auth/login',
              payload: { email: 'x@y.z', password: 'p', tenant: t.tenant.slug },
            })
          ).statusCode,
        )
      expect(codes).toEqual([401, 401, 401, 429, 429])
    } finally {
      await limited.close()
    }
  })
})
