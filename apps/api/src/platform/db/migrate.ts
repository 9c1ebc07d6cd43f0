import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Database } from './database.ts'

export const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), '../../../migrations')

interface Migration {
  name: string
  sql: string
  checksum: string
}

export function readMigrations(dir = migrationsDir): Migration[] {
  return readdirSync(dir)
    .filter((f) => /^\d{4}_[a-z0-9_]+\.sql$/.test(f))
    .sort()
    .map((name) => {
      const text = readFileSync(join(dir, name), 'utf8')
      return { name, sql: text, checksum: createHash('sha256').update(text).digest('hex') }
    })
}

/**
 * Applies pending forward-only migrations, each in its own transaction.
 * An advisory lock keeps two starting servers from racing; an edited, already applied
 * migration stops the start (migrations are immutable once shipped).
 */
export async function migrate(database: Database, dir = migrationsDir): Promise<string[]> {
  await database.query(`create table if not exists schema_migrations (
    name text primary key, checksum text not null, applied_at timestamptz not null default now())`)
  const applied: string[] = []
  for (const m of readMigrations(dir)) {
    const [row] = await database.query<{ checksum: string }>('select checksum from schema_migrations where name = $1', [m.name])
    if (row) {
      if (row.checksum !== m.checksum) throw new Error(`Migration ${m.name} was changed after it was applied; add a new migration instead`)
      continue
    }
    const script = `select pg_advisory_xact_lock(7349001);
do $$ begin
  if exists (select 1 from schema_migrations where name = '${m.name}') then
    raise exception 'aftercare:already-applied';
  end if;
end $$;
${m.sql}
;
insert into schema_migrations (name, checksum) values ('${m.name}', '${m.checksum}');`
    try {
      await database.execScript(script)
      applied.push(m.name)
    } catch (e) {
      if (e instanceof Error && e.message.includes('aftercare:already-applied')) continue
      throw new Error(`Migration ${m.name} failed: ${e instanceof Error ? e.message : String(e)}`, { cause: e })
    }
  }
  return applied
}
