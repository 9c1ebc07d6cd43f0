// HTTP throughput of the API server beside a plain Fastify hello-world measured in the same run:
// requests/s and latency p50/p99 for a bare route (/healthz) and an authenticated GET /api/auth/me,
// on the embedded PGlite database and on PostgreSQL.
//
// Run: npm run bench [-- --duration 10 --connections 16 --no-pg]
// PostgreSQL: BENCH_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/postgres); a fresh
// database is created for the run and dropped afterwards.
// Each server runs in its own process (web already built or not: the API does not need it).
import autocannon from 'autocannon'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { startServerProcess } from './server.ts'
import { DEMO_PASSWORD } from '../apps/api/src/seed.ts'

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '8' },
    connections: { type: 'string', default: '16' },
    'no-pg': { type: 'boolean', default: false },
  },
})
const duration = Number(args.duration)
const connections = Number(args.connections)

// The reference: the same Fastify version, one route, no plugins.
const helloWorld = `
  const Fastify = (await import('fastify')).default
  const app = Fastify({ logger: false })
  app.get('/', async () => ({ hello: 'world' }))
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' })
`

interface Row {
  target: string
  rps: number
  p50: number
  p99: number
  errors: number
}

async function measure(target: string, url: string, headers: Record<string, string> = {}): Promise<Row> {
  // A short warm-up so JIT and connection pools are settled before the measured run.
  await autocannon({ url, connections, duration: 1, headers })
  const r = await autocannon({ url, connections, duration, headers })
  return { target, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx }
}

async function login(base: string) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: 'admin@demo.aftercare.local', password: DEMO_PASSWORD, tenant: 'demo' }),
  })
  if (!res.ok) throw new Error(`login failed: ${res.status} ${await res.text()}`)
  const cookies = res.headers.getSetCookie().map((c) => c.split(';')[0])
  return cookies.join('; ')
}

async function measureAftercare(label: string, env: Record<string, string>): Promise<Row[]> {
  const server = await startServerProcess(['--import', 'tsx', 'apps/api/src/main.ts'], env, '/readyz')
  try {
    const cookie = await login(server.base)
    const me = await fetch(`${server.base}/api/auth/me`, { headers: { cookie } })
    if (!me.ok) throw new Error(`GET /api/auth/me answered ${me.status}`)
    return [
      await measure(`${label}: GET /healthz (bare route)`, `${server.base}/healthz`),
      await measure(`${label}: GET /api/auth/me (signed in)`, `${server.base}/api/auth/me`, { cookie }),
    ]
  } finally {
    await server.stop()
  }
}

const rows: Row[] = []
const hello = await startServerProcess(['--input-type=module', '-e', helloWorld], {}, '/')
try {
  rows.push(await measure('Fastify hello-world (reference)', `${hello.base}/`))
} finally {
  await hello.stop()
}

const dataDir = mkdtempSync(join(tmpdir(), 'aftercare-bench-http-'))
try {
  rows.push(...(await measureAftercare('PGlite', { DATA_DIR: dataDir, RATE_LIMIT_PER_MINUTE: '100000000' })))
} finally {
  rmSync(dataDir, { recursive: true, force: true })
}

if (!args['no-pg']) {
  const adminUrl = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'
  const dbName = `aftercare_bench_http_${Date.now()}`
  const admin = new pg.Client({ connectionString: adminUrl })
  await admin.connect()
  await admin.query(`create database ${dbName}`)
  try {
    const url = new URL(adminUrl)
    url.pathname = `/${dbName}`
    rows.push(...(await measureAftercare('PostgreSQL', { DATABASE_URL: url.toString(), RATE_LIMIT_PER_MINUTE: '100000000' })))
  } finally {
    await admin.query(`drop database if exists ${dbName} with (force)`)
    await admin.end()
  }
}

const reference = rows[0]!.rps
console.log(`\n${connections} connections, ${duration} s per target (after 1 s warm-up)\n`)
console.log(
  'target'.padEnd(46) + 'req/s'.padStart(9) + 'p50 ms'.padStart(9) + 'p99 ms'.padStart(9) + ' of ref'.padStart(9) + 'errors'.padStart(8),
)
for (const r of rows)
  console.log(
    r.target.padEnd(46) +
      r.rps.toFixed(0).padStart(9) +
      r.p50.toFixed(1).padStart(9) +
      r.p99.toFixed(1).padStart(9) +
      `${((100 * r.rps) / reference).toFixed(0)}%`.padStart(9) +
      String(r.errors).padStart(8),
  )
