// Test factories: fresh data per test (a tenant of its own, users per role), and signed-in
// clients that drive the API through HTTP like the web app does (cookie + CSRF header).
import { randomUUID } from 'node:crypto'
import type { Role } from '@aftercare/contracts'
import type { InjectOptions, LightMyRequestResponse } from 'fastify'
import type { TestRuntime } from './harness.ts'

export const TEST_PASSWORD = 'Test-password-2026'

export interface TestTenant {
  id: string
  slug: string
}

/** Creates a tenant of its own for a test file (isolation by fresh data, not truncation). */
export async function buildTenant(rt: TestRuntime, name = '测试企业'): Promise<TestTenant> {
  const slug = `t-${randomUUID().slice(0, 12)}`
  const tenant = await rt.modules.identity.createTenant({ slug, name })
  return { id: tenant.id, slug }
}

export interface TestUser {
  id: string
  email: string
  role: Role
}

export async function buildUser(
  rt: TestRuntime,
  tenant: TestTenant,
  role: Role,
  opts: { email?: string; name?: string; customerOrgId?: string } = {},
): Promise<TestUser> {
  const email = opts.email ?? `${role}-${randomUUID().slice(0, 8)}@example.com`
  const user = await rt.modules.identity.createUser(tenant.id, { email, name: opts.name ?? role, password: TEST_PASSWORD, roles: [role] })
  if (opts.customerOrgId) await rt.modules.identity.setCustomerOrg(tenant.id, user.id, opts.customerOrgId)
  return { id: user.id, email, role }
}

/** A signed-in API client: `await as.get('/api/users')`, `await as.post('/api/customers', body)`. */
export interface Client {
  user: TestUser
  headers: Record<string, string>
  request(opts: { method: string; url: string; payload?: unknown; headers?: Record<string, string> }): Promise<LightMyRequestResponse>
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>
  post(url: string, payload?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>
  patch(url: string, payload?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>
  put(url: string, payload?: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>
  delete(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>
}

export async function signIn(rt: TestRuntime, tenant: TestTenant, user: TestUser): Promise<Client> {
  const res = await rt.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email: user.email, password: TEST_PASSWORD, tenant: tenant.slug } })
  if (res.statusCode !== 200) throw new Error(`${user.role} cannot sign in: ${res.body}`)
  const cookie = res.cookies.find((c) => c.name.endsWith('aftercare_session'))!
  const headers = { cookie: `${cookie.name}=${cookie.value}`, 'x-csrf-token': (res.json() as { csrfToken: string }).csrfToken }
  const request: Client['request'] = (o) =>
    rt.app.inject({
      method: o.method as InjectOptions['method'],
      url: o.url,
      payload: o.payload as InjectOptions['payload'],
      headers: { ...headers, ...o.headers },
    })
  return {
    user,
    headers,
    request,
    get: (url, h) => request({ method: 'GET', url, headers: h }),
    post: (url, payload, h) => request({ method: 'POST', url, payload: payload ?? {}, headers: h }),
    patch: (url, payload, h) => request({ method: 'PATCH', url, payload: payload ?? {}, headers: h }),
    put: (url, payload, h) => request({ method: 'PUT', url, payload: payload ?? {}, headers: h }),
    delete: (url, h) => request({ method: 'DELETE', url, headers: h }),
  }
}

/** Creates a user with `role` in `tenant` and signs them in. */
export async function loginAs(rt: TestRuntime, tenant: TestTenant, role: Role, opts: Parameters<typeof buildUser>[3] = {}): Promise<Client> {
  return signIn(rt, tenant, await buildUser(rt, tenant, role, opts))
}
