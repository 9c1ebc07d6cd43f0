import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTenant, buildUser, loginAs, type Client, type TestTenant } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'

let rt: TestRuntime
let tenant: TestTenant
let other: TestTenant
let admin: Client
let org: { id: string; contacts: { id: string }[] }
let portalUser: { id: string; email: string }

// Addresses unique to this run: on a shared PostgreSQL database other runs' tenants hold contacts too,
// and a target found in two tenants (without a tenant slug) is ambiguous, so nothing would be sent.
const digits = () => String(Math.floor(Math.random() * 1e8)).padStart(8, '0')
const M1 = `138${digits()}`
const M2 = `139${digits()}`
const M3 = `137${digits()}`
const run = digits()
const EMAIL = `zhangwei.${run}@hdjm.example.com`
const UNKNOWN = `136${digits()}`
const octet = () => Math.floor(Math.random() * 250) + 1
const NET = `10.${octet()}.${octet()}`
const mask = (m: string) => `${m.slice(0, 3)}****${m.slice(7)}`

const pub = (url: string, payload: Record<string, unknown>, headers: Record<string, string> = {}) =>
  rt.app.inject({ method: 'POST', url, payload, headers })

async function ok<T = Record<string, unknown>>(
  p: ReturnType<typeof pub> | Promise<Awaited<ReturnType<typeof pub>>>,
  status = 200,
): Promise<T> {
  const r = await p
  expect(r.statusCode, r.body).toBe(status)
  return r.json() as T
}

/** The code the notification center would send to this address (the newest otp event for it), or undefined. */
async function sentCode(to: string): Promise<{ code: string; channel: string; purpose: string } | undefined> {
  const [row] = await rt.database.query<{ payload: { code: string; channel: string; purpose: string } }>(
    "select payload from outbox where type = 'notification.otp_requested' and payload->>'to' = $1 order by created_at desc, id desc limit 1",
    [to],
  )
  return row?.payload
}
const otpEvents = async (to: string) =>
  (
    await rt.database.query<{ n: number }>(
      "select count(*)::int as n from outbox where type = 'notification.otp_requested' and payload->>'to' = $1",
      [to],
    )
  )[0]!.n

/** Every code request comes from its own address, so the per-address hourly limit stays out of the way. */
let ipSeq = 0
const fromIp = () => ({ 'x-forwarded-for': `${NET}.${++ipSeq}` })
const nextMinute = () => rt.clock.advance(61_000)

beforeAll(async () => {
  rt = await createTestRuntime({
    clock: new Date('2026-06-01T02:00:00Z'),
    config: { TRUST_PROXY: 'true', LOGIN_RATE_LIMIT_PER_MINUTE: '1000' },
  })
  tenant = await buildTenant(rt)
  other = await buildTenant(rt, '另一家企业')
  admin = await loginAs(rt, tenant, 'admin')
  org = await ok(
    admin.post('/api/customers', {
      name: '华东精密制造有限公司',
      contacts: [
        { name: '张伟', mobile: M1, email: EMAIL, isPrimary: true },
        { name: '李娜', mobile: M2 },
      ],
    }),
    201,
  )
  portalUser = await buildUser(rt, tenant, 'customer_contact', { email: EMAIL, customerOrgId: org.id })
  const otherAdmin = await loginAs(rt, other, 'admin')
  await ok(otherAdmin.post('/api/customers', { name: '别家公司', contacts: [{ name: '王五', mobile: M3 }] }), 201)
})
afterAll(() => rt?.close())

describe('portal sign-in with a one-time code', () => {
  it('signs a contact in with the right code: a normal portal session of their organisation', async () => {
    const sent = await ok<{ channel: string; destination: string; resendAfterSeconds: number }>(
      pub('/api/auth/portal/otp', { target: EMAIL.replace('zhangwei', 'ZhangWei').replace('hdjm', 'HDJM'), tenant: tenant.slug }, fromIp()),
    )
    expect(sent).toMatchObject({ channel: 'email', destination: `zh***@hdjm.example.com`, resendAfterSeconds: 60 })
    const { code, purpose } = (await sentCode(EMAIL))!
    expect(code).toMatch(/^\d{6}$/)
    expect(purpose).toBe('portal_sign_in')
    // only a hash is kept
    const stored = await rt.database.query<{ code_hash: string }>('select code_hash from portal_login_codes')
    expect(stored.every((r) => r.code_hash !== code && r.code_hash.length === 64)).toBe(true)

    const res = await pub('/api/auth/portal/otp/verify', { target: EMAIL, code })
    expect(res.statusCode, res.body).toBe(200)
    const body = res.json() as { user: { id: string; customerOrgId: string; roles: string[] }; csrfToken: string }
    expect(body.user).toMatchObject({ id: portalUser.id, customerOrgId: org.id, roles: ['customer_contact'] })
    const cookie = res.cookies.find((c) => c.name.endsWith('aftercare_session'))!
    const me = await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: `${cookie.name}=${cookie.value}` } })
    expect(me.statusCode).toBe(200)
    expect((me.json() as { id: string }).id).toBe(portalUser.id)
    // the code is used up
    expect((await pub('/api/auth/portal/otp/verify', { target: EMAIL, code })).statusCode).toBe(422)
  })

  it('gives a contact without an account one on first sign-in by mobile (+86 and spaces allowed)', async () => {
    nextMinute()
    const sent = await ok<{ channel: string; destination: string }>(
      pub('/api/auth/portal/otp', { target: `+86 ${M2.slice(0, 3)} ${M2.slice(3, 7)} ${M2.slice(7)}` }, fromIp()),
    )
    expect(sent).toMatchObject({ channel: 'sms', destination: mask(M2) })
    const { code } = (await sentCode(M2))!
    const body = await ok<{ user: { name: string; customerOrgId: string; roles: string[] } }>(
      pub('/api/auth/portal/otp/verify', { target: M2, code }),
    )
    expect(body.user).toMatchObject({ name: '李娜', customerOrgId: org.id, roles: ['customer_contact'] })
  })

  it('answers an unknown address exactly like a known one, sends nothing, and no code signs in', async () => {
    nextMinute()
    const known = await ok<Record<string, unknown>>(pub('/api/auth/portal/otp', { target: M1 }, fromIp()))
    const unknown = await ok<Record<string, unknown>>(pub('/api/auth/portal/otp', { target: UNKNOWN }, fromIp()))
    expect(Object.keys(unknown).sort()).toEqual(Object.keys(known).sort())
    expect(unknown).toMatchObject({ channel: 'sms', destination: mask(UNKNOWN), resendAfterSeconds: 60 })
    expect(await otpEvents(UNKNOWN)).toBe(0)
    const wrong = await pub('/api/auth/portal/otp/verify', { target: UNKNOWN, code: '123456' })
    expect(wrong.statusCode).toBe(422)
    expect(wrong.json()).toMatchObject({ code: 'otp_wrong' })
    // a staff member's address never gets a portal code
    await ok(pub('/api/auth/portal/otp', { target: admin.user.email }, fromIp()))
    expect(await otpEvents(admin.user.email.toLowerCase())).toBe(0)
  })

  it('locks the code after 5 wrong attempts: even the right code is refused then', async () => {
    nextMinute()
    await ok(pub('/api/auth/portal/otp', { target: M1 }, fromIp()))
    const { code } = (await sentCode(M1))!
    const bad = code === '000000' ? '111111' : '000000'
    for (let left = 4; left >= 0; left--) {
      const r = await pub('/api/auth/portal/otp/verify', { target: M1, code: bad })
      expect(r.statusCode).toBe(422)
      expect(r.json()).toMatchObject({ code: 'otp_wrong', issues: [{ path: 'code', message: `is not correct; ${left} attempt(s) left` }] })
    }
    const locked = await pub('/api/auth/portal/otp/verify', { target: M1, code })
    expect(locked.statusCode).toBe(429)
    expect(locked.json()).toMatchObject({ code: 'otp_locked' })
  })

  it('refuses an expired code (10 minutes)', async () => {
    nextMinute()
    await ok(pub('/api/auth/portal/otp', { target: M1 }, fromIp()))
    const { code } = (await sentCode(M1))!
    rt.clock.advance(10 * 60_000 + 1000)
    const r = await pub('/api/auth/portal/otp/verify', { target: M1, code })
    expect(r.statusCode).toBe(410)
    expect(r.json()).toMatchObject({ code: 'otp_expired' })
  })

  it("does not find another tenant's contact: same answer, nothing sent, no sign-in", async () => {
    nextMinute()
    await ok(pub('/api/auth/portal/otp', { target: M3, tenant: tenant.slug }, fromIp()))
    expect(await otpEvents(M3)).toBe(0)
    expect((await pub('/api/auth/portal/otp/verify', { target: M3, code: '123456', tenant: tenant.slug })).statusCode).toBe(422)
    // in its own tenant the same contact does get a code, but it does not open the first tenant
    nextMinute()
    await ok(pub('/api/auth/portal/otp', { target: M3, tenant: other.slug }, fromIp()))
    const { code } = (await sentCode(M3))!
    const r = await pub('/api/auth/portal/otp/verify', { target: M3, code, tenant: tenant.slug })
    expect(r.statusCode).toBe(422)
  })

  it('rate limits per address (one code a minute, three an hour, RELIABILITY C-BRUTE) and per client address', async () => {
    nextMinute()
    const target = `someone.${run}@nowhere.example.com`
    await ok(pub('/api/auth/portal/otp', { target }, fromIp()))
    const soon = await pub('/api/auth/portal/otp', { target }, fromIp())
    expect(soon.statusCode).toBe(429)
    expect(soon.json()).toMatchObject({ code: 'otp_too_soon' })
    for (let i = 0; i < 2; i++) {
      nextMinute()
      await ok(pub('/api/auth/portal/otp', { target }, fromIp()))
    }
    nextMinute()
    const hourly = await pub('/api/auth/portal/otp', { target }, fromIp())
    expect(hourly.statusCode).toBe(429)
    expect(hourly.json()).toMatchObject({ code: 'portal_otp_rate_limited' })

    const ip = { 'x-forwarded-for': `${NET}.250` }
    for (let i = 0; i < 30; i++) await ok(pub('/api/auth/portal/otp', { target: `u${i}.${run}@nowhere.example.com` }, ip))
    const perIp = await pub('/api/auth/portal/otp', { target: `u99.${run}@nowhere.example.com` }, ip)
    expect(perIp.statusCode).toBe(429)
    expect(perIp.json()).toMatchObject({ code: 'portal_otp_rate_limited' })
  })

  it('names the field of a malformed address (400/422, not 500)', async () => {
    const r = await pub('/api/auth/portal/otp', { target: '12345' }, fromIp())
    expect([400, 422]).toContain(r.statusCode)
    expect(r.body).toContain('target')
  })
})
