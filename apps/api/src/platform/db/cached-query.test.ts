// A query built once returns what its builder returns, bound to each call's values and transaction.
import { randomUUID } from 'node:crypto'
import { eq, sql } from 'drizzle-orm'
import { alias, jsonb, pgTable, text, timestamp, uuid } from 'drizzle-orm/pg-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestDatabase } from '../../test/harness.ts'
import { cachedQuery } from './cached-query.ts'
import type { Database } from './database.ts'

// the platform's own table, declared here (the identity module owns its Drizzle schema)
const tenants = pgTable('tenants', {
  id: uuid('id').primaryKey().defaultRandom(),
  slug: text('slug').notNull(),
  name: text('name').notNull(),
  settings: jsonb('settings').$type<Record<string, unknown>>().notNull(),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull(),
})
const other = alias(tenants, 'other')

const tenantById = cachedQuery((db) =>
  db
    .select()
    .from(tenants)
    .where(eq(tenants.id, sql.placeholder('id'))),
)
// a self-join: nested selections and their mapping come from the builder too
const pairOf = cachedQuery((db) =>
  db
    .select({ tenant: tenants, same: { slug: other.slug } })
    .from(tenants)
    .innerJoin(other, eq(other.id, tenants.id))
    .where(eq(tenants.slug, sql.placeholder('slug'))),
)

let database: Database
const slugs = [`cq-${randomUUID().slice(0, 8)}`, `cq-${randomUUID().slice(0, 8)}`]
let ids: string[] = []

beforeAll(async () => {
  database = await openTestDatabase()
  ids = await Promise.all(
    slugs.map(
      async (slug) =>
        (
          await database.db
            .insert(tenants)
            .values({ slug, name: '缓存查询', settings: { a: 1 }, createdAt: new Date() })
            .returning()
        )[0]!.id,
    ),
  )
})
afterAll(() => database?.close())

describe('cachedQuery', () => {
  it('returns exactly what the builder returns, for each call its own values', async () => {
    for (const id of [...ids, ...ids]) {
      const built = await database.db.select().from(tenants).where(eq(tenants.id, id))
      const cached = await tenantById(database.db, { id })
      expect(cached).toEqual(built)
      expect(cached[0]!.createdAt).toBeInstanceOf(Date)
      expect(cached[0]!.settings).toEqual({ a: 1 })
    }
    expect(await tenantById(database.db, { id: randomUUID() })).toEqual([])
  })

  it('maps nested selections of a join like the builder', async () => {
    const [row] = await pairOf(database.db, { slug: slugs[1] })
    expect(row).toMatchObject({ tenant: { id: ids[1], slug: slugs[1], name: '缓存查询' }, same: { slug: slugs[1] } })
  })

  it("runs in the caller's transaction: its own uncommitted rows, and row-level security", async () => {
    const slug = `cq-${randomUUID().slice(0, 8)}`
    const seen = await database
      .transaction(async (tx) => {
        const [t] = await tx.insert(tenants).values({ slug, name: '回滚', settings: {}, createdAt: new Date() }).returning()
        const inside = (await tenantById(tx, { id: t!.id })).length
        throw Object.assign(new Error('rollback'), { inside, id: t!.id })
      })
      .catch((e: { inside: number; id: string }) => e)
    expect(seen.inside).toBe(1)
    expect(await tenantById(database.db, { id: seen.id })).toEqual([])
    // tenants' policy: a tenant transaction sees itself only
    const scoped = await database.withTenant(ids[0]!, async (tx) => [
      (await tenantById(tx, { id: ids[0] })).length,
      (await tenantById(tx, { id: ids[1] })).length,
    ])
    expect(scoped).toEqual([1, 0])
  })
})
