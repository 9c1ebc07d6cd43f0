// Named prepared statements on PostgreSQL (PGlite runs in-process: nothing to save there).
import { sql } from 'drizzle-orm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPostgres, rows, withCustomPlans, type Database } from './database.ts'

const url = process.env.TEST_DATABASE_URL

describe.runIf(!!url)('prepared statements (PostgreSQL)', () => {
  let named: Database
  let unnamed: Database
  beforeAll(async () => {
    // one connection each, so the statements it prepared are the ones pg_prepared_statements shows
    named = await openPostgres(url!, { max: 1 })
    unnamed = await openPostgres(url!, { max: 1, preparedStatements: false })
  })
  afterAll(async () => {
    await named?.close()
    await unnamed?.close()
  })

  const prepared = async (database: Database, like: string) =>
    (await database.query<{ statement: string }>(`select statement from pg_prepared_statements where statement like $1`, [like])).map(
      (r) => r.statement,
    )

  it('a statement is parsed once per connection and reused with other values', async () => {
    for (const n of [1, 2, 3]) {
      const [r] = await rows<{ v: number }>(named.db, sql`select ${n}::int * 7 as v`)
      expect(r!.v).toBe(n * 7)
    }
    expect(await prepared(named, 'select $1::int * 7 as v')).toEqual(['select $1::int * 7 as v'])
  })

  it('scripts of several statements and withCustomPlans run unnamed', async () => {
    await named.execScript('create temp table t_script (v int); insert into t_script values (1); drop table t_script')
    await named.db.execute(sql.raw('select 11 as a; select 12 as b'))
    const [r] = await withCustomPlans(() => rows<{ v: number }>(named.db, sql`select ${4}::int * 11 as v`))
    expect(r!.v).toBe(44)
    expect(await prepared(named, '%11%')).toEqual([])
    expect(await prepared(named, '%t_script%')).toEqual([])
  })

  it('DATABASE_PREPARED_STATEMENTS=false names nothing', async () => {
    const [r] = await rows<{ v: number }>(unnamed.db, sql`select ${6}::int * 13 as v`)
    expect(r!.v).toBe(78)
    expect(await prepared(unnamed, '%')).toEqual([])
  })
})
