// Test factories for identity: a fresh tenant with users, and signing in through HTTP.
import type { Role } from '@aftercare/contracts'
import type { TestRuntime } from '../../test/harness.ts'
import { uniqueSlug } from '../../test/harness.ts'

export const PASSWORD = 'correct horse battery'

export interface Client {
  cookie: string
  csrf: string
  userId: string
  /** Headers for a state-changing request with this session. */
  headers: Record<string, string>
}

export async function buildTenant(rt: TestRuntime, roles: Role[] = ['admin']) {
  const tenant = await rt.modules.identity.createTenant({ slug: uniqueSlug(), name: 'Test Co' })
  const users: Partial<Record<Role, { id: string; email: string }>> = {}
  for (const role of roles) {
    const email = `${role}@${tenant.slug}.test`
    const u = await rt.modules.identity.createUser(tenant.id, { email, name: `${role} user`, password: PASSWORD, roles: [role] })
    users[role] = { id: u.id, email }
  }
  return { tenant, users }
}

export async function login(rt: TestRuntime, body: { email: string; password?: string; tenant?: string; totp?: string }) {
  return rt.app.inject({ method: 'POST', url: '/api/auth/login', payload: { password: PASSWORD, ...body } })
}

/** Signs in and returns what later requests need; fails the test when login fails. */
export async function signIn(rt: TestRuntime, body: { email: string; password?: string; tenant: string; totp?: string }): Promise<Client> {
  const res = await login(rt, body)
  if (res.statusCode !== 200) throw new Error(`login failed: ${res.statusCode} ${res.body}`)
  const cookie = res.cookies.find((c) => c.name.endsWith('aftercare_session'))!
  const json = res.json<{ csrfToken: string; user: { id: string } }>()
  const cookieHeader = `${cookie.name}=${cookie.value}`
  return {
    cookie: cookieHeader,
    csrf: json.csrfToken,
    userId: json.user.id,
    headers: { cookie: cookieHeader, 'x-csrf-token': json.csrfToken },
  }
}
