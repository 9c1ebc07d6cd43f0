import { and, asc, count, eq, ilike, type SQL } from 'drizzle-orm'
import type { DbOrTx } from '../../platform/db/index.ts'
import { customers, type CustomerRow } from './customers.tables.ts'

export const customerRepository = {
  async findById(db: DbOrTx, id: string): Promise<CustomerRow | undefined> {
    const [row] = await db.select().from(customers).where(eq(customers.id, id)).limit(1)
    return row
  },

  async insert(db: DbOrTx, values: typeof customers.$inferInsert): Promise<CustomerRow> {
    const [row] = await db.insert(customers).values(values).returning()
    return row!
  },

  async list(db: DbOrTx, f: { q?: string; tier?: CustomerRow['tier']; limit: number; offset: number }) {
    const where: SQL[] = []
    if (f.q) where.push(ilike(customers.name, `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`))
    if (f.tier) where.push(eq(customers.tier, f.tier))
    const cond = where.length ? and(...where) : undefined
    const items = await db.select().from(customers).where(cond).orderBy(asc(customers.name)).limit(f.limit).offset(f.offset)
    const [total] = await db.select({ n: count() }).from(customers).where(cond)
    return { items, total: total?.n ?? 0 }
  },
}
