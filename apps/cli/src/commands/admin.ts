import { migrate } from '@aftercare/api/platform/db/index'
import type { Command } from 'commander'
import { withDatabase } from '../shared/runtime.ts'

export function registerAdminCommands(program: Command) {
  program
    .command('migrate')
    .description('Apply pending database migrations (DATABASE_URL, or the embedded database in DATA_DIR)')
    .action(async () => {
      const applied = await withDatabase((db) => migrate(db))
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.')
    })
}
