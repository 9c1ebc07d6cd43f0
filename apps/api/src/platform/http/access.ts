import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Permission } from '@aftercare/contracts'
import { createAuditLog } from '../audit/audit-log.ts'
import type { Database } from '../db/index.ts'
import { ForbiddenError, UnauthenticatedError } from '../errors.ts'

/**
 * Every route declares who may call it in `config.access`; a route without one fails at
 * start-up (and so the build), and the role × endpoint matrix test reads these declarations.
 * - `public`: anyone, e.g. login, health.
 * - `authenticated`: any signed-in actor (their own profile).
 * - `permission`: actors whose roles (or token scopes) grant it; with `staffOnly`, never a customer
 *   contact even when their role grants the permission (the agents directory, macros: the portal
 *   shares `tickets.read` but not the service desk's tools).
 */
export type Access = { public: true } | { authenticated: true } | { permission: Permission; staffOnly?: true }

/** Who is calling: a user through a session, or through an API token limited to its scopes. */
export interface Actor {
  kind: 'session' | 'token'
  userId: string
  tenantId: string
  roles: readonly string[]
  permissions: ReadonlySet<Permission>
  sessionId?: string
  tokenId?: string
  customerOrgId: string | null
  locale: string
  /** The user's display name as read at authentication (saves writers a lookup for timelines and messages). */
  name?: string
}

export interface Authenticator {
  /** Resolves the actor from cookies / bearer token; null when anonymous. Throws 401/403 for a bad credential or CSRF. */
  authenticate(req: FastifyRequest): Promise<Actor | null>
  /** Drops what this process remembers of a user's credentials (they changed in some process). */
  forget?(tenantId: string, userId: string): void
}

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access
  }
  interface FastifyRequest {
    actor: Actor | null
  }
}

export interface RegisteredRoute {
  method: string
  url: string
  access: Access
}

export function registerAccessControl(app: FastifyInstance, authenticator: Authenticator, registry: RegisteredRoute[]) {
  app.decorateRequest('actor', null)
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method]
    if (methods.every((m) => m === 'HEAD' || m === 'OPTIONS')) return
    const access = (route.config as { access?: Access } | undefined)?.access
    // Outside /api only the web app's static files and plugin pages live (swagger UI): public by nature.
    const pluginRoute = !route.url.startsWith('/api') || route.url.startsWith('/api/docs')
    if (!access) {
      if (pluginRoute) return
      throw new Error(`Route ${methods.join(',')} ${route.url} declares no config.access policy`)
    }
    for (const m of methods) if (m !== 'HEAD') registry.push({ method: m, url: route.url, access })
  })
  app.addHook('onRequest', async (req) => {
    const access = req.routeOptions.config.access
    if (!access || 'public' in access) {
      // Public routes still see who is calling (login page, portal), but a bad cookie is no error there.
      req.actor = await authenticator.authenticate(req).catch(() => null)
      return
    }
    const actor = await authenticator.authenticate(req)
    if (!actor) throw new UnauthenticatedError()
    req.actor = actor
    if ('permission' in access && !actor.permissions.has(access.permission)) throw new ForbiddenError()
    if ('staffOnly' in access && access.staffOnly && isCustomerContact(actor)) throw new ForbiddenError('This is for the service desk')
  })
}

/**
 * A signed-in caller refused (403) leaves an audit entry `access.denied` with the route and the
 * refusal's code (RELIABILITY §2.7: failed authorisation is an audit event; probing shows up). It
 * is written after the answer went out, so a refusal is never slowed or turned into an error by it.
 */
export function registerDeniedAudit(app: FastifyInstance, database: Database) {
  const audit = createAuditLog()
  const deniedCode = new WeakMap<FastifyRequest, string>()
  app.addHook('onError', async (req, _reply, error) => {
    const code = (error as { code?: unknown }).code
    if (typeof code === 'string') deniedCode.set(req, code)
  })
  app.addHook('onResponse', async (req, reply) => {
    const actor = req.actor
    if (reply.statusCode !== 403 || !actor) return
    const entry = {
      tenantId: actor.tenantId,
      actorType: actor.kind === 'token' ? ('token' as const) : isCustomerContact(actor) ? ('customer' as const) : ('user' as const),
      actorId: actor.userId,
      action: 'access.denied',
      entityType: 'route',
      entityId: null,
      after: { method: req.method, route: req.routeOptions.url ?? null, code: deniedCode.get(req) ?? 'forbidden' },
      requestId: String(req.id),
      ip: req.ip,
    }
    await database
      .withTenant(actor.tenantId, (tx) => audit.record(tx, entry))
      .catch((err: unknown) => req.log.error({ err }, 'audit of a refusal failed'))
  })
}

/** A customer's contact signed in to the portal (or their token), as opposed to staff. */
export function isCustomerContact(actor: Pick<Actor, 'roles' | 'customerOrgId'>): boolean {
  return actor.customerOrgId !== null || actor.roles.includes('customer_contact')
}

/** The actor of a route that declared non-public access (the hook guarantees one). */
export function actorOf(req: FastifyRequest): Actor {
  if (!req.actor) throw new UnauthenticatedError()
  return req.actor
}

/** What a service needs to know about the request it serves: who, and for the audit log, from where. */
export interface RequestContext {
  actor: Actor
  requestId: string
  ip: string
}

export function contextOf(req: FastifyRequest): RequestContext {
  return { actor: actorOf(req), requestId: String(req.id), ip: req.ip }
}
