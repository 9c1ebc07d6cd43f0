// All SQL of the notification center. Tenant-scoped functions take a transaction from withTenant
// (row-level security applies); the delivery loop's claims run on the owner connection across tenants.
import { and, desc, eq, inArray, isNull, lt, or, sql, type SQL } from 'drizzle-orm'
import { cachedQuery, rows, type DbOrTx } from '../../platform/db/index.ts'
import {
  notificationChannels,
  notificationDeliveries,
  notificationPreferences,
  notifications,
  notificationTemplates,
  type DeliveryRow,
  type NewDelivery,
  type NotificationRow,
} from './notifications.tables.ts'

/** Keyset cursor over (created_at desc, id desc). */
export interface Cursor {
  at: Date
  id: string
}
export const encodeCursor = (c: Cursor) => Buffer.from(`${c.at.toISOString()}|${c.id}`).toString('base64url')
export function decodeCursor(s: string | undefined): Cursor | undefined {
  if (!s) return undefined
  const [at, id] = Buffer.from(s, 'base64url').toString('utf8').split('|')
  if (!at || !id || Number.isNaN(Date.parse(at)) || !/^[0-9a-f-]{36}$/.test(id)) return undefined
  return { at: new Date(at), id }
}

// read for every event the dispatcher handles: built once
const allTemplates = cachedQuery((db) => db.select().from(notificationTemplates))
const enabledChannels = cachedQuery((db) =>
  db.select().from(notificationChannels).where(eq(notificationChannels.enabled, true)).orderBy(notificationChannels.createdAt),
)

export const notificationRepository = {
  // ── templates
  listTemplates(tx: DbOrTx) {
    return allTemplates(tx, {})
  },
  async findTemplate(tx: DbOrTx, key: { eventType: string; channel: string; locale: string; audience: string }) {
    const [row] = await tx
      .select()
      .from(notificationTemplates)
      .where(
        and(
          eq(notificationTemplates.eventType, key.eventType),
          eq(notificationTemplates.channel, key.channel as never),
          eq(notificationTemplates.locale, key.locale as never),
          eq(notificationTemplates.audience, key.audience as never),
        ),
      )
      .limit(1)
    return row
  },
  async insertTemplate(tx: DbOrTx, values: typeof notificationTemplates.$inferInsert) {
    const [row] = await tx.insert(notificationTemplates).values(values).returning()
    return row!
  },
  async updateTemplate(tx: DbOrTx, id: string, patch: Partial<typeof notificationTemplates.$inferInsert>) {
    const [row] = await tx.update(notificationTemplates).set(patch).where(eq(notificationTemplates.id, id)).returning()
    return row!
  },
  async deleteTemplate(tx: DbOrTx, id: string) {
    await tx.delete(notificationTemplates).where(eq(notificationTemplates.id, id))
  },

  // ── channels
  listChannels(tx: DbOrTx) {
    return tx.select().from(notificationChannels).orderBy(notificationChannels.kind, notificationChannels.name)
  },
  async findChannel(tx: DbOrTx, id: string) {
    const [row] = await tx.select().from(notificationChannels).where(eq(notificationChannels.id, id)).limit(1)
    return row
  },
  enabledChannels(tx: DbOrTx) {
    return enabledChannels(tx, {})
  },
  async insertChannel(tx: DbOrTx, values: typeof notificationChannels.$inferInsert) {
    const [row] = await tx.insert(notificationChannels).values(values).returning()
    return row!
  },
  async updateChannel(tx: DbOrTx, id: string, patch: Partial<typeof notificationChannels.$inferInsert>) {
    const [row] = await tx.update(notificationChannels).set(patch).where(eq(notificationChannels.id, id)).returning()
    return row!
  },
  async deleteChannel(tx: DbOrTx, id: string) {
    await tx.delete(notificationChannels).where(eq(notificationChannels.id, id))
  },
  /** Owner connection: the SMS receipt push names no tenant, only the channel's secret path. */
  async findChannelByReceiptToken(db: DbOrTx, token: string) {
    const [row] = await db.select().from(notificationChannels).where(eq(notificationChannels.receiptToken, token)).limit(1)
    return row
  },

  // ── preferences
  async findPreferences(tx: DbOrTx, userIds: string[]) {
    if (!userIds.length) return []
    return tx.select().from(notificationPreferences).where(inArray(notificationPreferences.userId, userIds))
  },
  async upsertPreferences(tx: DbOrTx, values: typeof notificationPreferences.$inferInsert) {
    const { tenantId: _t, userId: _u, ...set } = values
    const [row] = await tx
      .insert(notificationPreferences)
      .values(values)
      .onConflictDoUpdate({ target: [notificationPreferences.tenantId, notificationPreferences.userId], set })
      .returning()
    return row!
  },

  // ── in-app notifications
  /** Inserts unless the dedupe key exists; returns the new row or undefined for a repeat. */
  async insertNotification(tx: DbOrTx, values: typeof notifications.$inferInsert): Promise<NotificationRow | undefined> {
    const [row] = await tx
      .insert(notifications)
      .values(values)
      .onConflictDoNothing({ target: [notifications.tenantId, notifications.dedupeKey] })
      .returning()
    return row
  },
  listNotifications(tx: DbOrTx, userId: string, f: { unreadOnly: boolean; after?: Cursor; limit: number }) {
    const where: (SQL | undefined)[] = [eq(notifications.userId, userId)]
    if (f.unreadOnly) where.push(isNull(notifications.readAt))
    if (f.after)
      where.push(
        or(lt(notifications.createdAt, f.after.at), and(eq(notifications.createdAt, f.after.at), lt(notifications.id, f.after.id))),
      )
    return tx
      .select()
      .from(notifications)
      .where(and(...where))
      .orderBy(desc(notifications.createdAt), desc(notifications.id))
      .limit(f.limit)
  },
  async unreadCount(tx: DbOrTx, userId: string): Promise<number> {
    const [row] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(notifications)
      .where(and(eq(notifications.userId, userId), isNull(notifications.readAt)))
    return row?.n ?? 0
  },
  async markRead(tx: DbOrTx, userId: string, ids: string[] | 'all', at: Date): Promise<number> {
    const where = [eq(notifications.userId, userId), isNull(notifications.readAt)]
    if (ids !== 'all') where.push(inArray(notifications.id, ids))
    const updated = await tx
      .update(notifications)
      .set({ readAt: at })
      .where(and(...where))
      .returning({ id: notifications.id })
    return updated.length
  },

  // ── deliveries
  /** Inserts the deliveries whose dedupe key is new; returns those inserted. */
  async insertDeliveries(tx: DbOrTx, values: NewDelivery[]): Promise<DeliveryRow[]> {
    if (!values.length) return []
    return tx
      .insert(notificationDeliveries)
      .values(values)
      .onConflictDoNothing({ target: [notificationDeliveries.tenantId, notificationDeliveries.dedupeKey] })
      .returning()
  },
  async findDelivery(tx: DbOrTx, id: string) {
    const [row] = await tx.select().from(notificationDeliveries).where(eq(notificationDeliveries.id, id)).limit(1)
    return row
  },
  listDeliveries(tx: DbOrTx, f: { status?: string; channel?: string; eventType?: string; after?: Cursor; limit: number }) {
    const d = notificationDeliveries
    const where: (SQL | undefined)[] = []
    if (f.status) where.push(eq(d.status, f.status as never))
    if (f.channel) where.push(eq(d.channel, f.channel as never))
    if (f.eventType) where.push(eq(d.eventType, f.eventType))
    if (f.after) where.push(or(lt(d.createdAt, f.after.at), and(eq(d.createdAt, f.after.at), lt(d.id, f.after.id))))
    return tx
      .select()
      .from(d)
      .where(and(...where))
      .orderBy(desc(d.createdAt), desc(d.id))
      .limit(f.limit)
  },
  async updateDelivery(tx: DbOrTx, id: string, patch: Partial<NewDelivery>, guard?: { status: string; attempts: number }) {
    const d = notificationDeliveries
    const where = [eq(d.id, id), ...(guard ? [eq(d.status, guard.status as never), eq(d.attempts, guard.attempts)] : [])]
    const [row] = await tx
      .update(d)
      .set(patch)
      .where(and(...where))
      .returning()
    return row
  },
  /** Receipts match on our delivery id (OutId) or on the vendor's id plus the number. */
  async findDeliveryForReceipt(tx: DbOrTx, r: { outId: string | null; bizId: string; phone: string }) {
    const d = notificationDeliveries
    const byOutId = r.outId && /^[0-9a-f-]{36}$/.test(r.outId) ? eq(d.id, r.outId) : undefined
    const [row] = await tx
      .select()
      .from(d)
      .where(and(eq(d.channel, 'sms'), or(byOutId, and(eq(d.providerRef, r.bizId), eq(d.address, r.phone)))))
      .limit(1)
    return row
  },

  // ── the delivery loop (owner connection, every tenant)
  /** Due deliveries, locked for this transaction (other workers skip them). */
  dueForClaim(db: DbOrTx, now: Date, limit: number, only: { ids?: string[]; tenantId?: string } = {}) {
    const { ids, tenantId } = only
    return rows<{ id: string; tenant_id: string; channel: string; channel_id: string | null }>(
      db,
      sql`select id, tenant_id, channel, channel_id from notification_deliveries
        where status in ('queued', 'retrying') and next_attempt_at <= ${now}
        ${
          ids
            ? sql`and id in (${sql.join(
                ids.map((i) => sql`${i}::uuid`),
                sql`, `,
              )})`
            : sql``
        }
        ${tenantId ? sql`and tenant_id = ${tenantId}` : sql``}
        order by next_attempt_at, id limit ${limit} for update skip locked`,
    )
  },
  /** Serialises the rate check of one robot across workers until the transaction ends. */
  async lockChannel(db: DbOrTx, channelId: string) {
    await db.execute(sql`select pg_advisory_xact_lock(hashtextextended(${channelId}, 9009))`)
  },
  /** Attempts on a channel since `since`, and the earliest of them. */
  async attemptsSince(db: DbOrTx, channelId: string, since: Date) {
    const [row] = await rows<{ n: number; first: Date | string | null }>(
      db,
      sql`select count(*)::int as n, min(last_attempt_at) as first from notification_deliveries
        where channel_id = ${channelId} and last_attempt_at > ${since}`,
    )
    return { count: row?.n ?? 0, first: row?.first ? new Date(row.first) : null }
  },
  async deferDelivery(db: DbOrTx, id: string, until: Date) {
    await db.execute(sql`update notification_deliveries set next_attempt_at = ${until} where id = ${id}`)
  },
  async markSending(db: DbOrTx, id: string, now: Date, leaseUntil: Date): Promise<DeliveryRow | undefined> {
    const [row] = await db
      .update(notificationDeliveries)
      .set({
        status: 'sending',
        attempts: sql`${notificationDeliveries.attempts} + 1`,
        lastAttemptAt: now,
        leaseUntil,
        updatedAt: now,
      })
      .where(eq(notificationDeliveries.id, id))
      .returning()
    return row
  },
  /** Sends whose lease ran out: the process died between sending and recording the outcome. */
  expiredLeases(db: DbOrTx, now: Date, limit: number, tenantId?: string) {
    const d = notificationDeliveries
    return db
      .select()
      .from(d)
      .where(and(eq(d.status, 'sending'), lt(d.leaseUntil, now), tenantId ? eq(d.tenantId, tenantId) : undefined))
      .limit(limit)
      .for('update', { skipLocked: true })
  },
}
