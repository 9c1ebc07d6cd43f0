// `npm start`: server and worker in one process on the configured database.
import { ConfigError, loadConfig } from './platform/config.ts'
import { DataDirInUseError } from './platform/db/index.ts'
import { seedDemoTenant } from './demo.ts'
import { formatDemoLogins } from './seed.ts'
import { startRuntime } from './runtime.ts'

export async function main(roles: { http: boolean; worker: boolean } = { http: true, worker: true }) {
  const started = Date.now()
  let config
  try {
    config = loadConfig()
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message)
      process.exit(2)
    }
    throw e
  }
  let runtime
  try {
    runtime = await startRuntime({ config, ...roles })
  } catch (e) {
    if (e instanceof DataDirInUseError) {
      console.error(e.message)
      process.exit(3)
    }
    throw e
  }
  const shutdown = async (signal: string) => {
    console.log(`\n${signal}: shutting down…`)
    await runtime.close()
    process.exit(0)
  }
  process.once('SIGINT', () => void shutdown('SIGINT'))
  process.once('SIGTERM', () => void shutdown('SIGTERM'))
  if (runtime.app && config.SEED_DEMO === 'auto') {
    const demo = await seedDemoTenant(runtime.modules)
    console.log(demo.created ? 'Seeded the demo tenant (first run).' : 'Demo tenant present (passwords as seeded unless changed since).')
    console.log(formatDemoLogins(demo))
  }
  if (runtime.app) {
    await runtime.app.listen({ port: config.PORT, host: config.HOST })
    const url = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`
    console.log(`Aftercare is ready on ${url} (${config.databaseKind}, ${Date.now() - started} ms)`)
  } else if (runtime.worker) {
    console.log(`Aftercare worker is running: jobs, event delivery, audit sealing (${config.databaseKind}, ${Date.now() - started} ms)`)
  }
  return runtime
}

if (import.meta.url === `file://${process.argv[1]}`) await main()
