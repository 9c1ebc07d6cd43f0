// Entry of a worker process (`npx aftercare worker`): job handlers and cron, outbox delivery to the
// event listeners, audit sealing; no HTTP. Run one or more beside the servers on PostgreSQL.
import { main } from './main.ts'

await main({ http: false, worker: true })
