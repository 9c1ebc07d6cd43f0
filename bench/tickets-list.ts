// Ticket list latency at 100,000 and 1,000,000 tickets (R2: "results in under 200 ms"): seeds one tenant with
// realistic Chinese tickets (jieba-tokenised subjects, descriptions and replies, spread over a year,
// every status), then times GET /api/tickets through the whole HTTP stack (session, RLS, zod, JSON)
// for the workbench's common lists, filters and keyword searches: p50 / p95 / max over N runs.
// Also compares the tsvector keyword search with pg_trgm ILIKE on the same words.
// Rows are generated in the database (insert … select from generate_series, 5,000 per statement).
// Run: npm run bench:tickets -- [--tickets 100000] [--runs 30] [--pg postgres://user@host:5432/postgres]
//   without --pg: embedded PGlite in a temporary directory; with --pg: a fresh database created on that
//   server for the run and dropped afterwards (the named database itself is not touched).
//   1,000,000 tickets: npm run bench:tickets:1m -- --pg … (PostgreSQL; PGlite holds it all in memory).
import { randomUUID } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { indexTokens } from '../apps/api/src/modules/tickets/search.ts'
import { loadConfig } from '../apps/api/src/platform/config.ts'
import { startRuntime } from '../apps/api/src/runtime.ts'

const flag = (name: string) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const total = Number(flag('--tickets') ?? 100_000)
const runs = Number(flag('--runs') ?? 30)
const pgServer = flag('--pg')
const benchDb = `aftercare_bench_list_${Date.now().toString(36)}_${process.pid}`
const pgUrl = pgServer ? Object.assign(new URL(pgServer), { pathname: `/${benchDb}` }).toString() : undefined
/** One statement on the --pg server's own database (creating and dropping the bench database). */
async function onServer(statement: string) {
  const c = new pg.Client({ connectionString: pgServer })
  await c.connect()
  try {
    await c.query(statement)
  } finally {
    await c.end()
  }
}
if (pgServer) await onServer(`create database ${benchDb}`)
const dataDir = mkdtempSync(join(tmpdir(), 'aftercare-bench-tickets-'))
const password = 'Bench-password-2026'

const config = loadConfig(
  {
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    ...(pgUrl ? { DATABASE_URL: pgUrl } : {}),
    SECRET_KEY: 'bench-secret-key-0123456789abcdef0123456789abcdef',
    LOG_LEVEL: 'warn',
    RATE_LIMIT_PER_MINUTE: '10000000',
    LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
    SEED_DEMO: 'never',
  },
  { persistSecret: false },
)

// ─── realistic text ───
const devices = [
  '空调',
  '打印机',
  '服务器',
  '交换机',
  '路由器',
  '投影仪',
  '电梯',
  '冷水机组',
  '门禁',
  '监控摄像头',
  '笔记本电脑',
  '数据库',
  '云主机',
  '复印机',
  'UPS电源',
  '净水器',
  '冰箱',
  '洗衣机',
  '收银机',
  '叉车',
]
const problems = [
  '无法开机',
  '频繁重启',
  '噪音很大',
  '不制冷',
  '卡纸',
  '无法连接网络',
  '显示屏花屏',
  '漏水',
  '报警灯常亮',
  '响应很慢',
  '宕机',
  '异常发热',
]
const places = ['三楼机房', '前台', '二号车间', '会议室', '仓库', '总部大楼', '客房', '门店']
const replies = [
  '已安排工程师明天上午上门检修',
  '请提供设备序列号和故障照片',
  '已远程重启，请观察是否恢复',
  '备件已寄出，预计两天到达',
  '已升级至二线技术支持处理',
  'Firmware upgraded, please verify',
  '已更换主板，测试正常',
]
const english = [
  'ECS instance fails to start',
  'VPN connection drops every hour',
  'Printer driver installation error',
  'Backup job failed overnight',
]
const statuses = [
  'new',
  'assigned',
  'in_progress',
  'pending_customer',
  'pending_parts',
  'pending_third_party',
  'resolved',
  'closed',
  'cancelled',
] as const
const statusWeights = [6, 6, 10, 4, 3, 2, 9, 55, 5]

function templates() {
  const out: { subject: string; description: string; tokens: string }[] = []
  for (const d of devices)
    for (const p of problems) {
      const subject = `${d}${p}`
      const description = `${places[out.length % places.length]}的${d}${p}，影响正常使用，请尽快处理。`
      out.push({ subject, description, tokens: indexTokens(`${subject}\n${description}`) })
    }
  for (const e of english) out.push({ subject: e, description: `${e}. Customer reports it since yesterday.`, tokens: indexTokens(e) })
  return out
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!
}

const rt = await startRuntime({ config, http: true, worker: false }).catch(async (e: unknown) => {
  if (pgServer) await onServer(`drop database if exists ${benchDb} with (force)`)
  throw e
})
const db = rt.database
try {
  console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}, database ${db.kind}`)
  const tenant = await rt.modules.identity.createTenant({ slug: `bench-${randomUUID().slice(0, 8)}`, name: '压测企业' })
  const agent = await rt.modules.identity.createUser(tenant.id, { email: 'agent@bench.local', name: '客服', password, roles: ['agent_l2'] })
  const login = await rt.app!.inject({
    method: 'POST',
    url: '/api/auth/login',
    payload: { email: 'agent@bench.local', password, tenant: tenant.slug },
  })
  const cookie = login.cookies.find((c) => c.name === 'aftercare_session')!
  const headers = { cookie: `${cookie.name}=${cookie.value}` }

  // ─── seed ───
  const t0 = performance.now()
  const tpl = templates()
  await db.query(`create temporary table bench_tpl (i int primary key, subject text, description text, tokens text)`)
  await db.query(`create temporary table bench_reply (i int primary key, tokens text)`)
  for (const [i, t] of tpl.entries())
    await db.query(`insert into bench_tpl values ($1, $2, $3, $4)`, [i, t.subject, t.description, t.tokens])
  for (const [i, r] of replies.entries()) await db.query(`insert into bench_reply values ($1, $2)`, [i, indexTokens(r)])
  const types = ['repair', 'consult', 'install', 'maintenance', 'complaint']
  for (const code of types)
    await db.query(`insert into ticket_types (tenant_id, code, name, created_at) values ($1, $2, $2, now())`, [tenant.id, code])
  const typeIds = (await db.query<{ id: string }>(`select id from ticket_types where tenant_id = $1 order by code`, [tenant.id])).map(
    (r) => r.id,
  )
  for (let i = 0; i < 20; i++)
    await db.query(`insert into ticket_categories (tenant_id, name, created_at, updated_at) values ($1, $2, now(), now())`, [
      tenant.id,
      `分类${i}`,
    ])
  const categoryIds = (await db.query<{ id: string }>(`select id from ticket_categories where tenant_id = $1`, [tenant.id])).map(
    (r) => r.id,
  )
  for (let i = 0; i < 10; i++)
    await db.query(`insert into ticket_queues (tenant_id, name, created_at) values ($1, $2, now())`, [tenant.id, `服务组${i}`])
  const queueIds = (await db.query<{ id: string }>(`select id from ticket_queues where tenant_id = $1 order by name`, [tenant.id])).map(
    (r) => r.id,
  )
  await db.query(`insert into ticket_queue_members (tenant_id, queue_id, user_id) values ($1, $2, $3)`, [tenant.id, queueIds[0], agent.id])
  const assignees = [agent.id, ...Array.from({ length: 49 }, () => randomUUID())]
  const customers = Array.from({ length: 2000 }, () => randomUUID())
  const cumulative = statusWeights.map((_, i) => statusWeights.slice(0, i + 1).reduce((a, b) => a + b, 0))
  const batch = 5000
  for (let from = 0; from < total; from += batch) {
    const n = Math.min(batch, total - from)
    await db.query(
      `insert into tickets (tenant_id, number, subject, description, status, priority, impact, urgency, tier, channel, type_id, category_id,
         customer_id, device_id, queue_id, assignee_id, tags, custom_fields, created_at, updated_at, version, search_public, search_internal)
       select $1, 'SR-B-' || lpad(g::text, 7, '0'), t.subject, t.description,
         (array[${statuses.map((s) => `'${s}'`).join(',')}])[1 + (select count(*) from unnest($2::int[]) c where c <= (g::bigint * 7919) % 100)],
         (array['P0','P1','P2','P3','P4'])[1 + (g::bigint * 31) % 5], 1 + g % 5, 1 + g % 3, (array['L1','L1','L1','L2','L3'])[1 + g % 5],
         (array['workbench','portal','email','phone','qr'])[1 + g % 5],
         ($3::uuid[])[1 + g % ${typeIds.length}], ($4::uuid[])[1 + g % ${categoryIds.length}],
         ($5::uuid[])[1 + (g::bigint * 13) % ${customers.length}], case when g % 2 = 0 then gen_random_uuid() end,
         ($6::uuid[])[1 + g % ${queueIds.length}], case when g % 7 = 0 then null else ($7::uuid[])[1 + (g::bigint * 17) % ${assignees.length}] end,
         case when g % 10 = 0 then array['VIP'] else '{}' end, '{}'::jsonb,
         now() - ((g::bigint * 104729) % 31536000) * interval '1 second', now() - ((g::bigint * 104729) % 31536000) * interval '1 second' + (g % 86400) * interval '1 second', 1,
         t.tokens || case when g % 3 = 0 then ' ' || r.tokens else '' end, ''
       from generate_series($8::int, $9::int) g
       join bench_tpl t on t.i = g % ${tpl.length}
       join bench_reply r on r.i = g % ${replies.length}`,
      [tenant.id, cumulative.slice(0, -1), typeIds, categoryIds, customers, queueIds, assignees, from + 1, from + n],
    )
    process.stdout.write(`\rseeded ${from + n} tickets`)
  }
  await db.query('analyze tickets')
  console.log(`\nseeding ${total} tickets: ${((performance.now() - t0) / 1000).toFixed(1)} s`)
  const [dist] = await db.query<{ open: number }>(
    `select count(*) filter (where status not in ('resolved','closed','cancelled'))::int as open from tickets where tenant_id = $1`,
    [tenant.id],
  )
  console.log(`open tickets: ${dist!.open}`)

  // ─── measure ───
  const get = async (url: string) => {
    const t = performance.now()
    const res = await rt.app!.inject({ method: 'GET', url, headers })
    const ms = performance.now() - t
    if (res.statusCode !== 200) throw new Error(`${url} → ${res.statusCode} ${res.body}`)
    return { ms, body: res.json() as { items?: unknown[]; nextCursor?: string | null } }
  }
  const enc = encodeURIComponent
  const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString()
  const first = await get('/api/tickets?limit=50')
  const cases: [string, string][] = [
    ['default list (updated desc, 50)', '/api/tickets?limit=50'],
    ['page 2 by cursor', `/api/tickets?limit=50&cursor=${first.body.nextCursor}`],
    ['status open (new,assigned,in_progress)', '/api/tickets?status=new,assigned,in_progress'],
    ['priority P0,P1 + queue', `/api/tickets?priority=P0,P1&queueId=${queueIds[3]}`],
    ['tab my', '/api/tickets?tab=my'],
    ['tab unassigned', '/api/tickets?tab=unassigned'],
    ['tab queue', '/api/tickets?tab=queue'],
    ['customer', `/api/tickets?customerId=${customers[5]}`],
    [
      'type + category + created last 30 days',
      `/api/tickets?typeId=${typeIds[1]}&categoryId=${categoryIds[2]}&createdFrom=${enc(monthAgo)}`,
    ],
    ['tag VIP, sort priority asc', '/api/tickets?tag=VIP&sort=priority&order=asc'],
    ['keyword 打印机 (common: ~5%)', `/api/tickets?q=${enc('打印机')}`],
    ['keyword 打印机 卡纸 (AND)', `/api/tickets?q=${enc('打印机 卡纸')}`],
    ['keyword 备件 (from replies, ~5%)', `/api/tickets?q=${enc('备件')}`],
    ['keyword 处理 (very common: ~100%)', `/api/tickets?q=${enc('处理')}`],
    ['keyword ECS (English)', '/api/tickets?q=ECS'],
    ['keyword 电梯连接不上 (AND empty → OR)', `/api/tickets?q=${enc('电梯连接不上')}`],
    ['keyword + status open', `/api/tickets?q=${enc('空调')}&status=new,assigned,in_progress`],
    ['number exact', `/api/tickets?q=SR-B-0054321`],
    ['tab counts', '/api/tickets/counts'],
  ]
  console.log(`\nGET through the HTTP stack (app.inject), ${runs} runs after 3 warm-ups, ms:`)
  console.log(`${'query'.padEnd(44)} ${'p50'.padStart(7)} ${'p95'.padStart(7)} ${'max'.padStart(7)}  rows`)
  const summary: { name: string; p50: number; p95: number }[] = []
  for (const [name, url] of cases) {
    for (let i = 0; i < 3; i++) await get(url)
    const times: number[] = []
    let rows = 0
    for (let i = 0; i < runs; i++) {
      const r = await get(url)
      times.push(r.ms)
      rows = r.body.items?.length ?? 1
    }
    summary.push({ name, p50: pct(times, 50), p95: pct(times, 95) })
    console.log(
      `${name.padEnd(44)} ${pct(times, 50).toFixed(1).padStart(7)} ${pct(times, 95).toFixed(1).padStart(7)} ${Math.max(...times)
        .toFixed(1)
        .padStart(7)}  ${rows}`,
    )
  }
  const worst = summary.reduce((a, b) => (b.p95 > a.p95 ? b : a))
  console.log(`worst p95: ${worst.p95.toFixed(1)} ms (${worst.name}); target < 200 ms: ${worst.p95 < 200 ? 'met' : 'NOT met'}`)

  // ─── tsvector vs pg_trgm for the keyword ───
  console.log(
    '\nkeyword search in SQL alone (owner connection, 50 newest matches), tsvector (jieba tokens, GIN) vs pg_trgm ILIKE on subject+description (GIN):',
  )
  await db.query("create index if not exists bench_tickets_text_trgm on tickets using gin ((subject || ' ' || description) gin_trgm_ops)")
  await db.query('analyze tickets')
  for (const word of ['打印机', '备件', 'ECS', '冷水机组']) {
    const time = async (sql: string, params: unknown[]) => {
      for (let i = 0; i < 2; i++) await db.query(sql, params)
      const ts: number[] = []
      let n = 0
      for (let i = 0; i < Math.min(runs, 15); i++) {
        const t = performance.now()
        n = (await db.query(sql, params)).length
        ts.push(performance.now() - t)
      }
      return { p50: pct(ts, 50), n }
    }
    const tsv = await time(
      `select id from tickets where tenant_id = $1 and (tsv_public @@ to_tsquery('simple', $2) or tsv_internal @@ to_tsquery('simple', $2)) order by updated_at desc, id desc limit 51`,
      [tenant.id, word.toLowerCase()],
    )
    const trgm = await time(
      `select id from tickets where tenant_id = $1 and (subject || ' ' || description) ilike $2 order by updated_at desc, id desc limit 51`,
      [tenant.id, `%${word}%`],
    )
    console.log(
      `  ${word.padEnd(6)} tsvector p50 ${tsv.p50.toFixed(1).padStart(6)} ms (${tsv.n} rows)   pg_trgm p50 ${trgm.p50.toFixed(1).padStart(7)} ms (${trgm.n} rows)`,
    )
  }
  await db.query('drop index bench_tickets_text_trgm')
} finally {
  await rt.close()
  rmSync(dataDir, { recursive: true, force: true })
  if (pgServer) await onServer(`drop database if exists ${benchDb} with (force)`)
}
