// Builds one migrated database per test run: a PGlite template every test file clones
// (creating a database costs seconds, cloning ~0.5 s), or, with TEST_DATABASE_URL, the
// PostgreSQL database the CI created for this run, migrated once here.
import { randomUUID } from 'node:crypto'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { migrate, openPglite, openPostgres } from '../platform/db/index.ts'
import { tmpDir } from './paths.ts'

export default async function setup(project: TestProject) {
  const url = process.env.TEST_DATABASE_URL
  if (url) {
    const db = await openPostgres(url, { max: 1 })
    await migrate(db)
    await db.close()
    return
  }
  const db = await openPglite(undefined)
  await migrate(db)
  const dump = await db.pglite!.dumpDataDir('gzip')
  mkdirSync(tmpDir, { recursive: true })
  // One file per run: several test runs may share the checkout.
  const templatePath = join(tmpDir, `pglite-template-${randomUUID()}.tar.gz`)
  writeFileSync(templatePath, Buffer.from(await dump.arrayBuffer()))
  project.provide('pgliteTemplate', templatePath)
  await db.close()
  return () => rmSync(templatePath, { force: true })
}
