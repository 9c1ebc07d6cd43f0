// Signing in and out, and turning a request's cookie or bearer token into an actor.
import type { FastifyRequest } from 'fastify'
import { CREDENTIALS_CHANGED, type LoginBody, type Me } from '@aftercare/contracts'
import type { AuditEntry } from '../../platform/audit/audit-log.ts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { ForbiddenError, UnauthenticatedError } from '../../platform/errors.ts'
import type { Outbox } from '../../platform/events/outbox.ts'
import type { Actor, Authenticator, RequestContext } from '../../platform/http/access.ts'
import type { ModuleDeps } from '../../modules.ts'
import {
  hashPassword,
  knownDevices,
  needsRehash,
  randomSecret,
  safeEqual,
  sha256,
  verifyDummy,
  verifyPassword,
  type SecretBox,
} from './credentials.ts'
import { identityRepository as repo } from './identity.repository.ts'
import { toMe } from './identity.mapping.ts'
import { afterFailedLogin, lockedFor, permissionsOf, tokenPermissions, unlocked } from './identity.policy.ts'
import type { UserRow } from './identity.tables.ts'
import type { TokenCache } from './token-cache.ts'
import { checkTotp } from './totp.ts'

export interface IdentityDeps extends ModuleDeps {
  /** Seals TOTP seeds (AES-256-GCM, key derived from SECRET_KEY). */
  totpBox: SecretBox
  /** API tokens looked up in the last seconds (this process). */
  tokenCache: TokenCache
}

/** A session ends after this long without a request (the absolute limit is SESSION_TTL_HOURS). */
export const SESSION_IDLE_MS = 60 * 60_000
/** last_seen / last_used are written at most this often, not on every request. */
const TOUCH_EVERY_MS = 60_000
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])

export const sessionCookieName = (secure: boolean) => (secure ? '__Host-aftercare_session' : 'aftercare_session')

export interface LoginMeta {
  ip: string | null
  userAgent: string | null
  requestId: string
  /** The browser's known-device cookie, if any (credentials.ts `knownDevices`). */
  device?: string | undefined
}

/** The same answer for an unknown email, a wrong password and a locked account. */
const invalidCredentials = () =>
  new UnauthenticatedError(
    'The email or password is incorrect, or the account is temporarily locked after too many failed attempts',
    'invalid_credentials',
  )

/** Canonical login email: NFC, trimmed, domain in lower case (matching the Email contract). */
export function canonicalEmail(raw: string): string {
  const s = raw.trim().normalize('NFC')
  const at = s.lastIndexOf('@')
  return at < 0 ? s : `${s.slice(0, at)}@${s.slice(at + 1).toLowerCase()}`
}

/** Audit fields for an entry made by the request's actor. */
export function byActor(ctx: RequestContext): Pick<AuditEntry, 'tenantId' | 'actorType' | 'actorId' | 'requestId' | 'ip'> {
  return {
    tenantId: ctx.actor.tenantId,
    actorType: ctx.actor.kind === 'token' ? 'token' : 'user',
    actorId: ctx.actor.userId,
    requestId: ctx.requestId,
    ip: ctx.ip,
  }
}

/**
 * Announces, in the transaction that made it, that a user's sessions or tokens were revoked or their
 * status or roles changed: every server process checks that user's live connections again.
 */
export async function credentialsChanged(
  deps: { outbox: Outbox; tokenCache: TokenCache },
  tx: DbOrTx,
  e: { tenantId: string; userId: string; actorId: string | null; reason: string },
): Promise<void> {
  deps.tokenCache.forget(e.userId)
  await deps.outbox.publish(tx, {
    tenantId: e.tenantId,
    type: CREDENTIALS_CHANGED,
    aggregateType: 'user',
    aggregateId: e.userId,
    payload: { userId: e.userId, reason: e.reason },
    actorId: e.actorId,
  })
}

export async function loadMe(tx: DbOrTx, user: UserRow, permissions?: Actor['permissions']): Promise<Me> {
  const tenant = await repo.findTenantById(tx, user.tenantId)
  const teams = await repo.teamIdsOf(tx, user.tenantId, [user.id])
  return toMe(user, tenant?.name ?? '', teams.get(user.id) ?? [], permissions)
}

type Outcome =
  | { kind: 'ok'; me: Me; sessionToken: string; csrfToken: string; expiresAt: Date; deviceCookie: string }
  | { kind: 'invalid' | 'totp_required' | 'totp_invalid' | 'disabled' }

export function createAuthService(deps: IdentityDeps) {
  const { database, audit, clock, config, totpBox, tokenCache } = deps
  const devices = knownDevices(config.SECRET_KEY)

  /** Finds the tenant and user a login names; either may be missing (the answer is the same). */
  async function resolveTarget(tenantSlug: string | undefined, email: string): Promise<{ tenantId: string | null; userId: string | null }> {
    if (tenantSlug) {
      const tenant = await repo.findTenantBySlug(database.db, tenantSlug.trim().toLowerCase())
      if (!tenant) return { tenantId: null, userId: null }
      const user = await database.withTenant(tenant.id, (tx) => repo.findUserByEmail(tx, tenant.id, email))
      return { tenantId: tenant.id, userId: user?.id ?? null }
    }
    // Without a slug the email must name exactly one user across tenants.
    const found = await repo.findUsersByEmailAnyTenant(database.db, email)
    const only = found.length === 1 ? found[0] : undefined
    return { tenantId: only?.tenantId ?? null, userId: only?.id ?? null }
  }

  return {
    /**
     * Checks email + password (+ TOTP when enrolled) and opens a session. Failures count
     * towards a lockout; the answer never tells whether the email exists.
     */
    async login(body: LoginBody, meta: LoginMeta) {
      const email = canonicalEmail(body.email)
      const now = clock.now()
      const { tenantId, userId } = await resolveTarget(body.tenant, email)
      const audited = { actorType: 'anonymous' as const, actorId: null, entityType: 'user', requestId: meta.requestId, ip: meta.ip }
      if (!tenantId || !userId) {
        await verifyDummy(body.password)
        deps.log.info({ ip: meta.ip, requestId: meta.requestId, tenantKnown: Boolean(tenantId) }, 'login failed: unknown email or tenant')
        if (tenantId)
          await database.withTenant(tenantId, (tx) =>
            audit.record(tx, {
              ...audited,
              tenantId,
              action: 'auth.login_failed',
              entityId: null,
              after: { email, reason: 'unknown_user' },
            }),
          )
        throw invalidCredentials()
      }
      const user = (await database.withTenant(tenantId, (tx) => repo.findUserById(tx, tenantId, userId)))!
      const knownDevice = devices.recognises(meta.device, userId, now)

      // The slow checks run outside the transaction: PGlite has one connection.
      let verdict: 'locked' | 'bad_password' | 'disabled' | 'totp_required' | 'totp_invalid' | 'ok'
      let totpStep: number | null = null
      if (lockedFor(user, now, knownDevice)) {
        await verifyDummy(body.password)
        verdict = 'locked'
      } else if (!(await verifyPassword(user.passwordHash, body.password))) verdict = 'bad_password'
      else if (user.status !== 'active') verdict = 'disabled'
      else if (user.totpSecret && !body.totp) verdict = 'totp_required'
      else if (user.totpSecret) {
        totpStep = await checkTotp(totpBox.open(user.totpSecret, user.id), body.totp!, now, user.totpLastStep)
        verdict = totpStep === null ? 'totp_invalid' : 'ok'
      } else verdict = 'ok'
      const rehash = verdict === 'ok' && needsRehash(user.passwordHash) ? await hashPassword(body.password) : undefined

      const outcome = await database.withTenant(tenantId, async (tx): Promise<Outcome> => {
        const fresh = (await repo.findUserById(tx, tenantId, userId, { forUpdate: true }))!
        // A code of a step already used (by a concurrent login) is a replay.
        if (verdict === 'ok' && totpStep !== null && fresh.totpLastStep !== null && totpStep <= fresh.totpLastStep) verdict = 'totp_invalid'
        if (verdict === 'ok' && lockedFor(fresh, now, knownDevice)) verdict = 'locked'
        const fail = (reason: string) =>
          audit.record(tx, { ...audited, tenantId, action: 'auth.login_failed', entityId: userId, after: { email: fresh.email, reason } })
        switch (verdict) {
          case 'locked':
          case 'disabled':
            await fail(verdict)
            return { kind: verdict === 'locked' ? 'invalid' : 'disabled' }
          case 'totp_required':
            return { kind: 'totp_required' }
          case 'bad_password':
          case 'totp_invalid': {
            const next = afterFailedLogin(fresh, now)
            await repo.updateUser(tx, tenantId, userId, {
              failedLogins: next.failedLogins,
              lockouts: next.lockouts,
              lockedUntil: next.lockedUntil,
            })
            await fail(verdict === 'bad_password' ? 'wrong_password' : 'wrong_totp')
            if (next.lockedUntil && next.lockouts > fresh.lockouts)
              await audit.record(tx, {
                ...audited,
                tenantId,
                action: 'user.locked',
                entityId: userId,
                after: { lockedUntil: next.lockedUntil.toISOString(), lockouts: next.lockouts },
              })
            return { kind: verdict === 'bad_password' ? 'invalid' : 'totp_invalid' }
          }
          case 'ok': {
            const updated = await repo.updateUser(tx, tenantId, userId, {
              ...unlocked,
              lastLoginAt: now,
              ...(totpStep !== null ? { totpLastStep: totpStep } : {}),
              ...(rehash ? { passwordHash: rehash } : {}),
            })
            const sessionToken = randomSecret()
            const csrfToken = randomSecret()
            const expiresAt = new Date(now.getTime() + config.SESSION_TTL_HOURS * 3_600_000)
            const session = await repo.insertSession(tx, {
              tenantId,
              userId,
              tokenHash: sha256(sessionToken),
              csrfToken,
              createdAt: now,
              lastSeenAt: now,
              expiresAt,
              ip: meta.ip,
              userAgent: meta.userAgent?.slice(0, 500) ?? null,
            })
            await audit.record(tx, {
              tenantId,
              actorType: 'user',
              actorId: userId,
              action: 'auth.login_succeeded',
              entityType: 'session',
              entityId: session.id,
              after: { userId, ip: meta.ip, userAgent: session.userAgent, expiresAt: expiresAt.toISOString(), mfa: totpStep !== null },
              requestId: meta.requestId,
              ip: meta.ip,
            })
            return {
              kind: 'ok',
              me: await loadMe(tx, updated),
              sessionToken,
              csrfToken,
              expiresAt,
              deviceCookie: devices.issue(userId, now),
            }
          }
        }
      })
      switch (outcome.kind) {
        case 'ok':
          return outcome
        case 'invalid':
          throw invalidCredentials()
        case 'totp_required':
          throw new UnauthenticatedError('Enter the 6-digit code from your authenticator app', 'totp_required')
        case 'totp_invalid':
          throw new UnauthenticatedError('The authentication code is wrong or was already used', 'totp_invalid')
        case 'disabled':
          throw new ForbiddenError('This account is disabled; ask your administrator', 'account_disabled')
      }
    },

    /** Ends the current session (a token actor has none: nothing to end). */
    async logout(ctx: RequestContext) {
      const sessionId = ctx.actor.sessionId
      if (!sessionId) return
      await database.withTenant(ctx.actor.tenantId, async (tx) => {
        const revoked = await repo.revokeSessions(tx, ctx.actor.tenantId, ctx.actor.userId, clock.now(), { id: sessionId })
        if (!revoked.length) return
        await audit.record(tx, { ...byActor(ctx), action: 'auth.logout', entityType: 'session', entityId: sessionId })
        await credentialsChanged(deps, tx, {
          tenantId: ctx.actor.tenantId,
          userId: ctx.actor.userId,
          actorId: ctx.actor.userId,
          reason: 'logout',
        })
      })
    },

    authenticator: {
      async authenticate(req: FastifyRequest): Promise<Actor | null> {
        const now = clock.now()
        const authorization = req.headers.authorization
        if (typeof authorization === 'string' && /^bearer\s/i.test(authorization)) {
          const value = authorization.slice(7).trim()
          const hash = value.startsWith('ac_') && value.length < 200 ? sha256(value) : undefined
          let found = hash ? tokenCache.get(hash) : undefined
          if (hash && !found) {
            found = await repo.findTokenByHash(database.db, hash)
            if (found) tokenCache.set(hash, found)
          }
          if (!found || (found.token.expiresAt && found.token.expiresAt <= now) || found.user.status !== 'active')
            throw new UnauthenticatedError('The API token is invalid, expired or revoked', 'invalid_token')
          const { token, user } = found
          if (!token.lastUsedAt || now.getTime() - token.lastUsedAt.getTime() >= TOUCH_EVERY_MS)
            await repo.touchToken(database.db, token, now)
          return {
            kind: 'token',
            userId: user.id,
            tenantId: user.tenantId,
            roles: user.roles,
            permissions: tokenPermissions(token.scopes, user.roles),
            tokenId: token.id,
            customerOrgId: user.customerOrgId,
            locale: user.locale,
            name: user.name,
          }
        }
        const raw = (req.cookies as Record<string, string | undefined> | undefined)?.[sessionCookieName(isSecure(config.PUBLIC_URL))]
        if (!raw || raw.length > 200) return null
        const found = await repo.findSessionByHash(database.db, sha256(raw))
        if (!found) return null
        const { session, user } = found
        if (session.expiresAt <= now || now.getTime() - session.lastSeenAt.getTime() >= SESSION_IDLE_MS || user.status !== 'active')
          return null
        if (!SAFE_METHODS.has(req.method)) {
          const header = req.headers['x-csrf-token']
          const crossSite = req.headers['sec-fetch-site'] === 'cross-site'
          if (typeof header !== 'string' || crossSite || !safeEqual(header, session.csrfToken))
            throw new ForbiddenError('Missing or wrong CSRF token (send the x-csrf-token header from the login answer)', 'csrf_failed')
        }
        if (now.getTime() - session.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await repo.touchSession(database.db, session.id, now)
        return {
          kind: 'session',
          userId: user.id,
          tenantId: user.tenantId,
          roles: user.roles,
          permissions: permissionsOf(user.roles),
          sessionId: session.id,
          customerOrgId: user.customerOrgId,
          locale: user.locale,
          name: user.name,
        }
      },
      forget: (_tenantId: string, userId: string) => tokenCache.forget(userId),
    } satisfies Authenticator,

    /** The CSRF token of a session (GET /auth/me returns it so a reloaded page can continue). */
    async csrfTokenOf(actor: Actor): Promise<string | undefined> {
      if (!actor.sessionId) return undefined
      const s = await database.withTenant(actor.tenantId, (tx) => repo.findSession(tx, actor.tenantId, actor.sessionId!))
      return s?.csrfToken
    },
  }
}

export function isSecure(publicUrl: string | undefined): boolean {
  return publicUrl?.startsWith('https://') ?? false
}

export type AuthService = ReturnType<typeof createAuthService>
