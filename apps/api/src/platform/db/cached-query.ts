// Queries whose SQL text is built once. Drizzle rebuilds a query's text from its column objects on
// every execution: 124 µs for "a ticket by id" on the benchmark machine, more than PostgreSQL takes
// to run it, and the largest single cost of the worker after the socket writes. A cached query is
// built on first use with placeholders (`sql.placeholder('id')`) and afterwards only bound to the
// values and the caller's transaction. For fixed-shape queries on hot paths only: anything whose
// shape depends on its arguments stays an ordinary query.
import type { DbOrTx } from './database.ts'

/** The parts of Drizzle's query builders and sessions a cached query uses (Drizzle 0.45). */
interface Built {
  toSQL(): { sql: string; params: unknown[] }
  _prepare(): { fields?: unknown; joinsNotNullableMap?: unknown }
}
interface Session {
  prepareQuery(
    query: { sql: string; params: unknown[] },
    fields: unknown,
    name: string | undefined,
    isResponseInArrayMode: boolean,
  ): { joinsNotNullableMap?: unknown; execute(values: Record<string, unknown>): Promise<unknown> }
}

/**
 * `const byId = cachedQuery((db) => db.select().from(t).where(eq(t.id, sql.placeholder('id'))).limit(1))`,
 * then `await byId(tx, { id })`: the rows exactly as the builder would return them.
 */
export function cachedQuery<B extends PromiseLike<unknown>>(build: (db: DbOrTx) => B) {
  let built: { query: { sql: string; params: unknown[] }; fields: unknown; joins: unknown } | undefined
  return (db: DbOrTx, values: Record<string, unknown>): Promise<Awaited<B>> => {
    if (!built) {
      const b = build(db) as unknown as Built
      const { fields, joinsNotNullableMap } = b._prepare()
      built = { query: b.toSQL(), fields, joins: joinsNotNullableMap }
    }
    const query = (db as unknown as { session: Session }).session.prepareQuery(built.query, built.fields, undefined, true)
    query.joinsNotNullableMap = built.joins
    return query.execute(values) as Promise<Awaited<B>>
  }
}
