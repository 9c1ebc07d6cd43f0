// SQL for tickets and what hangs off them (watchers, messages, attachments, links, timeline).
import { openTicketStatuses, type MessageVisibility, type TicketFilters, type TicketStatus } from '@aftercare/contracts'
import { and, asc, desc, eq, inArray, isNull, ne, or, sql, type SQL } from 'drizzle-orm'
import { cachedQuery, type DbOrTx } from '../../platform/db/index.ts'
import { fileRecords, files, type UploadedFile } from '../../platform/files/index.ts'
import type { TicketScope } from './tickets.policy.ts'
import {
  ticketAttachments,
  ticketLinks,
  ticketMessages,
  ticketQueueMembers,
  tickets,
  ticketTimeline,
  ticketWatchers,
  type NewTicketRow,
  type TicketAttachmentRow,
  type TicketLinkRow,
  type TicketMessageRow,
  type TicketRow,
  type TicketTimelineRow,
} from './tickets.tables.ts'

export type SortField = 'createdAt' | 'updatedAt' | 'priority' | 'number'
const sortColumn = {
  createdAt: tickets.createdAt,
  updatedAt: tickets.updatedAt,
  priority: tickets.priority,
  number: tickets.number,
} as const

/** What a list query needs beyond the filters. */
export interface ListRequest {
  tenantId: string
  userId: string
  scope: TicketScope
  filters: TicketFilters
  /**
   * The keyword as to_tsquery text, and whether internal notes count. `numberOnly`: the keyword is a
   * ticket number and only that ticket is asked for (one lookup in the unique index).
   */
  keyword?: { tsquery: string; raw: string; internal: boolean; numberOnly?: boolean }
  sort: SortField
  order: 'asc' | 'desc'
  limit: number
  after?: { value: string; id: string }
}

const listColumns = {
  id: tickets.id,
  number: tickets.number,
  subject: tickets.subject,
  status: tickets.status,
  priority: tickets.priority,
  tier: tickets.tier,
  channel: tickets.channel,
  typeId: tickets.typeId,
  categoryId: tickets.categoryId,
  customerId: tickets.customerId,
  deviceId: tickets.deviceId,
  queueId: tickets.queueId,
  assigneeId: tickets.assigneeId,
  tags: tickets.tags,
  createdAt: tickets.createdAt,
  updatedAt: tickets.updatedAt,
  version: tickets.version,
}
export type TicketListRow = Pick<TicketRow, keyof typeof listColumns>

const attachmentColumns = {
  id: ticketAttachments.id,
  tenantId: ticketAttachments.tenantId,
  ticketId: ticketAttachments.ticketId,
  messageId: ticketAttachments.messageId,
  visibility: ticketAttachments.visibility,
  uploadedBy: ticketAttachments.uploadedBy,
  createdAt: ticketAttachments.createdAt,
  storageKey: files.storageKey,
  fileName: files.fileName,
  contentType: files.contentType,
  size: files.sizeBytes,
  sha256: files.sha256,
}

const openStatuses = [...openTicketStatuses] as TicketStatus[]
const watchedBy = (userId: string) =>
  sql`exists (select 1 from ticket_watchers w where w.ticket_id = ${tickets.id} and w.user_id = ${userId})`

function scopeCondition(scope: TicketScope): SQL | undefined {
  switch (scope.kind) {
    case 'all':
      return undefined
    case 'customer':
      return eq(tickets.customerId, scope.customerId)
    case 'assigned':
      return or(eq(tickets.assigneeId, scope.userId), watchedBy(scope.userId))
    case 'none':
      return sql`false`
  }
}

function tabCondition(tab: TicketFilters['tab'], userId: string): SQL | undefined {
  const open = inArray(tickets.status, openStatuses)
  switch (tab) {
    case undefined:
    case 'all':
      return undefined
    case 'my':
      return and(open, eq(tickets.assigneeId, userId))
    case 'unassigned':
      return and(open, isNull(tickets.assigneeId))
    case 'queue':
      return and(
        open,
        inArray(
          tickets.queueId,
          sql`(select ${ticketQueueMembers.queueId} from ${ticketQueueMembers} where ${ticketQueueMembers.userId} = ${userId})`,
        ),
      )
    case 'watching':
      return and(open, watchedBy(userId))
  }
}

function filterConditions(r: ListRequest): SQL[] {
  const f = r.filters
  const where: (SQL | undefined)[] = [eq(tickets.tenantId, r.tenantId), scopeCondition(r.scope), tabCondition(f.tab, r.userId)]
  if (f.status?.length) where.push(inArray(tickets.status, f.status))
  if (f.priority?.length) where.push(inArray(tickets.priority, f.priority))
  if (f.typeId?.length) where.push(inArray(tickets.typeId, f.typeId))
  if (f.categoryId?.length) where.push(inArray(tickets.categoryId, f.categoryId))
  if (f.queueId?.length) where.push(inArray(tickets.queueId, f.queueId))
  if (f.assigneeId === 'none') where.push(isNull(tickets.assigneeId))
  else if (f.assigneeId) where.push(eq(tickets.assigneeId, f.assigneeId === 'me' ? r.userId : f.assigneeId))
  if (f.customerId) where.push(eq(tickets.customerId, f.customerId))
  if (f.deviceId) where.push(eq(tickets.deviceId, f.deviceId))
  if (f.tier) where.push(eq(tickets.tier, f.tier))
  if (f.tag) where.push(sql`${tickets.tags} @> array[${f.tag}]::text[]`)
  if (f.createdFrom) where.push(sql`${tickets.createdAt} >= ${f.createdFrom}::timestamptz`)
  if (f.createdTo) where.push(sql`${tickets.createdAt} < ${f.createdTo}::timestamptz`)
  if (f.updatedFrom) where.push(sql`${tickets.updatedAt} >= ${f.updatedFrom}::timestamptz`)
  if (f.updatedTo) where.push(sql`${tickets.updatedAt} < ${f.updatedTo}::timestamptz`)
  if (r.keyword) {
    const q = sql`to_tsquery('simple', ${r.keyword.tsquery})`
    const byNumber = eq(tickets.number, r.keyword.raw.trim().toUpperCase())
    if (r.keyword.numberOnly) where.push(byNumber)
    else
      where.push(
        r.keyword.internal ? or(sql`tsv_public @@ ${q}`, sql`tsv_internal @@ ${q}`, byNumber) : or(sql`tsv_public @@ ${q}`, byNumber),
      )
  }
  return where.filter((w): w is SQL => w !== undefined)
}

const ticketById = cachedQuery((db) =>
  db
    .select()
    .from(tickets)
    .where(eq(tickets.id, sql.placeholder('id')))
    .limit(1),
)

/** A ticket in a few words: what merge suggestions and notifications name it by. */
const summaryColumns = {
  id: tickets.id,
  number: tickets.number,
  subject: tickets.subject,
  status: tickets.status,
  customerId: tickets.customerId,
  assigneeId: tickets.assigneeId,
}

export const ticketRepository = {
  /** `number` may be an expression (ticket-config's nextNumberSql: drawn and formatted in this statement). */
  async insert(db: DbOrTx, values: Omit<NewTicketRow, 'number'> & { number: string | SQL }): Promise<TicketRow> {
    const [row] = await db.insert(tickets).values(values).returning()
    return row!
  },
  /** Several tickets in one statement; the rows come back in the order of `values` (matched by id). */
  async insertAll(
    db: DbOrTx,
    values: (Omit<NewTicketRow, 'number' | 'id'> & { id: string; number: string | SQL })[],
  ): Promise<TicketRow[]> {
    if (!values.length) return []
    const byId = new Map((await db.insert(tickets).values(values).returning()).map((r) => [r.id, r]))
    return values.map((v) => byId.get(v.id)!)
  },

  async findById(db: DbOrTx, id: string): Promise<TicketRow | undefined> {
    const [row] = await ticketById(db, { id })
    return row
  },

  /** The row, locked until the transaction ends (every write on a ticket starts here). */
  async lock(db: DbOrTx, id: string): Promise<TicketRow | undefined> {
    const [row] = await db.select().from(tickets).where(eq(tickets.id, id)).limit(1).for('update')
    return row
  },

  async update(db: DbOrTx, id: string, patch: Partial<NewTicketRow>): Promise<TicketRow> {
    const [row] = await db
      .update(tickets)
      .set({ ...patch, version: sql`${tickets.version} + 1` })
      .where(eq(tickets.id, id))
      .returning()
    return row!
  },

  async list(db: DbOrTx, r: ListRequest): Promise<TicketListRow[]> {
    const col = sortColumn[r.sort]
    const where = filterConditions(r)
    if (r.after) {
      const v = r.sort === 'createdAt' || r.sort === 'updatedAt' ? sql`${r.after.value}::timestamptz` : sql`${r.after.value}`
      where.push(
        r.order === 'desc'
          ? sql`(${col}, ${tickets.id}) < (${v}, ${r.after.id}::uuid)`
          : sql`(${col}, ${tickets.id}) > (${v}, ${r.after.id}::uuid)`,
      )
    }
    const dir = r.order === 'desc' ? desc : asc
    return db
      .select(listColumns)
      .from(tickets)
      .where(and(...where))
      .orderBy(dir(col), dir(tickets.id))
      .limit(r.limit)
  },

  async tabCounts(db: DbOrTx, tenantId: string, userId: string, scope: TicketScope) {
    // One count per tab, each narrow enough for its own index (assignee, queue, unassigned-open),
    // rather than one pass over every open ticket (1.7 s at 1,000,000 tickets).
    const n = (cond: SQL | undefined) =>
      sql<number>`(select count(*)::int from ${tickets} where ${and(
        eq(tickets.tenantId, tenantId),
        inArray(tickets.status, openStatuses),
        scopeCondition(scope),
        cond,
      )})`
    const [row] = await db
      .execute<{ my: number; unassigned: number; queue: number; watching: number }>(
        sql`select ${n(tabCondition('my', userId))} as my, ${n(tabCondition('unassigned', userId))} as unassigned,
        ${n(tabCondition('queue', userId))} as queue, ${n(tabCondition('watching', userId))} as watching`,
      )
      .then((res) => (res as unknown as { rows: { my: number; unassigned: number; queue: number; watching: number }[] }).rows)
    return row ?? { my: 0, unassigned: 0, queue: 0, watching: 0 }
  },

  /** Open tickets of a customer, newest first (similar-ticket suggestions). */
  openOfCustomer: (db: DbOrTx, customerId: string, limit: number) =>
    db
      .select({ ...listColumns, description: tickets.description })
      .from(tickets)
      .where(and(eq(tickets.customerId, customerId), inArray(tickets.status, openStatuses)))
      .orderBy(desc(tickets.createdAt))
      .limit(limit),

  async summariesByIds(db: DbOrTx, ids: string[]) {
    if (!ids.length) return []
    return db.select(summaryColumns).from(tickets).where(inArray(tickets.id, ids))
  },

  /** What notifications need of several tickets, each with its watchers in the order they came, in one statement. */
  async factsByIds(db: DbOrTx, ids: readonly string[]) {
    if (!ids.length) return []
    return db
      .select({
        ...summaryColumns,
        description: tickets.description,
        priority: tickets.priority,
        requesterId: tickets.requesterId,
        requesterName: tickets.requesterName,
        requesterEmail: tickets.requesterEmail,
        requesterPhone: tickets.requesterPhone,
        watcherIds: sql<
          string[]
        >`array(select w.user_id::text from ${ticketWatchers} w where w.ticket_id = ${tickets.id} order by w.created_at)`,
      })
      .from(tickets)
      .where(inArray(tickets.id, [...ids]))
  },

  // ─── watchers ───
  async watcherIds(db: DbOrTx, ticketId: string): Promise<string[]> {
    const rows = await db
      .select({ userId: ticketWatchers.userId })
      .from(ticketWatchers)
      .where(eq(ticketWatchers.ticketId, ticketId))
      .orderBy(asc(ticketWatchers.createdAt))
    return rows.map((r) => r.userId)
  },
  /** True when a row was added (false: already watching). */
  async addWatcher(db: DbOrTx, tenantId: string, ticketId: string, userId: string, now: Date): Promise<boolean> {
    const rows = await db
      .insert(ticketWatchers)
      .values({ tenantId, ticketId, userId, createdAt: now })
      .onConflictDoNothing()
      .returning({ userId: ticketWatchers.userId })
    return rows.length > 0
  },
  async removeWatcher(db: DbOrTx, ticketId: string, userId: string): Promise<boolean> {
    const rows = await db
      .delete(ticketWatchers)
      .where(and(eq(ticketWatchers.ticketId, ticketId), eq(ticketWatchers.userId, userId)))
      .returning({ userId: ticketWatchers.userId })
    return rows.length > 0
  },

  // ─── messages and attachments ───
  async insertMessage(db: DbOrTx, values: typeof ticketMessages.$inferInsert): Promise<TicketMessageRow> {
    const [row] = await db.insert(ticketMessages).values(values).returning()
    return row!
  },
  listMessages: (db: DbOrTx, ticketId: string, includeInternal: boolean) =>
    db
      .select()
      .from(ticketMessages)
      .where(and(eq(ticketMessages.ticketId, ticketId), includeInternal ? undefined : eq(ticketMessages.visibility, 'public')))
      .orderBy(asc(ticketMessages.createdAt), asc(ticketMessages.id)),
  messagesByIds: (db: DbOrTx, ticketId: string, ids: string[]) =>
    ids.length
      ? db
          .select()
          .from(ticketMessages)
          .where(and(eq(ticketMessages.ticketId, ticketId), inArray(ticketMessages.id, ids)))
      : Promise.resolve([]),
  /** Moves messages (all, or the given ones) and their attachments (rows and files) to another ticket. */
  async moveMessages(db: DbOrTx, fromId: string, toId: string, ids?: string[]): Promise<void> {
    if (ids && !ids.length) return
    const which = ids ? and(eq(ticketMessages.ticketId, fromId), inArray(ticketMessages.id, ids)) : eq(ticketMessages.ticketId, fromId)
    await db.update(ticketMessages).set({ ticketId: toId }).where(which)
    const att = ids
      ? and(eq(ticketAttachments.ticketId, fromId), inArray(ticketAttachments.messageId, ids))
      : eq(ticketAttachments.ticketId, fromId)
    const moved = await db.update(ticketAttachments).set({ ticketId: toId }).where(att).returning({ id: ticketAttachments.id })
    if (moved.length)
      await fileRecords.moveToOwner(
        db,
        { type: 'ticket', id: fromId },
        { type: 'ticket', id: toId },
        moved.map((m) => m.id),
      )
  },

  listAttachments: (db: DbOrTx, ticketId: string, includeInternal: boolean): Promise<TicketAttachmentRow[]> =>
    db
      .select(attachmentColumns)
      .from(ticketAttachments)
      .innerJoin(files, eq(files.id, ticketAttachments.id))
      .where(and(eq(ticketAttachments.ticketId, ticketId), includeInternal ? undefined : eq(ticketAttachments.visibility, 'public')))
      .orderBy(asc(ticketAttachments.createdAt), asc(ticketAttachments.id)),
  async findAttachment(db: DbOrTx, ticketId: string, id: string): Promise<TicketAttachmentRow | undefined> {
    const [row] = await db
      .select(attachmentColumns)
      .from(ticketAttachments)
      .innerJoin(files, eq(files.id, ticketAttachments.id))
      .where(and(eq(ticketAttachments.id, id), eq(ticketAttachments.ticketId, ticketId)))
      .limit(1)
    return row
  },
  /** Records a stored upload as a file of the ticket and its attachment row (same id). */
  async insertAttachment(
    db: DbOrTx,
    v: {
      tenantId: string
      ticketId: string
      messageId: string | null
      visibility: MessageVisibility
      file: Omit<UploadedFile, 'field'>
      uploadedBy: string | null
      now: Date
    },
  ): Promise<TicketAttachmentRow> {
    const file = await fileRecords.insert(db, {
      tenantId: v.tenantId,
      owner: { type: 'ticket', id: v.ticketId },
      file: v.file,
      createdBy: v.uploadedBy,
      createdAt: v.now,
    })
    const [row] = await db
      .insert(ticketAttachments)
      .values({
        id: file.id,
        tenantId: v.tenantId,
        ticketId: v.ticketId,
        messageId: v.messageId,
        visibility: v.visibility,
        uploadedBy: v.uploadedBy,
        createdAt: v.now,
      })
      .returning()
    return {
      ...row!,
      storageKey: file.storageKey,
      fileName: file.fileName,
      contentType: file.contentType,
      size: file.sizeBytes,
      sha256: file.sha256,
    }
  },
  attachmentBytes: (db: DbOrTx, ticketId: string): Promise<number> => fileRecords.usageBytes(db, { type: 'ticket', id: ticketId }),
  /** Ties uploaded, not yet used attachments to a message (they take its visibility). Returns how many. */
  async attachToMessage(db: DbOrTx, ticketId: string, messageId: string, visibility: MessageVisibility, ids: string[]): Promise<number> {
    if (!ids.length) return 0
    const rows = await db
      .update(ticketAttachments)
      .set({ messageId, visibility })
      .where(and(eq(ticketAttachments.ticketId, ticketId), inArray(ticketAttachments.id, ids), isNull(ticketAttachments.messageId)))
      .returning({ id: ticketAttachments.id })
    return rows.length
  },

  // ─── links ───
  /** Links touching a ticket, either direction. */
  links: (db: DbOrTx, ticketId: string) =>
    db
      .select()
      .from(ticketLinks)
      .where(or(eq(ticketLinks.fromTicketId, ticketId), eq(ticketLinks.toTicketId, ticketId)))
      .orderBy(asc(ticketLinks.createdAt)),
  async findLinkBetween(db: DbOrTx, a: string, b: string): Promise<TicketLinkRow | undefined> {
    const [row] = await db
      .select()
      .from(ticketLinks)
      .where(
        or(
          and(eq(ticketLinks.fromTicketId, a), eq(ticketLinks.toTicketId, b)),
          and(eq(ticketLinks.fromTicketId, b), eq(ticketLinks.toTicketId, a)),
        ),
      )
      .limit(1)
    return row
  },
  async findLink(db: DbOrTx, id: string): Promise<TicketLinkRow | undefined> {
    const [row] = await db.select().from(ticketLinks).where(eq(ticketLinks.id, id)).limit(1)
    return row
  },
  async insertLink(db: DbOrTx, values: typeof ticketLinks.$inferInsert): Promise<TicketLinkRow> {
    const [row] = await db.insert(ticketLinks).values(values).returning()
    return row!
  },
  async deleteLink(db: DbOrTx, id: string): Promise<void> {
    await db.delete(ticketLinks).where(eq(ticketLinks.id, id))
  },
  async parentOf(db: DbOrTx, ticketId: string): Promise<string | undefined> {
    const [row] = await db
      .select({ id: ticketLinks.fromTicketId })
      .from(ticketLinks)
      .where(and(eq(ticketLinks.toTicketId, ticketId), eq(ticketLinks.kind, 'parent_child')))
      .limit(1)
    return row?.id
  },

  // ─── timeline ───
  async addTimeline(db: DbOrTx, values: Omit<typeof ticketTimeline.$inferInsert, 'seq'>): Promise<void> {
    await db.insert(ticketTimeline).values(values)
  },
  /** The insert of a timeline entry, to run inside another statement. */
  timelineSql: (
    db: DbOrTx,
    values: Omit<typeof ticketTimeline.$inferInsert, 'seq'> | Omit<typeof ticketTimeline.$inferInsert, 'seq'>[],
  ): SQL =>
    db
      .insert(ticketTimeline)
      .values(Array.isArray(values) ? values : [values])
      .getSQL(),
  listTimeline: (db: DbOrTx, ticketId: string, includeInternal: boolean): Promise<TicketTimelineRow[]> =>
    db
      .select()
      .from(ticketTimeline)
      .where(and(eq(ticketTimeline.ticketId, ticketId), includeInternal ? undefined : ne(ticketTimeline.visibility, 'internal')))
      .orderBy(asc(ticketTimeline.at), asc(ticketTimeline.seq)),
}
