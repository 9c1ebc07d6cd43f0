// Ticket creation through the HTTP API on PostgreSQL, quoted against the database's own ceiling for
// the same write set measured in the same run (issue 3: "at least 50% of the prepared-statement
// ceiling with p99 under 50 ms at 8 clients").
//
// 1. A fresh database; the server (`apps/api/src/main.ts`: HTTP and worker in one process, as
//    `npm start` runs it; with `--split` an HTTP process and a worker process, as on a PostgreSQL
//    deployment) on it. The demo tenant is seeded on start (without demo tickets); the benchmark
//    signs in as its admin, adds a ticket type and takes an API token (tickets.create).
// 2. autocannon POSTs /api/tickets with `Authorization: Bearer <token>` from 8 and 32 concurrent
//    clients: tickets/s (2xx per second), latency p50/p99, errors. Every ticket has its own subject.
//    Then it waits until the worker has handled every event the tickets raised (SLA clocks and
//    timers, notifications, webhooks) and prints how long that took after the load stopped, and
//    the CPU the application's process(es) used per ticket, HTTP and worker together.
// 3. pgbench runs ../shared/bench/pg-ceiling/create_ticket.sql (ticket + 4 indexes, outbox event,
//    audit row, one transaction) with -M prepared at the same client counts on another fresh
//    database (schema 00_schema.sql; `--ceiling-load` also loads its 1,000,000 tickets first, as
//    its README does): transactions/s and p50/p99 from pgbench's per-transaction log.
// 4. The ratio API / ceiling per client count. Both databases are dropped at the end.
//
// Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres npm run bench:tickets:create -- \
//        [--clients 8,32] [--duration 30] [--warmup 3] [--ceiling-dir ../shared/bench/pg-ceiling] [--ceiling-load] [--split]
// DATABASE_URL names the server and a role that may create databases; its own database is not touched.
import autocannon from 'autocannon'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parseArgs } from 'node:util'
import pg from 'pg'
import { cpuMsOf, startServerProcess } from './server.ts'
import { DEMO_PASSWORD } from '../apps/api/src/seed.ts'

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '8,32' },
    duration: { type: 'string', default: '30' },
    warmup: { type: 'string', default: '3' },
    'ceiling-dir': { type: 'string' },
    'ceiling-load': { type: 'boolean', default: false },
    split: { type: 'boolean', default: false },
  },
})
const root = new URL('..', import.meta.url).pathname
const clientCounts = args.clients.split(',').map(Number)
const duration = Number(args.duration)
const warmup = Number(args.warmup)
const ceilingDir = resolve(args['ceiling-dir'] ?? join(root, '../shared/bench/pg-ceiling'))
if (clientCounts.some((n) => !Number.isInteger(n) || n < 1) || !(duration > 0)) throw new Error('--clients 8,32 --duration <seconds>')
const serverUrl = process.env.DATABASE_URL
if (!serverUrl) throw new Error('Set DATABASE_URL to a PostgreSQL server (e.g. postgres://postgres@127.0.0.1:5432/postgres)')

const stamp = `${Date.now().toString(36)}_${process.pid}`
const apiDb = `aftercare_bench_create_${stamp}`
const ceilingDb = `aftercare_bench_ceiling_${stamp}`
const urlOf = (db: string) => Object.assign(new URL(serverUrl), { pathname: `/${db}` }).toString()

const pct = (sorted: readonly number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN

/**
 * The application as `npm start` runs it (HTTP and worker in one process), or with `--split` as
 * on a PostgreSQL deployment: an HTTP server process and a worker process.
 */
async function startServer(databaseUrl: string, dataDir: string) {
  // BENCH_NODE_ARGS: extra node flags for the server, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const extra = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? []
  const env = {
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    NODE_ENV: 'production',
    RATE_LIMIT_PER_MINUTE: '100000000',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    // The demo tenant (users, customers) without its 200 demo tickets, whose SLA backlog the worker
    // would still be working through while the load runs.
    SEED_DEMO_TICKETS: '0',
  }
  if (!args.split) {
    const one = await startServerProcess([...extra, '--import', 'tsx', 'apps/api/src/main.ts'], env)
    return { base: one.base, pids: [one.pid], stop: () => one.stop() }
  }
  const http = await startServerProcess([...extra, '--import', 'tsx', 'apps/api/src/server.ts'], env)
  const worker = await startServerProcess([...extra, '--import', 'tsx', 'apps/api/src/worker.ts'], env, /worker is running/)
  return {
    base: http.base,
    pids: [http.pid, worker.pid],
    stop: async () => {
      await http.stop()
      await worker.stop()
    },
  }
}

async function call<T>(base: string, path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const res = await fetch(`${base}${path}`, {
    method: init.method ?? 'GET',
    headers: { ...(init.body ? { 'content-type': 'application/json' } : {}), ...init.headers },
    ...(init.body ? { body: JSON.stringify(init.body) } : {}),
  })
  if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path} → ${res.status} ${await res.text()}`)
  return { body: (await res.json()) as T, headers: res.headers }
}

/** Signs in as the demo admin, adds a ticket type, and returns an API token and a ticket body. */
async function prepare(base: string) {
  const login = await call<{ csrfToken: string }>(base, '/api/auth/login', {
    method: 'POST',
    body: { email: 'admin@demo.aftercare.local', password: DEMO_PASSWORD, tenant: 'demo' },
  })
  const session = {
    cookie: login.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; '),
    'x-csrf-token': login.body.csrfToken,
  }
  const type = await call<{ id: string }>(base, '/api/tickets/types', {
    method: 'POST',
    headers: session,
    body: { code: 'bench_repair', name: '压测报修' },
  })
  const customers = await call<{ items: { id: string }[] }>(base, '/api/customers?limit=1', { headers: session })
  const token = await call<{ token: string }>(base, '/api/auth/me/tokens', {
    method: 'POST',
    headers: session,
    body: { name: 'bench tickets-create-http', scopes: ['tickets.create'], expiresInDays: 1 },
  })
  return { token: token.body.token, typeId: type.body.id, customerId: customers.body.items[0]?.id }
}

// The same text as the ceiling's create_ticket.sql: a ~40-character subject, ~400 Chinese characters.
const description =
  '您好，我上个月在贵公司官方旗舰店购买的家用净水器（型号AQ-500）最近出现了漏水的问题。具体情况是：每次制水的时候，机器底部都会有水渗出来，大约半小时就能把厨房地面打湿一大片。我已经按照说明书检查过进水管和废水管的接口，确认都已经拧紧，但问题仍然存在。另外，机器的滤芯更换提醒灯在安装后第三周就开始闪烁，这和说明书上写的六个月更换周期明显不符。我怀疑是主板或者传感器出了故障。因为家里有老人和小孩，每天都需要用水，所以希望你们能尽快安排售后工程师上门检测和维修。如果需要更换整机，也请告知具体流程和所需时间。我的安装地址是上海市浦东新区张江路一百号三号楼五零二室，工作日晚上七点以后或者周末全天都可以上门。购买订单号和发票照片我已经在附件中上传，请查收。另外想问一下，保修期内上门服务是否收取费用？如果收费，标准是多少？我的联系电话是一三八零零一三八零零零，也可以通过微信联系。麻烦尽快回复，谢谢！'

interface Figures {
  perSecond: number
  p50: number
  p99: number
  errors: number
}

interface ApiFigures extends Figures {
  /** CPU of the application's process(es) per ticket created, HTTP and worker together. */
  cpuMsPerTicket: number
  /** After the load stopped: seconds until the worker had handled every event (SLA clocks, notifications…). */
  catchUpSeconds: number
}

async function undeliveredEvents(db: pg.Client) {
  return (await db.query<{ n: number }>('select count(*)::int as n from outbox where delivered_at is null')).rows[0]?.n ?? 0
}

/** Load, then wait for the worker to catch up; CPU counted over both. */
async function measureApi(
  server: Awaited<ReturnType<typeof startServer>>,
  db: pg.Client,
  p: Awaited<ReturnType<typeof prepare>>,
  connections: number,
  seconds: number,
): Promise<ApiFigures> {
  const cpu = () => server.pids.reduce((sum, pid) => sum + cpuMsOf(pid), 0)
  const cpuBefore = cpu()
  const load = await loadApi(server.base, p, connections, seconds)
  const stopped = performance.now()
  while ((await undeliveredEvents(db)) > 0 && performance.now() - stopped < 300_000) await new Promise((r) => setTimeout(r, 100))
  const catchUpSeconds = (performance.now() - stopped) / 1000
  const tickets = load.perSecond * seconds
  return { ...load, cpuMsPerTicket: tickets ? (cpu() - cpuBefore) / tickets : NaN, catchUpSeconds }
}

async function loadApi(base: string, p: Awaited<ReturnType<typeof prepare>>, connections: number, seconds: number): Promise<Figures> {
  let n = 0
  const result = await autocannon({
    url: `${base}/api/tickets`,
    connections,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        headers: { authorization: `Bearer ${p.token}`, 'content-type': 'application/json' },
        setupRequest: (req) => ({
          ...req,
          body: JSON.stringify({
            subject: `净水器底部漏水且滤芯提醒灯异常闪烁，申请上门检修（订单AQ500） #${++n}`,
            description,
            typeId: p.typeId,
            channel: 'api',
            ...(p.customerId ? { customerId: p.customerId } : {}),
          }),
        }),
      },
    ],
  })
  return {
    perSecond: result['2xx'] / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    errors: result.errors + result.non2xx,
  }
}

function pgbench(connections: number, seconds: number, logDir: string): Figures {
  const run = spawnSync(
    'pgbench',
    ['-n', '-f', join(ceilingDir, 'create_ticket.sql'), '-c', String(connections), '-j', '2', '-T', String(seconds), '-M', 'prepared']
      .concat(logDir ? ['-l', '--log-prefix', join(logDir, 'tx')] : [])
      .concat([urlOf(ceilingDb)]),
    { encoding: 'utf8' },
  )
  if (run.status !== 0) throw new Error(`pgbench failed:\n${run.stderr}`)
  const tps = Number(/tps = ([\d.]+)/.exec(run.stdout)?.[1])
  const failed = Number(/number of failed transactions: (\d+)/.exec(run.stdout)?.[1] ?? 0)
  // per-transaction log lines: client_id transaction_no time_us script_no epoch epoch_us
  const latencies: number[] = []
  if (logDir)
    for (const f of readdirSync(logDir)) {
      for (const line of readFileSync(join(logDir, f), 'utf8').split('\n')) {
        const us = Number(line.split(' ')[2])
        if (Number.isFinite(us) && line) latencies.push(us / 1000)
      }
      rmSync(join(logDir, f))
    }
  latencies.sort((a, b) => a - b)
  return { perSecond: tps, p50: pct(latencies, 50), p99: pct(latencies, 99), errors: failed }
}

function psql(file: string) {
  const run = spawnSync('psql', ['-v', 'ON_ERROR_STOP=1', '-q', '-d', urlOf(ceilingDb), '-f', join(ceilingDir, file)], { encoding: 'utf8' })
  if (run.status !== 0) throw new Error(`psql -f ${file} failed:\n${run.stderr}`)
}

/** Tickets per second counting the worker's catch-up: the rate the whole system can keep up. */
const sustained = (f: ApiFigures) => (f.perSecond * duration) / (duration + f.catchUpSeconds)

const admin = new pg.Client({ connectionString: serverUrl })
await admin.connect()
const dataDir = mkdtempSync(join(tmpdir(), 'aftercare-bench-create-'))
const logDir = mkdtempSync(join(tmpdir(), 'aftercare-bench-pgbench-'))
const api: ApiFigures[] = []
const ceiling: Figures[] = []
let created: { tickets: number; duplicateNumbers: number } | undefined
try {
  const [{ server_version: version } = { server_version: '?' }] = (await admin.query<{ server_version: string }>('show server_version'))
    .rows
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, PostgreSQL ${version}`)
  console.log(`clients ${clientCounts.join(', ')}; ${duration} s each after a ${warmup} s warm-up\n`)

  await admin.query(`create database ${apiDb}`)
  const server = await startServer(urlOf(apiDb), dataDir)
  const watch = new pg.Client({ connectionString: urlOf(apiDb) })
  await watch.connect()
  try {
    const prepared = await prepare(server.base)
    for (const c of clientCounts) {
      if (warmup > 0) await measureApi(server, watch, prepared, c, warmup)
      const f = await measureApi(server, watch, prepared, c, duration)
      api.push(f)
      console.log(
        `API   ${String(c).padStart(3)} clients: ${f.perSecond.toFixed(0)} tickets/s, p50 ${f.p50} ms, p99 ${f.p99} ms, ` +
          `${f.cpuMsPerTicket.toFixed(1)} ms CPU per ticket, worker caught up ${f.catchUpSeconds.toFixed(1)} s after the load ` +
          `(${sustained(f).toFixed(0)} tickets/s with all their work done)`,
      )
    }
  } finally {
    await watch.end()
    await server.stop()
  }
  const check = new pg.Client({ connectionString: urlOf(apiDb) })
  await check.connect()
  const [row] = (
    await check.query<{ tickets: number; duplicates: number }>(
      `select count(*)::int as tickets, (count(*) - count(distinct (tenant_id, number)))::int as duplicates
       from tickets where subject like '净水器底部漏水%'`,
    )
  ).rows
  await check.end()
  created = { tickets: row?.tickets ?? 0, duplicateNumbers: row?.duplicates ?? 0 }

  await admin.query(`create database ${ceilingDb}`)
  psql('00_schema.sql')
  if (args['ceiling-load']) {
    const t = performance.now()
    psql('01_load_1m.sql')
    console.log(`ceiling: 1,000,000 tickets loaded in ${((performance.now() - t) / 1000).toFixed(0)} s`)
  }
  for (const c of clientCounts) {
    if (warmup > 0) pgbench(c, warmup, '')
    const f = pgbench(c, duration, logDir)
    ceiling.push(f)
    console.log(
      `pgbench ${String(c).padStart(3)} clients: ${f.perSecond.toFixed(0)} tx/s, p50 ${f.p50.toFixed(1)} ms, p99 ${f.p99.toFixed(1)} ms`,
    )
  }
} finally {
  await admin.query(`drop database if exists ${apiDb} with (force)`)
  await admin.query(`drop database if exists ${ceilingDb} with (force)`)
  await admin.end()
  rmSync(dataDir, { recursive: true, force: true })
  rmSync(logDir, { recursive: true, force: true })
}

console.log(
  `\nCreate a ticket: API (HTTP, token auth, ${args.split ? 'HTTP and worker processes' : 'HTTP + worker in one process'}) vs the database alone (pgbench -M prepared)`,
)
console.log(
  'clients'.padEnd(8) +
    'API/s'.padStart(8) +
    'p50 ms'.padStart(8) +
    'p99 ms'.padStart(8) +
    'errors'.padStart(8) +
    'done/s'.padStart(8) +
    '  │' +
    'DB tx/s'.padStart(9) +
    'p50 ms'.padStart(8) +
    'p99 ms'.padStart(8) +
    '  │' +
    'API/DB'.padStart(8),
)
clientCounts.forEach((c, i) => {
  const a = api[i]!
  const d = ceiling[i]!
  console.log(
    String(c).padEnd(8) +
      a.perSecond.toFixed(0).padStart(8) +
      a.p50.toFixed(1).padStart(8) +
      a.p99.toFixed(1).padStart(8) +
      String(a.errors).padStart(8) +
      sustained(a).toFixed(0).padStart(8) +
      '  │' +
      d.perSecond.toFixed(0).padStart(9) +
      d.p50.toFixed(1).padStart(8) +
      d.p99.toFixed(1).padStart(8) +
      '  │' +
      `${((100 * a.perSecond) / d.perSecond).toFixed(0)}%`.padStart(8),
  )
})
const at8 = clientCounts.indexOf(8)
if (at8 >= 0)
  console.log(
    `goal at 8 clients (≥ 50% of the ceiling, p99 < 50 ms): ${
      api[at8]!.perSecond >= ceiling[at8]!.perSecond / 2 && api[at8]!.p99 < 50 ? 'met' : 'NOT met'
    }`,
  )
console.log("done/s: tickets per second with the worker's share done too (SLA clocks, notifications, webhooks): load + catch-up time")
console.log(
  `tickets created through the API: ${created?.tickets ?? 0}, duplicate numbers: ${created?.duplicateNumbers ?? 0}` +
    (created?.duplicateNumbers ? '  ← WRONG' : ''),
)
