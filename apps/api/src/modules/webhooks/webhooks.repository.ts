// All SQL of webhooks. Tenant functions take a withTenant transaction; the delivery loop's claims and
// the inbound endpoint's source lookup run on the owner connection (they learn the tenant from the row).
import { and, desc, eq, lt, or, sql, type SQL } from 'drizzle-orm'
import { rows, type DbOrTx } from '../../platform/db/index.ts'
import {
  webhookDeliveries,
  webhookInboundEvents,
  webhookInboundSources,
  webhookSubscriptions,
  type WebhookDeliveryRow,
} from './webhooks.tables.ts'

const uuids = (list: string[]) =>
  sql.join(
    list.map((i) => sql`${i}::uuid`),
    sql`, `,
  )

export const webhookRepository = {
  // ── subscriptions
  listSubscriptions(tx: DbOrTx) {
    return tx.select().from(webhookSubscriptions).orderBy(webhookSubscriptions.name)
  },
  enabledSubscriptions(tx: DbOrTx) {
    return tx.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.enabled, true))
  },
  /** The event patterns of a tenant's enabled subscriptions, on the owner connection (no tenant scope needed). */
  async enabledPatternsOf(db: DbOrTx, tenantId: string): Promise<string[][]> {
    const found = await db
      .select({ events: webhookSubscriptions.events })
      .from(webhookSubscriptions)
      .where(and(eq(webhookSubscriptions.tenantId, tenantId), eq(webhookSubscriptions.enabled, true)))
    return found.map((r) => r.events)
  },
  async findSubscription(tx: DbOrTx, id: string) {
    const [row] = await tx.select().from(webhookSubscriptions).where(eq(webhookSubscriptions.id, id)).limit(1)
    return row
  },
  async insertSubscription(tx: DbOrTx, values: typeof webhookSubscriptions.$inferInsert) {
    const [row] = await tx.insert(webhookSubscriptions).values(values).returning()
    return row!
  },
  async updateSubscription(tx: DbOrTx, id: string, patch: Partial<typeof webhookSubscriptions.$inferInsert>) {
    const [row] = await tx.update(webhookSubscriptions).set(patch).where(eq(webhookSubscriptions.id, id)).returning()
    return row!
  },
  async deleteSubscription(tx: DbOrTx, id: string) {
    await tx.delete(webhookSubscriptions).where(eq(webhookSubscriptions.id, id))
  },
  /** One more failed attempt in a row; returns the new count. */
  async countFailure(tx: DbOrTx, id: string): Promise<number> {
    const [row] = await tx
      .update(webhookSubscriptions)
      .set({ consecutiveFailures: sql`${webhookSubscriptions.consecutiveFailures} + 1` })
      .where(eq(webhookSubscriptions.id, id))
      .returning({ n: webhookSubscriptions.consecutiveFailures })
    return row?.n ?? 0
  },
  async resetFailures(tx: DbOrTx, id: string) {
    await tx.update(webhookSubscriptions).set({ consecutiveFailures: 0 }).where(eq(webhookSubscriptions.id, id))
  },

  // ── deliveries
  async insertDeliveries(tx: DbOrTx, values: (typeof webhookDeliveries.$inferInsert)[]) {
    if (!values.length) return []
    return tx
      .insert(webhookDeliveries)
      .values(values)
      .onConflictDoNothing({ target: [webhookDeliveries.tenantId, webhookDeliveries.dedupeKey] })
      .returning()
  },
  async findDelivery(tx: DbOrTx, id: string) {
    const [row] = await tx.select().from(webhookDeliveries).where(eq(webhookDeliveries.id, id)).limit(1)
    return row
  },
  listDeliveries(tx: DbOrTx, subscriptionId: string, f: { status?: string; after?: { at: Date; id: string }; limit: number }) {
    const d = webhookDeliveries
    const where: (SQL | undefined)[] = [eq(d.subscriptionId, subscriptionId)]
    if (f.status) where.push(eq(d.status, f.status as never))
    if (f.after) where.push(or(lt(d.createdAt, f.after.at), and(eq(d.createdAt, f.after.at), lt(d.id, f.after.id))))
    return tx
      .select()
      .from(d)
      .where(and(...where))
      .orderBy(desc(d.createdAt), desc(d.id))
      .limit(f.limit)
  },
  async updateDelivery(tx: DbOrTx, id: string, patch: Partial<typeof webhookDeliveries.$inferInsert>, guard?: { attempts: number }) {
    const d = webhookDeliveries
    const [row] = await tx
      .update(d)
      .set(patch)
      .where(and(eq(d.id, id), ...(guard ? [eq(d.status, 'sending'), eq(d.attempts, guard.attempts)] : [])))
      .returning()
    return row
  },

  /**
   * Claims due deliveries of enabled subscriptions (owner connection, any tenant unless given): they
   * move to 'sending' under a lease, locked against other workers until this transaction ends.
   */
  async claimDue(
    db: DbOrTx,
    now: Date,
    leaseUntil: Date,
    limit: number,
    only: { ids?: string[]; tenantId?: string; skipSubscriptions?: string[] } = {},
  ): Promise<WebhookDeliveryRow[]> {
    const ids = only.ids?.length ? sql`and d.id in (${uuids(only.ids)})` : sql``
    const tenant = only.tenantId ? sql`and d.tenant_id = ${only.tenantId}` : sql``
    const skip = only.skipSubscriptions?.length ? sql`and d.subscription_id not in (${uuids(only.skipSubscriptions)})` : sql``
    const claimed = await rows<{ id: string }>(
      db,
      sql`update webhook_deliveries set status = 'sending', attempts = attempts + 1, last_attempt_at = ${now},
            lease_until = ${leaseUntil}, updated_at = ${now}
          where id in (
            select d.id from webhook_deliveries d join webhook_subscriptions s on s.id = d.subscription_id and s.enabled
            where d.status in ('queued', 'retrying') and d.next_attempt_at <= ${now} ${ids} ${tenant} ${skip}
            order by d.next_attempt_at, d.id limit ${limit} for update of d skip locked)
          returning id`,
    )
    if (!claimed.length) return []
    return db
      .select()
      .from(webhookDeliveries)
      .where(sql`${webhookDeliveries.id} in (${uuids(claimed.map((c) => c.id))})`)
  },
  /** Gives claimed deliveries back unsent (their receiver just failed): the claim's attempt is not counted. */
  async releaseClaims(db: DbOrTx, ids: string[], now: Date): Promise<void> {
    await rows(
      db,
      sql`update webhook_deliveries set status = case when attempts > 1 then 'retrying' else 'queued' end,
            attempts = attempts - 1, lease_until = null, updated_at = ${now}
          where status = 'sending' and id in (${uuids(ids)})`,
    )
  },
  /** Sends whose lease ran out: receivers deduplicate on X-Aftercare-Delivery, so they are sent again. */
  async retryExpiredLeases(db: DbOrTx, now: Date, tenantId?: string): Promise<number> {
    const found = await rows<{ id: string }>(
      db,
      sql`update webhook_deliveries set status = 'retrying', next_attempt_at = ${now}, lease_until = null,
            last_error = 'interrupted: sent again with the same delivery id', updated_at = ${now}
          where status = 'sending' and lease_until < ${now} ${tenantId ? sql`and tenant_id = ${tenantId}` : sql``}
          returning id`,
    )
    return found.length
  },

  // ── inbound
  listSources(tx: DbOrTx) {
    return tx.select().from(webhookInboundSources).orderBy(webhookInboundSources.name)
  },
  async findSource(tx: DbOrTx, id: string) {
    const [row] = await tx.select().from(webhookInboundSources).where(eq(webhookInboundSources.id, id)).limit(1)
    return row
  },
  async insertSource(tx: DbOrTx, values: typeof webhookInboundSources.$inferInsert) {
    const [row] = await tx.insert(webhookInboundSources).values(values).returning()
    return row!
  },
  async updateSource(tx: DbOrTx, id: string, patch: Partial<typeof webhookInboundSources.$inferInsert>) {
    const [row] = await tx.update(webhookInboundSources).set(patch).where(eq(webhookInboundSources.id, id)).returning()
    return row!
  },
  async deleteSource(tx: DbOrTx, id: string) {
    await tx.delete(webhookInboundSources).where(eq(webhookInboundSources.id, id))
  },
  async findInboundEvent(tx: DbOrTx, sourceId: string, externalId: string) {
    const [row] = await tx
      .select()
      .from(webhookInboundEvents)
      .where(and(eq(webhookInboundEvents.sourceId, sourceId), eq(webhookInboundEvents.externalId, externalId)))
      .limit(1)
    return row
  },
  async insertInboundEvent(tx: DbOrTx, values: typeof webhookInboundEvents.$inferInsert) {
    await tx.insert(webhookInboundEvents).values(values)
  },
}
