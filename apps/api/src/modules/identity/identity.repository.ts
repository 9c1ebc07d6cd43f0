// All SQL of the identity module; no rules. The transaction is always the first argument.
// Queries filter by tenant explicitly even though row-level security would too (two walls).
import { and, arrayContains, asc, count, eq, gt, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm'
import { cachedQuery, type DbOrTx } from '../../platform/db/index.ts'
import { apiTokens, sessions, teamMembers, teams, tenants, users, type UserRow } from './identity.tables.ts'

const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

export type UserPatch = Partial<Omit<UserRow, 'id' | 'tenantId' | 'createdAt'>>

const userById = cachedQuery((db) =>
  db
    .select()
    .from(users)
    .where(and(eq(users.tenantId, sql.placeholder('tenantId')), eq(users.id, sql.placeholder('id'))))
    .limit(1),
)
const tokenByHash = cachedQuery((db) =>
  db
    .select({ token: apiTokens, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, sql.placeholder('tokenHash')), isNull(apiTokens.revokedAt)))
    .limit(1),
)

export type TokenWithUser = Awaited<ReturnType<typeof tokenByHash>>[number]

export const identityRepository = {
  // ── tenants (owner connection: a tenant is looked up before any tenant scope exists)
  async findTenantBySlug(db: DbOrTx, slug: string) {
    const [row] = await db.select().from(tenants).where(eq(tenants.slug, slug)).limit(1)
    return row
  },
  async findTenantById(db: DbOrTx, id: string) {
    const [row] = await db.select().from(tenants).where(eq(tenants.id, id)).limit(1)
    return row
  },
  async insertTenant(db: DbOrTx, t: { slug: string; name: string }) {
    const [row] = await db.insert(tenants).values(t).returning()
    return row!
  },

  // ── users
  /** Owner connection: the users with this email in any tenant (login without a tenant slug). */
  async findUsersByEmailAnyTenant(db: DbOrTx, email: string) {
    return db
      .select({ id: users.id, tenantId: users.tenantId })
      .from(users)
      .where(sql`lower(${users.email}) = lower(${email})`)
      .limit(2)
  },
  async findUserByEmail(tx: DbOrTx, tenantId: string, email: string) {
    const [row] = await tx
      .select()
      .from(users)
      .where(and(eq(users.tenantId, tenantId), sql`lower(${users.email}) = lower(${email})`))
      .limit(1)
    return row
  },
  async findUserById(tx: DbOrTx, tenantId: string, id: string, opts: { forUpdate?: boolean } = {}) {
    if (!opts.forUpdate) return (await userById(tx, { tenantId, id }))[0]
    const [row] = await tx
      .select()
      .from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
      .limit(1)
      .for('update')
    return row
  },
  async insertUser(tx: DbOrTx, values: typeof users.$inferInsert) {
    const [row] = await tx.insert(users).values(values).returning()
    return row!
  },
  async updateUser(tx: DbOrTx, tenantId: string, id: string, patch: UserPatch) {
    const [row] = await tx
      .update(users)
      .set(patch)
      .where(and(eq(users.tenantId, tenantId), eq(users.id, id)))
      .returning()
    return row!
  },
  /** One page ordered by email; `after` is the last email of the previous page. */
  async listUsers(
    tx: DbOrTx,
    tenantId: string,
    f: { q?: string; role?: string; status?: string; teamId?: string; after?: string; limit: number },
  ) {
    const where: (SQL | undefined)[] = [eq(users.tenantId, tenantId)]
    if (f.q) {
      const p = likePattern(f.q)
      where.push(or(sql`${users.email} ilike ${p}`, sql`${users.name} ilike ${p}`, sql`${users.phone} ilike ${p}`))
    }
    if (f.role) where.push(arrayContains(users.roles, [f.role]))
    if (f.status) where.push(eq(users.status, f.status as 'active' | 'disabled'))
    if (f.teamId)
      where.push(
        inArray(
          users.id,
          tx
            .select({ id: teamMembers.userId })
            .from(teamMembers)
            .where(and(eq(teamMembers.tenantId, tenantId), eq(teamMembers.teamId, f.teamId))),
        ),
      )
    if (f.after !== undefined) where.push(sql`lower(${users.email}) > ${f.after}`)
    return tx
      .select()
      .from(users)
      .where(and(...where))
      .orderBy(sql`lower(${users.email})`)
      .limit(f.limit)
  },

  // ── teams
  async teamIdsOf(tx: DbOrTx, tenantId: string, userIds: string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>(userIds.map((id) => [id, []]))
    if (!userIds.length) return out
    const rows = await tx
      .select({ userId: teamMembers.userId, teamId: teamMembers.teamId })
      .from(teamMembers)
      .where(and(eq(teamMembers.tenantId, tenantId), inArray(teamMembers.userId, userIds)))
      .orderBy(asc(teamMembers.teamId))
    for (const r of rows) out.get(r.userId)?.push(r.teamId)
    return out
  },
  async setTeams(tx: DbOrTx, tenantId: string, userId: string, teamIds: string[]) {
    await tx.delete(teamMembers).where(and(eq(teamMembers.tenantId, tenantId), eq(teamMembers.userId, userId)))
    if (teamIds.length) await tx.insert(teamMembers).values(teamIds.map((teamId) => ({ tenantId, teamId, userId })))
  },
  async existingTeamIds(tx: DbOrTx, tenantId: string, ids: string[]): Promise<Set<string>> {
    if (!ids.length) return new Set()
    const rows = await tx
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.tenantId, tenantId), inArray(teams.id, ids)))
    return new Set(rows.map((r) => r.id))
  },
  async listTeams(tx: DbOrTx, tenantId: string) {
    return tx
      .select({ id: teams.id, name: teams.name, description: teams.description, memberCount: count(teamMembers.userId) })
      .from(teams)
      .leftJoin(teamMembers, eq(teamMembers.teamId, teams.id))
      .where(eq(teams.tenantId, tenantId))
      .groupBy(teams.id)
      .orderBy(asc(teams.name))
  },
  async findTeam(tx: DbOrTx, tenantId: string, id: string) {
    const [row] = await tx
      .select()
      .from(teams)
      .where(and(eq(teams.tenantId, tenantId), eq(teams.id, id)))
      .limit(1)
    return row
  },
  async findTeamByName(tx: DbOrTx, tenantId: string, name: string, exceptId?: string) {
    const [row] = await tx
      .select({ id: teams.id })
      .from(teams)
      .where(and(eq(teams.tenantId, tenantId), sql`lower(${teams.name}) = lower(${name})`, exceptId ? ne(teams.id, exceptId) : undefined))
      .limit(1)
    return row
  },
  async memberCount(tx: DbOrTx, tenantId: string, teamId: string) {
    const [row] = await tx
      .select({ n: count() })
      .from(teamMembers)
      .where(and(eq(teamMembers.tenantId, tenantId), eq(teamMembers.teamId, teamId)))
    return row?.n ?? 0
  },
  async insertTeam(tx: DbOrTx, values: typeof teams.$inferInsert) {
    const [row] = await tx.insert(teams).values(values).returning()
    return row!
  },
  async updateTeam(tx: DbOrTx, tenantId: string, id: string, patch: { name?: string; description?: string | null }) {
    const [row] = await tx
      .update(teams)
      .set(patch)
      .where(and(eq(teams.tenantId, tenantId), eq(teams.id, id)))
      .returning()
    return row!
  },
  async deleteTeam(tx: DbOrTx, tenantId: string, id: string) {
    await tx.delete(teams).where(and(eq(teams.tenantId, tenantId), eq(teams.id, id)))
  },

  // ── sessions
  async insertSession(tx: DbOrTx, values: typeof sessions.$inferInsert) {
    const [row] = await tx.insert(sessions).values(values).returning()
    return row!
  },
  /** Owner connection: the request's session, its user and tenant, from the cookie's hash. */
  async findSessionByHash(db: DbOrTx, tokenHash: string) {
    const [row] = await db
      .select({ session: sessions, user: users })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(and(eq(sessions.tokenHash, tokenHash), isNull(sessions.revokedAt)))
      .limit(1)
    return row
  },
  async touchSession(db: DbOrTx, id: string, at: Date) {
    await db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.id, id))
  },
  async listSessions(tx: DbOrTx, tenantId: string, userId: string, now: Date) {
    return tx
      .select()
      .from(sessions)
      .where(and(eq(sessions.tenantId, tenantId), eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
      .orderBy(sql`${sessions.lastSeenAt} desc`)
  },
  async findSession(tx: DbOrTx, tenantId: string, id: string) {
    const [row] = await tx
      .select()
      .from(sessions)
      .where(and(eq(sessions.tenantId, tenantId), eq(sessions.id, id)))
      .limit(1)
    return row
  },
  /** Revokes a user's live sessions (except one, when given); returns the revoked ids. */
  async revokeSessions(tx: DbOrTx, tenantId: string, userId: string, at: Date, opts: { exceptId?: string; id?: string } = {}) {
    const rows = await tx
      .update(sessions)
      .set({ revokedAt: at })
      .where(
        and(
          eq(sessions.tenantId, tenantId),
          eq(sessions.userId, userId),
          isNull(sessions.revokedAt),
          opts.exceptId ? ne(sessions.id, opts.exceptId) : undefined,
          opts.id ? eq(sessions.id, opts.id) : undefined,
        ),
      )
      .returning({ id: sessions.id })
    return rows.map((r) => r.id)
  },

  // ── API tokens
  async insertToken(tx: DbOrTx, values: typeof apiTokens.$inferInsert) {
    const [row] = await tx.insert(apiTokens).values(values).returning()
    return row!
  },
  /** Owner connection: the request's token and its user, from the bearer value's hash. */
  async findTokenByHash(db: DbOrTx, tokenHash: string): Promise<TokenWithUser | undefined> {
    const [row] = await tokenByHash(db, { tokenHash })
    return row
  },
  /** Notes the token's use (also on the cached row, so the next requests don't write it again). */
  async touchToken(db: DbOrTx, token: TokenWithUser['token'], at: Date) {
    await db.update(apiTokens).set({ lastUsedAt: at }).where(eq(apiTokens.id, token.id))
    token.lastUsedAt = at
  },
  async listTokens(tx: DbOrTx, tenantId: string, userId: string) {
    return tx
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.userId, userId)))
      .orderBy(sql`${apiTokens.createdAt} desc`, asc(apiTokens.id))
  },
  async findToken(tx: DbOrTx, tenantId: string, id: string) {
    const [row] = await tx
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.tenantId, tenantId), eq(apiTokens.id, id)))
      .limit(1)
    return row
  },
  async revokeTokens(tx: DbOrTx, tenantId: string, userId: string, at: Date, opts: { id?: string } = {}) {
    const rows = await tx
      .update(apiTokens)
      .set({ revokedAt: at })
      .where(
        and(
          eq(apiTokens.tenantId, tenantId),
          eq(apiTokens.userId, userId),
          isNull(apiTokens.revokedAt),
          opts.id ? eq(apiTokens.id, opts.id) : undefined,
        ),
      )
      .returning({ id: apiTokens.id })
    return rows.map((r) => r.id)
  },
}
