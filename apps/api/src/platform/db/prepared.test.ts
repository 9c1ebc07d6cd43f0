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

  it('a statement run a third time is prepared, and reused with other values', async () => {
    const times7 = async (n: number) => (await rows<{ v: number }>(named.db, sql`select ${n}::int * 7 as v`))[0]!.v
    expect([await times7(1), await times7(2)]).toEqual([7, 14])
    expect(await prepared(named, 'select $1::int * 7 as v')).toEqual([])
    expect([await times7(3), await times7(4), await times7(5)]).toEqual([21, 28, 35])
    expect(await prepared(named, 'select $1::int * 7 as v')).toEqual(['select $1::int * 7 as v'])
  })

  it('scripts of several statements and withCustomPlans run unnamed', async () => {
    for (let i = 0; i < 3; i++) {
      await named.execScript('create temp table t_script (v int); insert into t_script values (1); drop table t_script')
      await named.db.execute(sql.raw('select 11 as a; select 12 as b'))
    }
    for (const n of [1, 2, 3, 4]) {
      const [r] = await withCustomPlans(() => rows<{ v: number }>(named.db, sql`select ${n}::int * 11 as v`))
      expect(r!.v).toBe(n * 11)
    }
    expect(await prepared(named, '%11%')).toEqual([])
    expect(await prepared(named, '%t_script%')).toEqual([])
  })

  it('DATABASE_PREPARED_STATEMENTS=false names nothing', async () => {
    for (const n of [1, 2, 3, 4]) {
      const [r] = await rows<{ v: number }>(unnamed.db, sql`select ${n}::int * 13 as v`)
      expect(r!.v).toBe(n * 13)
    }
    expect(await prepared(unnamed, '%')).toEqual([])
  })
})
