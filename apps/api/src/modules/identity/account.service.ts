// A signed-in user's own account: profile, password, two-factor, sessions and API tokens.
import type { CreatedApiToken, Me, Permission } from '@aftercare/contracts'
import type { z } from 'zod'
import { AppError, ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../platform/errors.ts'
import type { DbOrTx } from '../../platform/db/index.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import { byActor, credentialsChanged, loadMe, type IdentityDeps } from './auth.service.ts'
import { hashPassword, randomSecret, sha256, verifyPassword } from './credentials.ts'
import { identityRepository as repo } from './identity.repository.ts'
import { toSessionDto, toTokenDto } from './identity.mapping.ts'
import { afterFailedLogin, isLocked, scopesBeyond } from './identity.policy.ts'
import type { UserRow } from './identity.tables.ts'
import { checkTotp, newTotpSecret, totpEnrollment } from './totp.ts'

/** Changing credentials needs a person at a browser, not an API token (a leaked read token must not take over the account). */
function requireSession(ctx: RequestContext): string {
  if (ctx.actor.kind !== 'session' || !ctx.actor.sessionId)
    throw new ForbiddenError('This needs a signed-in session, not an API token', 'session_required')
  return ctx.actor.sessionId
}

export const TOKEN_PREFIX_LENGTH = 10

export function createAccountService(deps: IdentityDeps) {
  const { database, audit, clock, totpBox } = deps
  /** The caller's own sessions or tokens changed. */
  const ownCredentialsChanged = (tx: DbOrTx, ctx: RequestContext, reason: string) =>
    credentialsChanged(deps, tx, { tenantId: ctx.actor.tenantId, userId: ctx.actor.userId, actorId: ctx.actor.userId, reason })
  const inTenant = <T>(ctx: RequestContext, fn: (tx: DbOrTx) => Promise<T>) => database.withTenant(ctx.actor.tenantId, fn)
  const self = async (ctx: RequestContext, tx: DbOrTx, forUpdate = false) => {
    const user = await repo.findUserById(tx, ctx.actor.tenantId, ctx.actor.userId, { forUpdate })
    if (!user) throw new NotFoundError('user', ctx.actor.userId)
    return user
  }

  /**
   * A wrong password or code typed to confirm a sensitive change counts towards the same lockout
   * as signing in (RELIABILITY C-BRUTE: a stolen session cannot guess the password without limit).
   */
  async function confirmationFailed(ctx: RequestContext, field: string, why = 'is incorrect'): Promise<never> {
    await inTenant(ctx, async (tx) => {
      const fresh = await self(ctx, tx, true)
      const next = afterFailedLogin(fresh, clock.now())
      await repo.updateUser(tx, ctx.actor.tenantId, fresh.id, next)
      await audit.record(tx, {
        ...byActor(ctx),
        action: 'auth.confirmation_failed',
        entityType: 'user',
        entityId: fresh.id,
        after: { field, locked: next.lockedUntil !== null },
      })
    })
    throw ValidationError.field(field, why)
  }
  /** While the account is locked, no password or code is checked at all. */
  const refuseWhileLocked = (user: UserRow) => {
    if (isLocked(user, clock.now()))
      throw new AppError(429, 'account_locked', 'Too many wrong passwords or codes: the account is locked for a while; try again later')
  }
  async function confirmPassword(ctx: RequestContext, user: UserRow, password: string, field: string) {
    refuseWhileLocked(user)
    if (!(await verifyPassword(user.passwordHash, password))) await confirmationFailed(ctx, field)
  }

  return {
    /** The caller's profile and permissions (with the session's CSRF token). */
    async me(ctx: RequestContext): Promise<Me> {
      return inTenant(ctx, async (tx) => {
        const me = await loadMe(tx, await self(ctx, tx), ctx.actor.permissions)
        const session = ctx.actor.sessionId ? await repo.findSession(tx, ctx.actor.tenantId, ctx.actor.sessionId) : undefined
        return session ? { ...me, csrfToken: session.csrfToken } : me
      })
    },

    /** Changes the caller's display name and/or language. */
    async updateProfile(ctx: RequestContext, patch: { name?: string | undefined; locale?: 'zh-CN' | 'en-US' | undefined }): Promise<Me> {
      return inTenant(ctx, async (tx) => {
        const before = await self(ctx, tx, true)
        const changes = {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
        }
        if (!Object.keys(changes).length) return loadMe(tx, before, ctx.actor.permissions)
        const after = await repo.updateUser(tx, ctx.actor.tenantId, before.id, {
          ...changes,
          version: before.version + 1,
          updatedAt: clock.now(),
        })
        await audit.record(tx, {
          ...byActor(ctx),
          action: 'user.profile_updated',
          entityType: 'user',
          entityId: before.id,
          before: { name: before.name, locale: before.locale },
          after: { name: after.name, locale: after.locale },
        })
        return loadMe(tx, after, ctx.actor.permissions)
      })
    },

    /** Replaces the caller's password after checking the current one; other sessions end unless asked not to. */
    async changePassword(ctx: RequestContext, body: { currentPassword: string; newPassword: string; signOutOtherSessions: boolean }) {
      const sessionId = requireSession(ctx)
      const user = await inTenant(ctx, (tx) => self(ctx, tx))
      await confirmPassword(ctx, user, body.currentPassword, 'currentPassword')
      if (body.newPassword === body.currentPassword) throw ValidationError.field('newPassword', 'must differ from the current password')
      const passwordHash = await hashPassword(body.newPassword)
      await inTenant(ctx, async (tx) => {
        const now = clock.now()
        const fresh = await self(ctx, tx, true)
        await repo.updateUser(tx, ctx.actor.tenantId, user.id, {
          passwordHash,
          passwordChangedAt: now,
          version: fresh.version + 1,
          updatedAt: now,
        })
        const revoked = body.signOutOtherSessions
          ? await repo.revokeSessions(tx, ctx.actor.tenantId, user.id, now, { exceptId: sessionId })
          : []
        await audit.record(tx, {
          ...byActor(ctx),
          action: 'user.password_changed',
          entityType: 'user',
          entityId: user.id,
          after: { otherSessionsRevoked: revoked.length },
        })
        if (revoked.length) await ownCredentialsChanged(tx, ctx, 'password_changed')
      })
      return { ok: true as const }
    },

    async listSessions(ctx: RequestContext) {
      const rows = await inTenant(ctx, (tx) => repo.listSessions(tx, ctx.actor.tenantId, ctx.actor.userId, clock.now()))
      return rows.map((s) => toSessionDto(s, ctx.actor.sessionId))
    },

    /** Ends one of the caller's sessions (404 when it is not theirs). */
    async revokeSession(ctx: RequestContext, sessionId: string) {
      requireSession(ctx)
      await inTenant(ctx, async (tx) => {
        const revoked = await repo.revokeSessions(tx, ctx.actor.tenantId, ctx.actor.userId, clock.now(), { id: sessionId })
        if (!revoked.length) throw new NotFoundError('session', sessionId)
        await audit.record(tx, {
          ...byActor(ctx),
          action: 'session.revoked',
          entityType: 'session',
          entityId: sessionId,
          after: { userId: ctx.actor.userId },
        })
        await ownCredentialsChanged(tx, ctx, 'session_revoked')
      })
      return { ok: true as const }
    },

    /** Ends all of the caller's sessions except the current one. */
    async revokeOtherSessions(ctx: RequestContext) {
      const current = requireSession(ctx)
      const count = await inTenant(ctx, async (tx) => {
        const revoked = await repo.revokeSessions(tx, ctx.actor.tenantId, ctx.actor.userId, clock.now(), { exceptId: current })
        for (const id of revoked)
          await audit.record(tx, {
            ...byActor(ctx),
            action: 'session.revoked',
            entityType: 'session',
            entityId: id,
            after: { userId: ctx.actor.userId },
          })
        if (revoked.length) await ownCredentialsChanged(tx, ctx, 'sessions_revoked')
        return revoked.length
      })
      return { revoked: count }
    },

    /** Starts two-factor enrolment: a new secret (kept pending) and its QR code. */
    /** Starts an enrolment; the password is asked again first (ASVS 7.5.1). */
    async startTotp(ctx: RequestContext, password: string) {
      requireSession(ctx)
      await confirmPassword(ctx, await inTenant(ctx, (tx) => self(ctx, tx)), password, 'password')
      const secret = newTotpSecret()
      const user = await inTenant(ctx, async (tx) => {
        const user = await self(ctx, tx, true)
        if (user.totpSecret)
          throw new ConflictError('totp_already_enabled', 'Two-factor authentication is already on; remove it first to enrol a new device')
        await repo.updateUser(tx, ctx.actor.tenantId, user.id, { totpPendingSecret: totpBox.seal(secret, user.id) })
        return user
      })
      const tenant = await repo.findTenantById(database.db, ctx.actor.tenantId)
      return totpEnrollment(secret, `Aftercare${tenant ? ` (${tenant.name})` : ''}`, user.email)
    },

    /** Turns two-factor on once the user proves their app produces the right code. */
    async confirmTotp(ctx: RequestContext, code: string) {
      requireSession(ctx)
      const now = clock.now()
      await inTenant(ctx, async (tx) => {
        const user = await self(ctx, tx, true)
        if (user.totpSecret) throw new ConflictError('totp_already_enabled', 'Two-factor authentication is already on')
        if (!user.totpPendingSecret) throw new ConflictError('totp_not_started', 'Start the enrolment first (POST /api/auth/me/totp)')
        const step = await checkTotp(totpBox.open(user.totpPendingSecret, user.id), code, now, null)
        if (step === null) throw ValidationError.field('code', 'is not the current code of your authenticator app')
        await repo.updateUser(tx, ctx.actor.tenantId, user.id, {
          totpSecret: user.totpPendingSecret,
          totpPendingSecret: null,
          totpEnabledAt: now,
          totpLastStep: step,
          version: user.version + 1,
          updatedAt: now,
        })
        await audit.record(tx, {
          ...byActor(ctx),
          action: 'totp.enabled',
          entityType: 'user',
          entityId: user.id,
          before: { totpEnabled: false },
          after: { totpEnabled: true },
        })
      })
      return { ok: true as const }
    },

    /** Turns two-factor off; needs the password and a fresh code. */
    async disableTotp(ctx: RequestContext, body: { password: string; code: string }) {
      requireSession(ctx)
      const now = clock.now()
      const user = await inTenant(ctx, (tx) => self(ctx, tx))
      if (!user.totpSecret) throw new ConflictError('totp_not_enabled', 'Two-factor authentication is not on')
      await confirmPassword(ctx, user, body.password, 'password')
      const disabled = await inTenant(ctx, async (tx) => {
        const fresh = await self(ctx, tx, true)
        if (!fresh.totpSecret) throw new ConflictError('totp_not_enabled', 'Two-factor authentication is not on')
        const step = await checkTotp(totpBox.open(fresh.totpSecret, fresh.id), body.code, now, fresh.totpLastStep)
        if (step === null) return false
        await repo.updateUser(tx, ctx.actor.tenantId, fresh.id, {
          totpSecret: null,
          totpPendingSecret: null,
          totpEnabledAt: null,
          totpLastStep: null,
          version: fresh.version + 1,
          updatedAt: now,
        })
        await audit.record(tx, {
          ...byActor(ctx),
          action: 'totp.disabled',
          entityType: 'user',
          entityId: fresh.id,
          before: { totpEnabled: true },
          after: { totpEnabled: false },
        })
        return true
      })
      if (!disabled) await confirmationFailed(ctx, 'code', 'is wrong or was already used')
      return { ok: true as const }
    },

    async listTokens(ctx: RequestContext) {
      const rows = await inTenant(ctx, (tx) => repo.listTokens(tx, ctx.actor.tenantId, ctx.actor.userId))
      return rows.map(toTokenDto)
    },

    /** Creates an API token limited to scopes the caller holds; the secret is shown only now. */
    async createToken(
      ctx: RequestContext,
      body: { name: string; scopes: Permission[]; expiresInDays: number },
    ): Promise<z.infer<typeof CreatedApiToken>> {
      requireSession(ctx)
      const beyond = scopesBeyond(body.scopes, ctx.actor.permissions)
      if (beyond.length) throw ValidationError.field('scopes', `you do not hold: ${beyond.join(', ')}`)
      const now = clock.now()
      const token = `ac_${randomSecret()}`
      const row = await inTenant(ctx, async (tx) => {
        const row = await repo.insertToken(tx, {
          tenantId: ctx.actor.tenantId,
          userId: ctx.actor.userId,
          name: body.name,
          prefix: token.slice(0, TOKEN_PREFIX_LENGTH),
          tokenHash: sha256(token),
          scopes: [...new Set(body.scopes)],
          createdAt: now,
          expiresAt: new Date(now.getTime() + body.expiresInDays * 86_400_000),
        })
        await audit.record(tx, {
          ...byActor(ctx),
          action: 'token.created',
          entityType: 'api_token',
          entityId: row.id,
          after: { name: row.name, prefix: row.prefix, scopes: row.scopes, expiresAt: row.expiresAt?.toISOString() ?? null },
        })
        return row
      })
      return { token, apiToken: toTokenDto(row) }
    },

    /** Revokes one of the caller's tokens (a token may revoke itself: `aftercare logout`). */
    async revokeToken(ctx: RequestContext, tokenId: string) {
      await inTenant(ctx, async (tx) => {
        const revoked = await repo.revokeTokens(tx, ctx.actor.tenantId, ctx.actor.userId, clock.now(), { id: tokenId })
        if (!revoked.length) {
          const existing = await repo.findToken(tx, ctx.actor.tenantId, tokenId)
          if (existing?.userId === ctx.actor.userId) return // already revoked: idempotent
          throw new NotFoundError('api token', tokenId)
        }
        await audit.record(tx, {
          ...byActor(ctx),
          action: 'token.revoked',
          entityType: 'api_token',
          entityId: tokenId,
          after: { userId: ctx.actor.userId },
        })
        await ownCredentialsChanged(tx, ctx, 'token_revoked')
      })
      return { ok: true as const }
    },
  }
}

export type AccountService = ReturnType<typeof createAccountService>
