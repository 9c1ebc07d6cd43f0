import type { Command } from 'commander'

export function registerServeCommands(program: Command) {
  program
    .command('start')
    .description('Run the HTTP server and the worker in one process (what `npm start` runs)')
    .action(async () => {
      const { main } = await import('@aftercare/api/main')
      await main({ http: true, worker: true })
    })
  program
    .command('serve')
    .description('Run only the HTTP server (API, WebSocket, web app); run workers apart with `aftercare worker`')
    .action(async () => {
      const { main } = await import('@aftercare/api/main')
      await main({ http: true, worker: false })
    })
  program
    .command('worker')
    .description('Run only the worker: outbox delivery, audit sealing, scheduled jobs')
    .action(async () => {
      const { main } = await import('@aftercare/api/main')
      await main({ http: false, worker: true })
    })
}
