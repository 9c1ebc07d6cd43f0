// SQL of the portal's one-time sign-in codes. Codes live outside any tenant (owner connection);
// the portal users a target names are read inside the tenant's transaction.
import { and, arrayContains, count, desc, eq, gt, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../platform/db/index.ts'
import { tenants, users } from './identity.tables.ts'
import { portalLoginCodes, type PortalLoginCodeRow } from './portal-otp.tables.ts'

/** Mainland mobile as users.phone may hold it (`+86 138 0000 0009`) reduced to its 11 digits. */
const phoneDigits = sql`regexp_replace(regexp_replace(coalesce(${users.phone}, ''), '[[:space:]-]', '', 'g'), '^(\\+86|0086)', '')`

export const portalOtpRepository = {
  /** Owner connection: tenants a code may be looked up in when the request names none (capped). */
  async listTenantIds(db: DbOrTx, limit: number): Promise<string[]> {
    return (await db.select({ id: tenants.id }).from(tenants).orderBy(tenants.createdAt).limit(limit)).map((r) => r.id)
  },
  async findTenantIdBySlug(db: DbOrTx, slug: string): Promise<string | undefined> {
    const [row] = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.slug, slug)).limit(1)
    return row?.id
  },
  /** Users of the tenant whose email or mobile is the target (any role: a staff match blocks the portal). */
  async usersByTarget(tx: DbOrTx, tenantId: string, by: { email?: string; mobile?: string }) {
    const match = by.email ? sql`lower(${users.email}) = ${by.email}` : sql`${phoneDigits} = ${by.mobile ?? ''}`
    return tx
      .select()
      .from(users)
      .where(and(eq(users.tenantId, tenantId), match))
      .limit(5)
  },
  async customerContactUsers(tx: DbOrTx, tenantId: string, customerId: string) {
    return tx
      .select()
      .from(users)
      .where(and(eq(users.tenantId, tenantId), eq(users.customerOrgId, customerId), arrayContains(users.roles, ['customer_contact'])))
  },

  async insertCode(db: DbOrTx, row: typeof portalLoginCodes.$inferInsert) {
    await db.insert(portalLoginCodes).values(row)
  },
  /** The newest code of a target (the one a sign-in checks against). */
  async latestForTarget(db: DbOrTx, targetHash: string): Promise<PortalLoginCodeRow | undefined> {
    const [row] = await db
      .select()
      .from(portalLoginCodes)
      .where(eq(portalLoginCodes.targetHash, targetHash))
      .orderBy(desc(portalLoginCodes.createdAt))
      .limit(1)
      .for('update')
    return row
  },
  async countForTargetSince(db: DbOrTx, targetHash: string, since: Date): Promise<number> {
    const [row] = await db
      .select({ n: count() })
      .from(portalLoginCodes)
      .where(and(eq(portalLoginCodes.targetHash, targetHash), gt(portalLoginCodes.createdAt, since)))
    return row?.n ?? 0
  },
  async countForIpSince(db: DbOrTx, ip: string, since: Date): Promise<number> {
    const [row] = await db
      .select({ n: count() })
      .from(portalLoginCodes)
      .where(and(eq(portalLoginCodes.ip, ip), gt(portalLoginCodes.createdAt, since)))
    return row?.n ?? 0
  },
  async updateCode(db: DbOrTx, id: string, values: Partial<Pick<PortalLoginCodeRow, 'attempts' | 'usedAt' | 'userId'>>) {
    await db.update(portalLoginCodes).set(values).where(eq(portalLoginCodes.id, id))
  },
}
