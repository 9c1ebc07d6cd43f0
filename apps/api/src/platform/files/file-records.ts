import { and, asc, eq, inArray, sql } from 'drizzle-orm'
import { bigint, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import type { DbOrTx } from '../db/index.ts'
import type { UploadedFile } from './upload.ts'

export const files = pgTable('files', {
  id: uuid('id').primaryKey().defaultRandom(),
  tenantId: uuid('tenant_id').notNull(),
  ownerType: text('owner_type').notNull(),
  ownerId: uuid('owner_id').notNull(),
  storageKey: text('storage_key').notNull(),
  fileName: text('file_name').notNull(),
  contentType: text('content_type').notNull(),
  sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
  sha256: text('sha256').notNull(),
  createdBy: uuid('created_by'),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
})

export type FileRecord = typeof files.$inferSelect

/** Who a file belongs to: `{ type: 'ticket', id: ticketId }`. */
export interface FileOwner {
  type: string
  id: string
}

const ofOwner = (owner: FileOwner) => and(eq(files.ownerType, owner.type), eq(files.ownerId, owner.id))

/** SQL for the files table; call it inside `database.withTenant` (row-level security applies). */
export const fileRecords = {
  /** Records what `receiveUploads` stored, for an owner, in the caller's transaction. */
  async insert(
    tx: DbOrTx,
    v: { tenantId: string; owner: FileOwner; file: Omit<UploadedFile, 'field'>; createdBy?: string | null; createdAt: Date },
  ): Promise<FileRecord> {
    const [row] = await tx
      .insert(files)
      .values({
        tenantId: v.tenantId,
        ownerType: v.owner.type,
        ownerId: v.owner.id,
        storageKey: v.file.key,
        fileName: v.file.fileName,
        contentType: v.file.contentType,
        sizeBytes: v.file.size,
        sha256: v.file.sha256,
        createdBy: v.createdBy ?? null,
        createdAt: v.createdAt,
      })
      .returning()
    return row!
  },

  async findById(tx: DbOrTx, id: string): Promise<FileRecord | undefined> {
    const [row] = await tx.select().from(files).where(eq(files.id, id)).limit(1)
    return row
  },

  /** The owner's files, oldest first. */
  async listByOwner(tx: DbOrTx, owner: FileOwner): Promise<FileRecord[]> {
    return tx.select().from(files).where(ofOwner(owner)).orderBy(asc(files.createdAt), asc(files.id))
  },

  /** Bytes the owner holds: the `usedBytes` of an upload's quota. */
  async usageBytes(tx: DbOrTx, owner: FileOwner): Promise<number> {
    const [row] = await tx
      .select({ total: sql<string>`coalesce(sum(${files.sizeBytes}), 0)` })
      .from(files)
      .where(ofOwner(owner))
    return Number(row?.total ?? 0)
  },

  /** Moves files to another owner (a merge); all of `from`'s when `ids` is not given. Returns how many moved. */
  async moveToOwner(tx: DbOrTx, from: FileOwner, to: FileOwner, ids?: readonly string[]): Promise<number> {
    const where = ids ? and(ofOwner(from), inArray(files.id, [...ids])) : ofOwner(from)
    const moved = await tx.update(files).set({ ownerType: to.type, ownerId: to.id }).where(where).returning({ id: files.id })
    return moved.length
  },

  /**
   * Deletes the row and returns it; delete the bytes (`storage.delete(row.storageKey)`) after
   * the transaction commits, so a rollback never loses a file that is still referenced.
   */
  async delete(tx: DbOrTx, id: string): Promise<FileRecord | undefined> {
    const [row] = await tx.delete(files).where(eq(files.id, id)).returning()
    return row
  },
}
