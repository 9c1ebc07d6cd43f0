import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, renameSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { promisify } from 'node:util'
import { loadConfig } from '@aftercare/api/platform/config'
import { lockDataDir } from '@aftercare/api/platform/db/index'
import type { Command } from 'commander'

const run = promisify(execFile)

async function hasCommand(cmd: string) {
  return run('sh', ['-c', `command -v ${cmd}`]).then(
    () => true,
    () => false,
  )
}

export function registerBackupCommands(program: Command) {
  program
    .command('backup')
    .description('Back up the database: the embedded data directory as a .tar.gz (server stopped), or PostgreSQL with pg_dump')
    .requiredOption('--out <file>', 'where to write the backup')
    .action(async (o: { out: string }) => {
      const config = loadConfig()
      const out = resolve(o.out)
      mkdirSync(dirname(out), { recursive: true })
      if (config.DATABASE_URL) {
        if (!(await hasCommand('pg_dump'))) throw new Error('pg_dump is not installed (Debian: apt-get install postgresql-client)')
        await run('pg_dump', ['--format=custom', '--no-owner', `--file=${out}`, config.DATABASE_URL])
        console.log(`PostgreSQL backup written to ${out} (restore with: aftercare restore ${o.out})`)
        return
      }
      if (!existsSync(config.dataDir)) throw new Error(`No data directory at ${config.dataDir}`)
      // The embedded database must be closed for a consistent copy: holding the lock proves it.
      const release = lockDataDir(config.dataDir)
      try {
        await run('tar', ['-czf', out, '--exclude=aftercare.lock', '-C', config.dataDir, '.'])
      } finally {
        release()
      }
      console.log(`Embedded data directory ${config.dataDir} backed up to ${out}`)
    })

  program
    .command('restore')
    .description('Restore a backup made by `aftercare backup` (the server must be stopped)')
    .argument('<file>', 'backup file')
    .option('--force', 'replace an existing embedded data directory (it is kept aside as DATA_DIR.bak-<time>)')
    .action(async (file: string, o: { force?: boolean }) => {
      // The backup brings its own secret key: don't generate one into the target first.
      const config = loadConfig(process.env, { persistSecret: false })
      const input = resolve(file)
      if (!existsSync(input)) throw new Error(`No backup file at ${input}`)
      if (config.DATABASE_URL) {
        if (!(await hasCommand('pg_restore'))) throw new Error('pg_restore is not installed (Debian: apt-get install postgresql-client)')
        await run('pg_restore', ['--clean', '--if-exists', '--no-owner', `--dbname=${config.DATABASE_URL}`, input])
        console.log(`Restored ${input} into PostgreSQL`)
        return
      }
      if (existsSync(config.dataDir) && readdirSync(config.dataDir).length > 0) {
        if (!o.force) throw new Error(`${config.dataDir} is not empty; pass --force to replace it (the old one is kept aside)`)
        const release = lockDataDir(config.dataDir)
        release()
        const aside = `${config.dataDir}.bak-${new Date().toISOString().replace(/[:.]/g, '-')}`
        renameSync(config.dataDir, aside)
        console.log(`Existing data directory moved to ${aside}`)
      }
      mkdirSync(config.dataDir, { recursive: true })
      await run('tar', ['-xzf', input, '-C', config.dataDir])
      console.log(`Restored ${input} into ${config.dataDir}`)
    })
}
