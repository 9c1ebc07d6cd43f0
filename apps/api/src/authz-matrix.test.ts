// Role × endpoint authorisation matrix, generated from the routes the app registered
// (RELIABILITY B-MATRIX). Every /api route declares `config.access` or the app does not start,
// so a new route is covered here automatically. Requests carry no body and random ids:
// authorisation (onRequest) must answer before validation or lookup does.
import { randomUUID } from 'node:crypto'
import { Role, type Permission } from '@aftercare/contracts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { permissionsOf, rolePermissions } from './modules/identity/index.ts'
import type { RegisteredRoute } from './platform/http/access.ts'
import { DEMO_PASSWORD, seedDemo } from './seed.ts'
import { createTestRuntime, type TestRuntime } from './test/harness.ts'

let rt: TestRuntime
const sessions = new Map<Role, { cookie: string; csrf: string; email: string }>()

async function signIn(role: Role, email: string) {
  const res = await rt.app.inject({ method: 'POST', url: '/api/auth/login', payload: { email, password: DEMO_PASSWORD, tenant: 'demo' } })
  if (res.statusCode !== 200) throw new Error(`${role} cannot sign in: ${res.body}`)
  const c = res.cookies.find((x) => x.name === 'aftercare_session')!
  sessions.set(role, { cookie: `${c.name}=${c.value}`, csrf: res.json().csrfToken, email })
}

beforeAll(async () => {
  // the demo's users are what matters here, not its 200 tickets
  rt = await createTestRuntime({ config: { LOGIN_RATE_LIMIT_PER_MINUTE: '100000', SEED_DEMO_TICKETS: '5' } })
  const seeded = await seedDemo(rt)
  // roles the demo has no user for (agent_l3) get one here
  for (const role of Role.options) {
    let email = seeded.logins.find((l) => l.role === role)?.email
    if (!email) {
      email = `${role}@demo.aftercare.local`
      if (!(await rt.modules.identity.findUserByEmail(seeded.tenant.id, email)))
        await rt.modules.identity.createUser(seeded.tenant.id, { email, name: role, password: DEMO_PASSWORD, roles: [role] })
    }
    await signIn(role, email)
  }
})
afterAll(() => rt?.close())

const apiRoutes = () => rt.routes.filter((r) => r.url.startsWith('/api/') && !r.url.startsWith('/api/docs'))
const concreteUrl = (url: string) => url.replace(/:[A-Za-z_]+/g, () => randomUUID()).replace(/\*/g, 'x')
const unsafe = (method: string) => !['GET', 'HEAD', 'OPTIONS'].includes(method)

async function call(route: RegisteredRoute, role: Role | null) {
  const s = role ? sessions.get(role)! : undefined
  const headers: Record<string, string> = s ? { cookie: s.cookie, ...(unsafe(route.method) ? { 'x-csrf-token': s.csrf } : {}) } : {}
  const res = await rt.app.inject({ method: route.method as 'GET', url: concreteUrl(route.url), headers })
  // A route that succeeded may have ended the session (logout, revoke-all): sign in again.
  if (role && s && res.statusCode < 300 && unsafe(route.method)) {
    const me = await rt.app.inject({ method: 'GET', url: '/api/auth/me', headers: { cookie: s.cookie } })
    if (me.statusCode === 401) await signIn(role, s.email)
  }
  return res
}

describe('authorisation matrix', () => {
  it('every registered /api route declares a policy, and the inventory includes the identity routes', () => {
    const routes = apiRoutes()
    const keys = routes.map((r) => `${r.method} ${r.url}`)
    expect(keys).toEqual(
      expect.arrayContaining([
        'POST /api/auth/login',
        'GET /api/auth/me',
        'GET /api/users',
        'PATCH /api/users/:id',
        'DELETE /api/teams/:id',
      ]),
    )
    for (const r of routes) expect(r.access, `${r.method} ${r.url}`).toBeTruthy()
  })

  it('anonymous: public routes open, every other route 401', async () => {
    const failures: string[] = []
    for (const route of apiRoutes()) {
      const res = await call(route, null)
      const ok = 'public' in route.access ? res.statusCode !== 401 && res.statusCode !== 403 : res.statusCode === 401
      if (!ok || res.statusCode >= 500) failures.push(`${route.method} ${route.url} → ${res.statusCode}`)
    }
    expect(failures).toEqual([])
  })

  it('each role: 403 exactly where the role lacks the permission, never 401 for a signed-in user', async () => {
    const failures: string[] = []
    let checked = 0
    for (const role of Role.options) {
      const granted = permissionsOf([role])
      for (const route of apiRoutes()) {
        const res = await call(route, role)
        checked++
        const a = route.access
        const expectForbidden = 'permission' in a && (!granted.has(a.permission) || (a.staffOnly === true && role === 'customer_contact'))
        const ok = expectForbidden
          ? res.statusCode === 403 && res.json().code === 'forbidden'
          : res.statusCode !== 401 && res.statusCode !== 403
        if (!ok || res.statusCode >= 500)
          failures.push(`${role}: ${route.method} ${route.url} → ${res.statusCode} ${res.body.slice(0, 120)}`)
      }
    }
    expect(failures).toEqual([])
    expect(checked).toBeGreaterThanOrEqual(Role.options.length * 30)
    // every role × every route, sequentially: grows with the API (≈1,000 requests with tickets)
  }, 300_000)

  it('administrative permissions belong to admin alone; customer contacts use the portal and their own tickets', () => {
    const adminOnly: Permission[] = ['users.manage', 'teams.manage', 'tenant.manage', 'audit.read']
    for (const p of adminOnly)
      expect(
        Role.options.filter((r) => rolePermissions[r].includes(p)),
        p,
      ).toEqual(['admin'])
    expect(rolePermissions.customer_contact).toEqual(['portal.use', 'tickets.read', 'tickets.create', 'tickets.reply', 'tickets.confirm'])
    for (const r of Role.options) if (r !== 'customer_contact') expect(rolePermissions[r], r).not.toContain('portal.use')
  })
})
