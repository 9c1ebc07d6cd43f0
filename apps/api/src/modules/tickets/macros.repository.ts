// SQL for macros. Personal macros are filtered by owner here; who may see which is the service's.
import { and, asc, eq, isNull, or, sql } from 'drizzle-orm'
import type { DbOrTx } from '../../platform/db/index.ts'
import { ticketMacros, type TicketMacroRow } from './tickets.tables.ts'

export const macroRepository = {
  /** The shared macros and those of `ownerId`, by name. */
  async listVisible(db: DbOrTx, ownerId: string): Promise<TicketMacroRow[]> {
    return db
      .select()
      .from(ticketMacros)
      .where(or(isNull(ticketMacros.ownerId), eq(ticketMacros.ownerId, ownerId)))
      .orderBy(sql`${ticketMacros.ownerId} is not null`, asc(ticketMacros.name))
  },
  async findById(db: DbOrTx, id: string): Promise<TicketMacroRow | undefined> {
    const [row] = await db.select().from(ticketMacros).where(eq(ticketMacros.id, id)).limit(1)
    return row
  },
  async insert(db: DbOrTx, values: typeof ticketMacros.$inferInsert): Promise<TicketMacroRow> {
    const [row] = await db.insert(ticketMacros).values(values).returning()
    return row!
  },
  async update(db: DbOrTx, id: string, patch: Partial<typeof ticketMacros.$inferInsert>): Promise<TicketMacroRow> {
    const [row] = await db
      .update(ticketMacros)
      .set({ ...patch, version: sql`${ticketMacros.version} + 1` })
      .where(eq(ticketMacros.id, id))
      .returning()
    return row!
  },
  async remove(db: DbOrTx, id: string): Promise<void> {
    await db.delete(ticketMacros).where(and(eq(ticketMacros.id, id)))
  },
}
