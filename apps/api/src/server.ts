// Entry of a server process (`npx aftercare serve`): HTTP API, WebSocket and web app; no worker.
// Run one or more behind a load balancer, with `aftercare worker` processes beside them.
import { main } from './main.ts'

await main({ http: true, worker: false })
