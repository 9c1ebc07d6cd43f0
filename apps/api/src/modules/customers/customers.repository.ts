import { and, asc, count, desc, eq, ilike, inArray, ne, or, sql, type SQL } from 'drizzle-orm'
import type { CustomerListQuery } from '@aftercare/contracts'
import { cachedQuery, type DbOrTx } from '../../platform/db/index.ts'
import { keysetAfter, sortKeyText, type KeysetPosition, type SortKeyKind } from '../../platform/http/pagination.ts'
import { customerAddresses, customerContacts, customers, type AddressRow, type ContactRow, type CustomerRow } from './customers.tables.ts'

const like = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

const sortColumns = {
  name: customers.name,
  createdAt: customers.createdAt,
  tier: sql`array_position(array['standard','silver','gold','strategic'], ${customers.tier})`,
} as const
const sortKinds: Record<keyof typeof sortColumns, SortKeyKind> = { name: 'text', createdAt: 'timestamp', tier: 'integer' }

const customerById = cachedQuery((db) =>
  db
    .select()
    .from(customers)
    .where(eq(customers.id, sql.placeholder('id')))
    .limit(1),
)

export const customerRepository = {
  /** How a cursor's sort key is read back for this sort. */
  sortKind: (sort: CustomerListQuery['sort']): SortKeyKind => sortKinds[sort.replace(/^-/, '') as keyof typeof sortColumns],

  async findById(db: DbOrTx, id: string, opts: { forUpdate?: boolean } = {}): Promise<CustomerRow | undefined> {
    if (!opts.forUpdate) return (await customerById(db, { id }))[0]
    const [row] = await db.select().from(customers).where(eq(customers.id, id)).limit(1).for('update')
    return row
  },

  async findByCode(db: DbOrTx, code: string): Promise<CustomerRow | undefined> {
    const [row] = await db
      .select()
      .from(customers)
      .where(sql`lower(${customers.code}) = lower(${code})`)
      .limit(1)
    return row
  },

  async findByName(db: DbOrTx, name: string): Promise<CustomerRow[]> {
    return db.select().from(customers).where(eq(customers.name, name)).limit(2)
  },

  async findByIds(db: DbOrTx, ids: readonly string[]): Promise<CustomerRow[]> {
    return ids.length
      ? db
          .select()
          .from(customers)
          .where(inArray(customers.id, [...ids]))
      : []
  },

  async insert(db: DbOrTx, values: typeof customers.$inferInsert): Promise<CustomerRow> {
    const [row] = await db.insert(customers).values(values).returning()
    return row!
  },

  async update(db: DbOrTx, id: string, values: Partial<typeof customers.$inferInsert>): Promise<CustomerRow> {
    const [row] = await db.update(customers).set(values).where(eq(customers.id, id)).returning()
    return row!
  },

  async delete(db: DbOrTx, id: string): Promise<void> {
    await db.delete(customers).where(eq(customers.id, id))
  },

  /** `limit + 1` rows with their sort key when paging by cursor (`after`), so the caller knows whether more follow. */
  async list(db: DbOrTx, f: CustomerListQuery & { after?: KeysetPosition }) {
    const where: SQL[] = []
    if (f.q) {
      const digits = f.q.replace(/[\s-]/g, '')
      const contactMatch = or(
        ilike(customerContacts.name, like(f.q)),
        ilike(customerContacts.email, like(f.q)),
        /^\+?\d{3,}$/.test(digits) ? ilike(customerContacts.mobile, like(digits)) : undefined,
      )
      where.push(
        or(
          ilike(customers.name, like(f.q)),
          ilike(customers.code, like(f.q)),
          sql`${f.q} = any(${customers.tags})`,
          sql`exists (select 1 from ${customerContacts} where ${customerContacts.customerId} = ${customers.id} and (${contactMatch}))`,
        )!,
      )
    }
    if (f.tier) where.push(eq(customers.tier, f.tier))
    if (f.kind) where.push(eq(customers.kind, f.kind))
    if (f.tag) where.push(sql`${f.tag} = any(${customers.tags})`)
    if (f.accountManagerId) where.push(eq(customers.accountManagerId, f.accountManagerId))
    const cond = where.length ? and(...where) : undefined
    const descending = f.sort.startsWith('-')
    const sortField = f.sort.replace(/^-/, '') as keyof typeof sortColumns
    const column = sortColumns[sortField]
    const rows = await db
      .select({ row: customers, sortKey: sortKeyText(column) })
      .from(customers)
      .where(f.after ? and(cond, keysetAfter(column, customers.id, { descending, kind: sortKinds[sortField] }, f.after)) : cond)
      .orderBy(descending ? desc(column) : asc(column), asc(customers.id))
      .limit(f.limit + 1)
      .offset(f.after ? 0 : f.offset)
    const [total] = await db.select({ n: count() }).from(customers).where(cond)
    return { rows, total: total?.n ?? 0 }
  },

  /** Every customer, in name order, for exports. */
  async all(db: DbOrTx): Promise<CustomerRow[]> {
    return db.select().from(customers).orderBy(asc(customers.name), asc(customers.id))
  },

  // Contacts

  async contactsOf(db: DbOrTx, customerIds: readonly string[]): Promise<ContactRow[]> {
    if (!customerIds.length) return []
    return db
      .select()
      .from(customerContacts)
      .where(inArray(customerContacts.customerId, [...customerIds]))
      .orderBy(desc(customerContacts.isPrimary), asc(customerContacts.createdAt), asc(customerContacts.id))
  },

  async findContact(db: DbOrTx, id: string, opts: { forUpdate?: boolean } = {}): Promise<ContactRow | undefined> {
    const q = db.select().from(customerContacts).where(eq(customerContacts.id, id)).limit(1)
    const [row] = opts.forUpdate ? await q.for('update') : await q
    return row
  },

  async findContactsBy(db: DbOrTx, by: { mobile?: string; email?: string }): Promise<ContactRow[]> {
    const conds: SQL[] = []
    if (by.mobile) conds.push(eq(customerContacts.mobile, by.mobile))
    if (by.email) conds.push(sql`lower(${customerContacts.email}) = lower(${by.email})`)
    if (!conds.length) return []
    return db
      .select()
      .from(customerContacts)
      .where(or(...conds))
      .orderBy(asc(customerContacts.createdAt))
      .limit(20)
  },

  async insertContact(db: DbOrTx, values: typeof customerContacts.$inferInsert): Promise<ContactRow> {
    const [row] = await db.insert(customerContacts).values(values).returning()
    return row!
  },

  async updateContact(db: DbOrTx, id: string, values: Partial<typeof customerContacts.$inferInsert>): Promise<ContactRow> {
    const [row] = await db.update(customerContacts).set(values).where(eq(customerContacts.id, id)).returning()
    return row!
  },

  async deleteContact(db: DbOrTx, id: string): Promise<void> {
    await db.delete(customerContacts).where(eq(customerContacts.id, id))
  },

  /** Makes every other contact of the customer non-primary (before one becomes primary). */
  async clearPrimaryContact(db: DbOrTx, customerId: string, exceptId: string | null): Promise<void> {
    const cond = [eq(customerContacts.customerId, customerId), eq(customerContacts.isPrimary, true)]
    if (exceptId) cond.push(ne(customerContacts.id, exceptId))
    await db
      .update(customerContacts)
      .set({ isPrimary: false })
      .where(and(...cond))
  },

  // Addresses

  async addressesOf(db: DbOrTx, customerIds: readonly string[]): Promise<AddressRow[]> {
    if (!customerIds.length) return []
    return db
      .select()
      .from(customerAddresses)
      .where(inArray(customerAddresses.customerId, [...customerIds]))
      .orderBy(desc(customerAddresses.isDefault), asc(customerAddresses.createdAt), asc(customerAddresses.id))
  },

  async findAddress(db: DbOrTx, id: string, opts: { forUpdate?: boolean } = {}): Promise<AddressRow | undefined> {
    const q = db.select().from(customerAddresses).where(eq(customerAddresses.id, id)).limit(1)
    const [row] = opts.forUpdate ? await q.for('update') : await q
    return row
  },

  async insertAddress(db: DbOrTx, values: typeof customerAddresses.$inferInsert): Promise<AddressRow> {
    const [row] = await db.insert(customerAddresses).values(values).returning()
    return row!
  },

  async updateAddress(db: DbOrTx, id: string, values: Partial<typeof customerAddresses.$inferInsert>): Promise<AddressRow> {
    const [row] = await db.update(customerAddresses).set(values).where(eq(customerAddresses.id, id)).returning()
    return row!
  },

  async deleteAddress(db: DbOrTx, id: string): Promise<void> {
    await db.delete(customerAddresses).where(eq(customerAddresses.id, id))
  },

  async clearDefaultAddress(db: DbOrTx, customerId: string, exceptId: string | null): Promise<void> {
    const cond = [eq(customerAddresses.customerId, customerId), eq(customerAddresses.isDefault, true)]
    if (exceptId) cond.push(ne(customerAddresses.id, exceptId))
    await db
      .update(customerAddresses)
      .set({ isDefault: false })
      .where(and(...cond))
  },
}
