import { Command } from 'commander'
import { registerAdminCommands } from './commands/admin.ts'
import { registerAuditCommands } from './commands/audit.ts'
import { registerAuthCommands } from './commands/auth.ts'
import { registerBackupCommands } from './commands/backup.ts'
import { registerDispatchCommands } from './commands/dispatch.ts'
import { registerServeCommands } from './commands/serve.ts'

export function buildProgram(): Command {
  const program = new Command()
  program
    .name('aftercare')
    .description('Aftercare after-sales service platform: server, worker, administration and API client')
    .version('0.1.0')
    .showHelpAfterError()
  registerServeCommands(program)
  registerAuthCommands(program)
  registerAdminCommands(program)
  registerAuditCommands(program)
  registerBackupCommands(program)
  registerDispatchCommands(program)
  return program
}

try {
  await buildProgram().parseAsync(process.argv)
} catch (e) {
  console.error(`aftercare: ${e instanceof Error ? e.message : String(e)}`)
  process.exitCode = 1
}
