// Which address the app takes for the client (rate limits, sessions, audit) with and without a
// trusted reverse proxy: a client cannot choose its own by writing X-Forwarded-For (ASVS 4.1.3).
import { afterAll, describe, expect, it } from 'vitest'
import { buildTenant, buildUser, TEST_PASSWORD } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'

const runtimes: TestRuntime[] = []
afterAll(() => Promise.all(runtimes.map((rt) => rt.close())))

/** Signs in through a client that wrote `6.6.6.6` itself, behind a proxy at 10.9.8.7 that appended its peer. */
async function sessionAddress(trustProxy: string, forwardedFor = '6.6.6.6, 10.9.8.7') {
  const rt = await createTestRuntime({ config: { TRUST_PROXY: trustProxy } })
  runtimes.push(rt)
  const tenant = await buildTenant(rt)
  const user = await buildUser(rt, tenant, 'agent_l1')
  const login = await rt.app.inject({
    method: 'POST',
    url: '/api/auth/login',
    headers: { 'x-forwarded-for': forwardedFor },
    payload: { email: user.email, password: TEST_PASSWORD, tenant: tenant.slug },
  })
  expect(login.statusCode).toBe(200)
  const cookie = login.cookies.find((c) => c.name.endsWith('aftercare_session'))!
  const sessions = await rt.app.inject({
    method: 'GET',
    url: '/api/auth/me/sessions',
    headers: { cookie: `${cookie.name}=${cookie.value}` },
  })
  return (sessions.json() as { ip: string | null; current: boolean }[]).find((s) => s.current)?.ip
}

describe('TRUST_PROXY', () => {
  it('false: the socket peer is the client, whatever the headers say', async () => {
    expect(await sessionAddress('false')).toBe('127.0.0.1')
  })

  it('true (a proxy on this machine): the address the proxy appended, not the one the client wrote before it', async () => {
    expect(await sessionAddress('true')).toBe('10.9.8.7')
  })

  it('a chain of proxies named by address: the first address none of them vouches for', async () => {
    expect(await sessionAddress('127.0.0.1, 10.0.0.0/8', '6.6.6.6, 203.0.113.7, 10.0.0.2')).toBe('203.0.113.7')
  })
})
