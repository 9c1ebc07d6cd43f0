// SQL for the tickets configuration: settings and ticket numbers, types, categories, queues, saved views.
import { defaultNumberFormat, type NumberTemplate } from '@aftercare/contracts'
import { and, asc, eq, inArray, or, sql, type SQL } from 'drizzle-orm'
import { cachedQuery, type DbOrTx } from '../../platform/db/index.ts'
import { defaultPriorityMatrix } from './priority.ts'
import {
  ticketCategories,
  ticketQueueMembers,
  ticketQueues,
  ticketSettings,
  ticketTypes,
  ticketViews,
  type TicketCategoryRow,
  type TicketQueueRow,
  type TicketSettingsRow,
  type TicketTypeRow,
  type TicketViewRow,
} from './tickets.tables.ts'

export type QueueWithMembers = TicketQueueRow & { memberIds: string[] }

const settingsOf = cachedQuery((db) =>
  db
    .select()
    .from(ticketSettings)
    .where(eq(ticketSettings.tenantId, sql.placeholder('tenantId')))
    .limit(1),
)
const allTypes = cachedQuery((db) => db.select().from(ticketTypes).orderBy(asc(ticketTypes.sortOrder), asc(ticketTypes.name)))

export const ticketConfigRepository = {
  /** The tenant's settings, written with the defaults the first time they are needed. */
  async settings(db: DbOrTx, tenantId: string, now: Date): Promise<TicketSettingsRow> {
    const [row] = await settingsOf(db, { tenantId })
    if (row) return row
    await db
      .insert(ticketSettings)
      .values({
        tenantId,
        numberFormat: defaultNumberFormat,
        reopenDays: 7,
        maxAttachmentBytes: 50 * 1024 * 1024,
        maxTicketAttachmentBytes: 200 * 1024 * 1024,
        priorityMatrix: defaultPriorityMatrix,
        updatedAt: now,
        version: 1,
      })
      .onConflictDoNothing()
    const [created] = await db.select().from(ticketSettings).where(eq(ticketSettings.tenantId, tenantId)).limit(1)
    return created!
  },

  /** The settings row (it exists: `settings` first), locked until the transaction ends. */
  async lockSettings(db: DbOrTx, tenantId: string): Promise<TicketSettingsRow> {
    const [row] = await db.select().from(ticketSettings).where(eq(ticketSettings.tenantId, tenantId)).limit(1).for('update')
    return row!
  },

  async updateSettings(db: DbOrTx, tenantId: string, patch: Partial<typeof ticketSettings.$inferInsert>): Promise<TicketSettingsRow> {
    const [row] = await db
      .update(ticketSettings)
      .set({ ...patch, version: sql`${ticketSettings.version} + 1` })
      .where(eq(ticketSettings.tenantId, tenantId))
      .returning()
    return row!
  },

  /**
   * The next number of a period as an expression for the ticket's insert, drawn from the tenant's
   * sequence for the period (migration 0033) and formatted in that statement.
   */
  nextNumberSql(tenantId: string, period: string, t: NumberTemplate): SQL {
    const pieces = t.literals.flatMap((literal, i) => [
      sql`${literal}::text`,
      ...(i < t.widths.length ? [sql`lpad(s::text, greatest(${t.widths[i]}::int, length(s::text)), '0')`] : []),
    ])
    return sql`(select ${sql.join(pieces, sql` || `)} from next_ticket_number(${tenantId}, ${period}) as s)`
  },

  // ─── types ───
  listTypes: (db: DbOrTx) => allTypes(db, {}),
  async findType(db: DbOrTx, id: string): Promise<TicketTypeRow | undefined> {
    const [row] = await db.select().from(ticketTypes).where(eq(ticketTypes.id, id)).limit(1)
    return row
  },
  async insertType(db: DbOrTx, values: typeof ticketTypes.$inferInsert): Promise<TicketTypeRow> {
    const [row] = await db.insert(ticketTypes).values(values).returning()
    return row!
  },
  async updateType(db: DbOrTx, id: string, patch: Partial<typeof ticketTypes.$inferInsert>): Promise<TicketTypeRow | undefined> {
    const [row] = await db.update(ticketTypes).set(patch).where(eq(ticketTypes.id, id)).returning()
    return row
  },

  // ─── categories ───
  listCategories: (db: DbOrTx) => db.select().from(ticketCategories).orderBy(asc(ticketCategories.sortOrder), asc(ticketCategories.name)),
  async findCategory(db: DbOrTx, id: string): Promise<TicketCategoryRow | undefined> {
    const [row] = await db.select().from(ticketCategories).where(eq(ticketCategories.id, id)).limit(1)
    return row
  },
  async insertCategory(db: DbOrTx, values: typeof ticketCategories.$inferInsert): Promise<TicketCategoryRow> {
    const [row] = await db.insert(ticketCategories).values(values).returning()
    return row!
  },
  async updateCategory(
    db: DbOrTx,
    id: string,
    patch: Partial<typeof ticketCategories.$inferInsert>,
  ): Promise<TicketCategoryRow | undefined> {
    const [row] = await db
      .update(ticketCategories)
      .set({ ...patch, version: sql`${ticketCategories.version} + 1` })
      .where(eq(ticketCategories.id, id))
      .returning()
    return row
  },
  /** The ids of a category and all its ancestors, nearest first (cycle check when re-parenting). */
  async ancestorIds(db: DbOrTx, id: string): Promise<string[]> {
    const res = (await db.execute(sql`with recursive up(id, parent_id, depth) as (
        select id, parent_id, 0 from ticket_categories where id = ${id}
        union all select c.id, c.parent_id, up.depth + 1 from ticket_categories c join up on c.id = up.parent_id where up.depth < 50)
      select id from up order by depth`)) as unknown as { rows: { id: string }[] }
    return res.rows.map((r) => r.id)
  },

  // ─── queues ───
  async listQueues(db: DbOrTx): Promise<QueueWithMembers[]> {
    const queues = await db.select().from(ticketQueues).orderBy(asc(ticketQueues.name))
    const members = await db.select().from(ticketQueueMembers)
    return queues.map((q) => ({ ...q, memberIds: members.filter((m) => m.queueId === q.id).map((m) => m.userId) }))
  },
  async findQueue(db: DbOrTx, id: string): Promise<QueueWithMembers | undefined> {
    const [row] = await db.select().from(ticketQueues).where(eq(ticketQueues.id, id)).limit(1)
    if (!row) return undefined
    const members = await db
      .select({ userId: ticketQueueMembers.userId })
      .from(ticketQueueMembers)
      .where(eq(ticketQueueMembers.queueId, id))
    return { ...row, memberIds: members.map((m) => m.userId) }
  },
  async insertQueue(db: DbOrTx, values: typeof ticketQueues.$inferInsert): Promise<TicketQueueRow> {
    const [row] = await db.insert(ticketQueues).values(values).returning()
    return row!
  },
  async updateQueue(db: DbOrTx, id: string, patch: Partial<typeof ticketQueues.$inferInsert>): Promise<void> {
    if (Object.keys(patch).length) await db.update(ticketQueues).set(patch).where(eq(ticketQueues.id, id))
  },
  async setQueueMembers(db: DbOrTx, tenantId: string, queueId: string, userIds: readonly string[]): Promise<void> {
    await db.delete(ticketQueueMembers).where(eq(ticketQueueMembers.queueId, queueId))
    if (userIds.length) await db.insert(ticketQueueMembers).values([...new Set(userIds)].map((userId) => ({ tenantId, queueId, userId })))
  },
  async isQueueMember(db: DbOrTx, queueId: string, userId: string): Promise<boolean> {
    const [row] = await db
      .select({ userId: ticketQueueMembers.userId })
      .from(ticketQueueMembers)
      .where(and(eq(ticketQueueMembers.queueId, queueId), eq(ticketQueueMembers.userId, userId)))
      .limit(1)
    return Boolean(row)
  },

  // ─── saved views ───
  listViews: (db: DbOrTx, userId: string) =>
    db
      .select()
      .from(ticketViews)
      .where(or(eq(ticketViews.ownerId, userId), eq(ticketViews.shared, true)))
      .orderBy(asc(ticketViews.name)),
  async findView(db: DbOrTx, id: string): Promise<TicketViewRow | undefined> {
    const [row] = await db.select().from(ticketViews).where(eq(ticketViews.id, id)).limit(1)
    return row
  },
  async insertView(db: DbOrTx, values: typeof ticketViews.$inferInsert): Promise<TicketViewRow> {
    const [row] = await db.insert(ticketViews).values(values).returning()
    return row!
  },
  async updateView(db: DbOrTx, id: string, patch: Partial<typeof ticketViews.$inferInsert>): Promise<TicketViewRow> {
    const [row] = await db.update(ticketViews).set(patch).where(eq(ticketViews.id, id)).returning()
    return row!
  },
  async deleteView(db: DbOrTx, id: string): Promise<void> {
    await db.delete(ticketViews).where(eq(ticketViews.id, id))
  },

  async typesByIds(db: DbOrTx, ids: string[]): Promise<TicketTypeRow[]> {
    return ids.length ? db.select().from(ticketTypes).where(inArray(ticketTypes.id, ids)) : []
  },
}
