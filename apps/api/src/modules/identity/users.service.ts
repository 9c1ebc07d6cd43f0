// Administration: tenants, users, teams — and the system-side calls the CLI and the seed make.
import {
  CreateUserBody,
  type Role,
  type Team,
  type UpdateUserBody,
  type User,
  type UserList,
  type UserListQuery,
} from '@aftercare/contracts'
import type { z } from 'zod'
import type { AuditEntry } from '../../platform/audit/audit-log.ts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { AppError, ConflictError, NotFoundError, PreconditionFailedError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import { byActor, canonicalEmail, credentialsChanged, type IdentityDeps } from './auth.service.ts'
import { hashPassword, verifyPassword } from './credentials.ts'
import { identityRepository as repo, type UserPatch } from './identity.repository.ts'
import { auditView, toSessionDto, toTokenDto, toUserDto } from './identity.mapping.ts'
import { unlocked } from './identity.policy.ts'
import type { UserRow } from './identity.tables.ts'

type Who = Pick<AuditEntry, 'actorType' | 'actorId' | 'requestId' | 'ip'>
const systemActor: Who = { actorType: 'system', actorId: null, requestId: null, ip: null }
const who = (ctx: RequestContext | undefined): Who => (ctx ? byActor(ctx) : systemActor)

export type NewUser = z.output<typeof CreateUserBody> & { customerOrgId?: string | null }

const emailTaken = () =>
  new AppError(409, 'email_taken', 'email: another user of this organisation already uses this email', {
    issues: [{ path: 'email', message: 'is already used by another user' }],
  })
const teamNameTaken = () =>
  new AppError(409, 'name_taken', 'name: another team already has this name', {
    issues: [{ path: 'name', message: 'is already used by another team' }],
  })

const encodeCursor = (email: string) => Buffer.from(email, 'utf8').toString('base64url')
function decodeCursor(cursor: string): string {
  const s = Buffer.from(cursor, 'base64url').toString('utf8')
  if (!s.includes('@')) throw ValidationError.field('cursor', 'is not a cursor from this API')
  return s
}

export function createUsersService(deps: IdentityDeps) {
  const { database, audit, outbox, clock } = deps
  /** An admin changed what a user may do or revoked their sessions or tokens. */
  const userCredentialsChanged = (tx: DbOrTx, ctx: RequestContext, userId: string, reason: string) =>
    credentialsChanged(deps, tx, { tenantId: ctx.actor.tenantId, userId, actorId: ctx.actor.userId, reason })

  async function assertTeams(tx: DbOrTx, tenantId: string, teamIds: string[]) {
    const existing = await repo.existingTeamIds(tx, tenantId, teamIds)
    const missing = teamIds.filter((id) => !existing.has(id))
    if (missing.length) throw ValidationError.field('teamIds', `unknown team ${missing.join(', ')}`)
  }

  async function dto(tx: DbOrTx, u: UserRow): Promise<User> {
    const teams = await repo.teamIdsOf(tx, u.tenantId, [u.id])
    return toUserDto(u, teams.get(u.id) ?? [])
  }

  async function findUser(tx: DbOrTx, tenantId: string, id: string, forUpdate = false) {
    const u = await repo.findUserById(tx, tenantId, id, { forUpdate })
    if (!u) throw new NotFoundError('user', id)
    return u
  }

  async function insertUser(tx: DbOrTx, tenantId: string, input: NewUser, passwordHash: string, by: Who): Promise<User> {
    const email = canonicalEmail(input.email)
    if (await repo.findUserByEmail(tx, tenantId, email)) throw emailTaken()
    const teamIds = [...new Set(input.teamIds)]
    await assertTeams(tx, tenantId, teamIds)
    const now = clock.now()
    const user = await repo.insertUser(tx, {
      tenantId,
      email,
      name: input.name,
      phone: input.phone ?? null,
      roles: [...new Set(input.roles)],
      status: 'active',
      locale: input.locale,
      passwordHash,
      passwordChangedAt: now,
      failedLogins: 0,
      lockouts: 0,
      customerOrgId: input.customerOrgId ?? null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    })
    await repo.setTeams(tx, tenantId, user.id, teamIds)
    await audit.record(tx, {
      ...by,
      tenantId,
      action: 'user.created',
      entityType: 'user',
      entityId: user.id,
      after: auditView(user, teamIds),
    })
    await outbox.publish(tx, {
      tenantId,
      type: 'user.created',
      aggregateType: 'user',
      aggregateId: user.id,
      payload: { userId: user.id, email: user.email, name: user.name, roles: user.roles, customerOrgId: user.customerOrgId },
      actorId: by.actorId ?? null,
    })
    return toUserDto(user, teamIds)
  }

  /** Applies an admin change; disabling ends every session and token of the user at once. */
  async function changeUser(
    ctx: RequestContext,
    id: string,
    patch: z.output<typeof UpdateUserBody>,
    ifMatch: number | undefined,
  ): Promise<User> {
    const tenantId = ctx.actor.tenantId
    return database.withTenant(tenantId, async (tx) => {
      const before = await findUser(tx, tenantId, id, true)
      if (ifMatch !== undefined && ifMatch !== before.version) throw new PreconditionFailedError()
      if (id === ctx.actor.userId) {
        if (patch.status === 'disabled') throw new ConflictError('cannot_disable_self', 'You cannot disable your own account')
        if (patch.roles && before.roles.includes('admin') && !patch.roles.includes('admin'))
          throw new ConflictError('cannot_demote_self', 'You cannot remove the admin role from yourself')
      }
      const teamsBefore = (await repo.teamIdsOf(tx, tenantId, [id])).get(id) ?? []
      const now = clock.now()
      const changes: UserPatch = {}
      if (patch.name !== undefined) changes.name = patch.name
      if (patch.phone !== undefined) changes.phone = patch.phone
      if (patch.roles !== undefined) changes.roles = [...new Set(patch.roles)]
      if (patch.locale !== undefined) changes.locale = patch.locale
      if (patch.status !== undefined) changes.status = patch.status
      let teamsAfter = teamsBefore
      if (patch.teamIds !== undefined) {
        teamsAfter = [...new Set(patch.teamIds)].sort()
        await assertTeams(tx, tenantId, teamsAfter)
        await repo.setTeams(tx, tenantId, id, teamsAfter)
      }
      const statusChanged = patch.status !== undefined && patch.status !== before.status
      if (statusChanged && patch.status === 'active') Object.assign(changes, unlocked)
      const after = await repo.updateUser(tx, tenantId, id, { ...changes, version: before.version + 1, updatedAt: now })
      const by = who(ctx)
      await audit.record(tx, {
        ...by,
        tenantId,
        action: 'user.updated',
        entityType: 'user',
        entityId: id,
        before: auditView(before, teamsBefore),
        after: auditView(after, teamsAfter),
      })
      if (statusChanged && after.status === 'disabled') {
        const sessions = await repo.revokeSessions(tx, tenantId, id, now)
        const tokens = await repo.revokeTokens(tx, tenantId, id, now)
        await audit.record(tx, {
          ...by,
          tenantId,
          action: 'user.disabled',
          entityType: 'user',
          entityId: id,
          after: { sessionsRevoked: sessions.length, tokensRevoked: tokens.length },
        })
        await outbox.publish(tx, {
          tenantId,
          type: 'user.disabled',
          aggregateType: 'user',
          aggregateId: id,
          payload: { userId: id },
          actorId: ctx.actor.userId,
        })
      } else if (statusChanged) {
        await audit.record(tx, { ...by, tenantId, action: 'user.enabled', entityType: 'user', entityId: id })
      }
      const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x))
      if (statusChanged || !sameSet(before.roles, after.roles) || !sameSet(teamsBefore, teamsAfter))
        await userCredentialsChanged(tx, ctx, id, statusChanged ? `status_${after.status}` : 'rights_changed')
      return toUserDto(after, teamsAfter)
    })
  }

  return {
    // ── system side (CLI, seed, other modules)

    /** Creates a tenant (an organisation running Aftercare); 409 when the slug exists. */
    async createTenant(input: { slug: string; name: string }) {
      const slug = input.slug.trim().toLowerCase()
      if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) throw ValidationError.field('slug', 'use 2–63 lower-case letters, digits and dashes')
      const name = input.name.trim()
      if (!name || name.length > 200) throw ValidationError.field('name', 'must be 1–200 characters')
      return database.transaction(async (tx) => {
        if (await repo.findTenantBySlug(tx, slug)) throw new ConflictError('tenant_exists', `A tenant with slug "${slug}" already exists`)
        const tenant = await repo.insertTenant(tx, { slug, name })
        await audit.record(tx, {
          ...systemActor,
          tenantId: tenant.id,
          action: 'tenant.created',
          entityType: 'tenant',
          entityId: tenant.id,
          after: { slug, name },
        })
        return { id: tenant.id, slug: tenant.slug, name: tenant.name }
      })
    },

    async findTenantBySlug(slug: string) {
      const t = await repo.findTenantBySlug(database.db, slug.trim().toLowerCase())
      return t ? { id: t.id, slug: t.slug, name: t.name } : undefined
    },

    /** Creates a user as the system (CLI, seed); input is validated like the API's. */
    async createUser(tenantId: string, input: z.input<typeof CreateUserBody> & { customerOrgId?: string | null }): Promise<User> {
      const parsed = CreateUserBody.safeParse(input)
      if (!parsed.success) {
        const issues = parsed.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }))
        throw new ValidationError(issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues)
      }
      const passwordHash = await hashPassword(parsed.data.password)
      return database.withTenant(tenantId, (tx) =>
        insertUser(tx, tenantId, { ...parsed.data, customerOrgId: input.customerOrgId ?? null }, passwordHash, systemActor),
      )
    },

    async findUserByEmail(tenantId: string, email: string): Promise<User | undefined> {
      return database.withTenant(tenantId, async (tx) => {
        const u = await repo.findUserByEmail(tx, tenantId, canonicalEmail(email))
        return u ? dto(tx, u) : undefined
      })
    },

    /** Checks a password without signing in (no session, no lockout bookkeeping); null when wrong or disabled. */
    async verifyCredentials(tenantId: string, email: string, password: string): Promise<User | null> {
      const u = await database.withTenant(tenantId, (tx) => repo.findUserByEmail(tx, tenantId, canonicalEmail(email)))
      if (!u || !(await verifyPassword(u.passwordHash, password)) || u.status !== 'active') return null
      return database.withTenant(tenantId, (tx) => dto(tx, u))
    },

    /** Links a customer contact to their organisation (the customers module calls this). */
    async setCustomerOrg(tenantId: string, userId: string, customerOrgId: string | null) {
      await database.withTenant(tenantId, async (tx) => {
        const u = await findUser(tx, tenantId, userId, true)
        await repo.updateUser(tx, tenantId, userId, { customerOrgId, version: u.version + 1, updatedAt: clock.now() })
        await audit.record(tx, {
          ...systemActor,
          tenantId,
          action: 'user.updated',
          entityType: 'user',
          entityId: userId,
          before: { customerOrgId: u.customerOrgId },
          after: { customerOrgId },
        })
        // what a contact may see follows their organisation
        if (u.customerOrgId !== customerOrgId)
          await credentialsChanged(deps, tx, { tenantId, userId, actorId: null, reason: 'customer_org_changed' })
      })
    },

    // ── admin routes

    async list(ctx: RequestContext, q: UserListQuery): Promise<UserList> {
      const tenantId = ctx.actor.tenantId
      return database.withTenant(tenantId, async (tx) => {
        const rows = await repo.listUsers(tx, tenantId, {
          ...(q.q ? { q: q.q } : {}),
          ...(q.role ? { role: q.role } : {}),
          ...(q.status ? { status: q.status } : {}),
          ...(q.teamId ? { teamId: q.teamId } : {}),
          ...(q.cursor ? { after: decodeCursor(q.cursor) } : {}),
          limit: q.limit + 1,
        })
        const page = rows.slice(0, q.limit)
        const teams = await repo.teamIdsOf(
          tx,
          tenantId,
          page.map((u) => u.id),
        )
        const last = page.at(-1)
        return {
          items: page.map((u) => toUserDto(u, teams.get(u.id) ?? [])),
          nextCursor: rows.length > q.limit && last ? encodeCursor(last.email.toLowerCase()) : null,
        }
      })
    },

    async get(ctx: RequestContext, id: string): Promise<User> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => dto(tx, await findUser(tx, ctx.actor.tenantId, id)))
    },

    /** An admin creates a user with an initial password. */
    async create(ctx: RequestContext, input: z.output<typeof CreateUserBody>): Promise<User> {
      const passwordHash = await hashPassword(input.password)
      return database.withTenant(ctx.actor.tenantId, (tx) => insertUser(tx, ctx.actor.tenantId, input, passwordHash, who(ctx)))
    },

    update: changeUser,
    disable: (ctx: RequestContext, id: string) => changeUser(ctx, id, { status: 'disabled' }, undefined),
    enable: (ctx: RequestContext, id: string) => changeUser(ctx, id, { status: 'active' }, undefined),

    /** Sets a new password, clears a lockout and ends the user's sessions (two-factor stays on). */
    async resetPassword(ctx: RequestContext, id: string, password: string) {
      const passwordHash = await hashPassword(password)
      const tenantId = ctx.actor.tenantId
      await database.withTenant(tenantId, async (tx) => {
        const u = await findUser(tx, tenantId, id, true)
        const now = clock.now()
        await repo.updateUser(tx, tenantId, id, {
          passwordHash,
          passwordChangedAt: now,
          ...unlocked,
          version: u.version + 1,
          updatedAt: now,
        })
        const revoked =
          id === ctx.actor.userId && ctx.actor.sessionId
            ? await repo.revokeSessions(tx, tenantId, id, now, { exceptId: ctx.actor.sessionId })
            : await repo.revokeSessions(tx, tenantId, id, now)
        await audit.record(tx, {
          ...who(ctx),
          tenantId,
          action: 'user.password_reset',
          entityType: 'user',
          entityId: id,
          after: { sessionsRevoked: revoked.length },
        })
        if (revoked.length) await userCredentialsChanged(tx, ctx, id, 'password_reset')
      })
      return { ok: true as const }
    },

    /** Turns a user's two-factor off (a lost phone); they sign in with the password and can enrol again. */
    async removeTotp(ctx: RequestContext, id: string) {
      const tenantId = ctx.actor.tenantId
      await database.withTenant(tenantId, async (tx) => {
        const u = await findUser(tx, tenantId, id, true)
        if (!u.totpSecret) throw new ConflictError('totp_not_enabled', 'Two-factor authentication is not on for this user')
        const now = clock.now()
        await repo.updateUser(tx, tenantId, id, {
          totpSecret: null,
          totpPendingSecret: null,
          totpEnabledAt: null,
          totpLastStep: null,
          version: u.version + 1,
          updatedAt: now,
        })
        await audit.record(tx, {
          ...who(ctx),
          tenantId,
          action: 'totp.removed_by_admin',
          entityType: 'user',
          entityId: id,
          before: { totpEnabled: true },
          after: { totpEnabled: false },
        })
      })
      return { ok: true as const }
    },

    async listSessions(ctx: RequestContext, userId: string) {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        await findUser(tx, ctx.actor.tenantId, userId)
        const rows = await repo.listSessions(tx, ctx.actor.tenantId, userId, clock.now())
        return rows.map((s) => toSessionDto(s, ctx.actor.sessionId))
      })
    },

    /** Signs a user out everywhere. */
    async revokeSessions(ctx: RequestContext, userId: string) {
      const tenantId = ctx.actor.tenantId
      const revoked = await database.withTenant(tenantId, async (tx) => {
        await findUser(tx, tenantId, userId)
        const ids = await repo.revokeSessions(tx, tenantId, userId, clock.now())
        for (const sid of ids)
          await audit.record(tx, {
            ...who(ctx),
            tenantId,
            action: 'session.revoked',
            entityType: 'session',
            entityId: sid,
            after: { userId },
          })
        if (ids.length) await userCredentialsChanged(tx, ctx, userId, 'sessions_revoked')
        return ids.length
      })
      return { revoked }
    },

    async listTokens(ctx: RequestContext, userId: string) {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        await findUser(tx, ctx.actor.tenantId, userId)
        return (await repo.listTokens(tx, ctx.actor.tenantId, userId)).map(toTokenDto)
      })
    },

    async revokeToken(ctx: RequestContext, userId: string, tokenId: string) {
      const tenantId = ctx.actor.tenantId
      await database.withTenant(tenantId, async (tx) => {
        const t = await repo.findToken(tx, tenantId, tokenId)
        if (!t || t.userId !== userId) throw new NotFoundError('api token', tokenId)
        const ids = await repo.revokeTokens(tx, tenantId, userId, clock.now(), { id: tokenId })
        if (!ids.length) return
        await audit.record(tx, {
          ...who(ctx),
          tenantId,
          action: 'token.revoked',
          entityType: 'api_token',
          entityId: tokenId,
          after: { userId },
        })
        await userCredentialsChanged(tx, ctx, userId, 'token_revoked')
      })
      return { ok: true as const }
    },

    // ── teams

    async listTeams(ctx: RequestContext): Promise<Team[]> {
      const rows = await database.withTenant(ctx.actor.tenantId, (tx) => repo.listTeams(tx, ctx.actor.tenantId))
      return rows.map((r) => ({ ...r, memberCount: Number(r.memberCount) }))
    },

    async createTeam(ctx: RequestContext, input: { name: string; description?: string | undefined }): Promise<Team> {
      const tenantId = ctx.actor.tenantId
      return database.withTenant(tenantId, async (tx) => {
        if (await repo.findTeamByName(tx, tenantId, input.name)) throw teamNameTaken()
        const team = await repo.insertTeam(tx, {
          tenantId,
          name: input.name,
          description: input.description || null,
          createdAt: clock.now(),
        })
        await audit.record(tx, {
          ...who(ctx),
          tenantId,
          action: 'team.created',
          entityType: 'team',
          entityId: team.id,
          after: { name: team.name, description: team.description },
        })
        return { id: team.id, name: team.name, description: team.description, memberCount: 0 }
      })
    },

    async updateTeam(
      ctx: RequestContext,
      id: string,
      patch: { name?: string | undefined; description?: string | null | undefined },
    ): Promise<Team> {
      const tenantId = ctx.actor.tenantId
      return database.withTenant(tenantId, async (tx) => {
        const before = await repo.findTeam(tx, tenantId, id)
        if (!before) throw new NotFoundError('team', id)
        if (patch.name !== undefined && (await repo.findTeamByName(tx, tenantId, patch.name, id))) throw teamNameTaken()
        const changes = {
          ...(patch.name !== undefined ? { name: patch.name } : {}),
          ...(patch.description !== undefined ? { description: patch.description || null } : {}),
        }
        const after = Object.keys(changes).length ? await repo.updateTeam(tx, tenantId, id, changes) : before
        await audit.record(tx, {
          ...who(ctx),
          tenantId,
          action: 'team.updated',
          entityType: 'team',
          entityId: id,
          before: { name: before.name, description: before.description },
          after: { name: after.name, description: after.description },
        })
        return { id, name: after.name, description: after.description, memberCount: await repo.memberCount(tx, tenantId, id) }
      })
    },

    /** Deletes a team; its members simply leave it. */
    async deleteTeam(ctx: RequestContext, id: string) {
      const tenantId = ctx.actor.tenantId
      await database.withTenant(tenantId, async (tx) => {
        const before = await repo.findTeam(tx, tenantId, id)
        if (!before) throw new NotFoundError('team', id)
        await repo.deleteTeam(tx, tenantId, id)
        await audit.record(tx, {
          ...who(ctx),
          tenantId,
          action: 'team.deleted',
          entityType: 'team',
          entityId: id,
          before: { name: before.name, description: before.description },
        })
      })
      return { ok: true as const }
    },
  }
}

export type UsersService = ReturnType<typeof createUsersService>
export type { Role }
