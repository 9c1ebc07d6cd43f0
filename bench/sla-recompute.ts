// SLA recomputation after a calendar change (R4): 100,000 open tickets opened over the last two
// days (two clocks each: first response 8 h and resolution 40 h, a fifth of them paused once) on the office calendar (Mon–Fri 9–12 and
// 13–18, Chinese holidays); an administrator adds a holiday; every open clock's due and warning
// instants are recomputed (what the `sla.recomputeCalendar` job runs). Prints the time, the
// throughput and the memory, checks a sample against the clock maths, writes bench/results/.
// Run: npm run bench:sla -- [--tickets 100000] [--batch 2000] [--pg postgres://…/db]
//   without --pg: embedded PGlite in a temporary directory; with --pg: that (empty or disposable) database.
import { randomUUID } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { compileCalendar } from '../apps/api/src/modules/sla/business-hours.ts'
import { toBusinessCalendar } from '../apps/api/src/modules/sla/calendar-loader.ts'
import { readClock } from '../apps/api/src/modules/sla/clock.ts'
import { instantsOf, timingOf } from '../apps/api/src/modules/sla/engine.ts'
import { ensureSlaDefaults } from '../apps/api/src/modules/sla/setup.ts'
import { calendarRepository, clockRepository } from '../apps/api/src/modules/sla/sla.repository.ts'
import { createAuditLog } from '../apps/api/src/platform/audit/audit-log.ts'
import { loadConfig } from '../apps/api/src/platform/config.ts'
import type { RequestContext } from '../apps/api/src/platform/http/access.ts'
import { startRuntime } from '../apps/api/src/runtime.ts'

const flag = (name: string) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? process.argv[i + 1] : undefined
}
const total = Number(flag('--tickets') ?? 100_000)
const batch = Number(flag('--batch') ?? 2000)
const pgUrl = flag('--pg')
const dataDir = mkdtempSync(join(tmpdir(), 'aftercare-bench-sla-'))
const mb = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10

const config = loadConfig(
  {
    NODE_ENV: 'production',
    DATA_DIR: dataDir,
    ...(pgUrl ? { DATABASE_URL: pgUrl } : {}),
    SECRET_KEY: 'bench-secret-key-0123456789abcdef0123456789abcdef',
    LOG_LEVEL: 'warn',
    SEED_DEMO: 'never',
  },
  { persistSecret: false },
)

const rt = await startRuntime({ config, http: false, worker: false })
try {
  const { database, modules } = rt
  const tenant = await modules.identity.createTenant({ slug: `bench-sla-${randomUUID().slice(0, 8)}`, name: 'SLA 基准租户' })
  const now = new Date()
  await database.withTenant(tenant.id, (tx) => ensureSlaDefaults(tx, tenant.id, now, createAuditLog()))
  const office = (await database.withTenant(tenant.id, (tx) => calendarRepository.findDefault(tx)))!
  const basic = (
    await database.query<{ id: string }>('select id from sla_policies where tenant_id = $1 and preset = $2', [tenant.id, 'basic'])
  )[0]!

  // ─── seed: tickets opened over the last two days, 20% paused once, in one statement per table ───
  let t0 = performance.now()
  const nowMs = now.getTime()
  await database.query(
    `insert into sla_tickets (ticket_id, tenant_id, number, customer_tier, priority, status, policy_id, created_at)
     select gen_random_uuid(), $1, 'SR-BENCH-' || lpad(i::text, 6, '0'), 'standard', 'P' || (i % 5), 'in_progress', $2,
       to_timestamp(($3::bigint - (i::bigint * 172800000 / $4::bigint)) / 1000.0)
     from generate_series(1, $4::int) as i`,
    [tenant.id, basic.id, nowMs, total],
  )
  for (const [target, minutes] of [
    ['first_response', 480],
    ['resolution', 2400],
  ] as const) {
    await database.query(
      `insert into sla_clocks (tenant_id, subject_type, subject_id, target, policy_id, calendar_id, spec, target_ms, warning_fraction,
         started_at, segments, state)
       select $1, 'ticket', t.ticket_id, $2, $3, $4, jsonb_build_object('minutes', $5::int), $5::bigint * 60000, 0.8, t.created_at,
         case when row_number() over (order by t.ticket_id) % 5 = 0
           then jsonb_build_array(
             jsonb_build_object('from', (extract(epoch from t.created_at) * 1000)::bigint, 'to', (extract(epoch from t.created_at) * 1000)::bigint + 3600000))
           else jsonb_build_array(jsonb_build_object('from', (extract(epoch from t.created_at) * 1000)::bigint, 'to', null)) end,
         case when row_number() over (order by t.ticket_id) % 5 = 0 then 'paused' else 'running' end
       from sla_tickets t where t.tenant_id = $1`,
      [tenant.id, target, basic.id, office.id, minutes],
    )
  }
  const seedMs = performance.now() - t0
  const clocks = (await database.query<{ n: number }>('select count(*)::int as n from sla_clocks where tenant_id = $1', [tenant.id]))[0]!.n
  // First computation of the due times (as if the clocks had been running all along).
  t0 = performance.now()
  await modules.sla.tickets.recomputeCalendar(tenant.id, office.id, { batchSize: batch })
  const firstMs = performance.now() - t0

  // ─── the change: an administrator adds a holiday tomorrow (Asia/Shanghai) ───
  const tomorrow = new Date(nowMs + 8 * 3600_000 + 86_400_000).toISOString().slice(0, 10)
  const ctx: RequestContext = {
    actor: {
      kind: 'session',
      userId: randomUUID(),
      tenantId: tenant.id,
      roles: ['admin'],
      permissions: new Set(),
      customerOrgId: null,
      locale: 'zh-CN',
    },
    requestId: 'bench',
    ip: '127.0.0.1',
  }
  t0 = performance.now()
  await modules.sla.calendars.putDay(ctx, office.id, tomorrow, { kind: 'holiday', name: '临时停工', hours: null }, undefined)
  const changeMs = performance.now() - t0

  // ─── the recomputation the queued job runs, with memory sampled after every batch ───
  const before = process.memoryUsage()
  let peakRss = before.rss
  let peakHeap = before.heapUsed
  const sample = () => {
    const m = process.memoryUsage()
    peakRss = Math.max(peakRss, m.rss)
    peakHeap = Math.max(peakHeap, m.heapUsed)
  }
  t0 = performance.now()
  const { clocks: recomputed, changed } = await modules.sla.tickets.recomputeCalendar(tenant.id, office.id, {
    batchSize: batch,
    onBatch: sample,
  })
  const recomputeMs = performance.now() - t0

  // ─── check a sample against the clock maths on the new calendar ───
  const matches = await database.withTenant(tenant.id, async (tx) => {
    const days = await calendarRepository.days(tx, office.id)
    const row = (await calendarRepository.find(tx, office.id))!
    const cal = compileCalendar(toBusinessCalendar(row, days))
    const some = await clockRepository.openOnCalendar(tx, office.id, null, 500)
    return some.every((c) => {
      const expected = instantsOf(readClock(cal, timingOf(c), c.targetMs, c.warningFraction, Date.now()))
      return (expected.dueAt?.getTime() ?? null) === (c.dueAt?.getTime() ?? null)
    })
  })
  const movedToHoliday = (
    await database.query<{ n: number }>(
      `select count(*)::int as n from sla_clocks where tenant_id = $1 and state = 'running'
       and (due_at at time zone 'Asia/Shanghai')::date = $2::date`,
      [tenant.id, tomorrow],
    )
  )[0]!.n

  const result = {
    when: new Date().toISOString(),
    database: database.kind,
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? null,
    node: process.version,
    tickets: total,
    clocks,
    batch,
    seedSeconds: Math.round(seedMs) / 1000,
    firstComputeSeconds: Math.round(firstMs) / 1000,
    calendarChangeRequestMs: Math.round(changeMs),
    recomputed,
    changed,
    recomputeSeconds: Math.round(recomputeMs) / 1000,
    clocksPerSecond: Math.round(recomputed / (recomputeMs / 1000)),
    rssBeforeMb: mb(before.rss),
    peakRssMb: mb(peakRss),
    heapBeforeMb: mb(before.heapUsed),
    peakHeapMb: mb(peakHeap),
    sampleMatchesClockMaths: matches,
    runningClocksStillDueOnTheNewHoliday: movedToHoliday,
  }
  console.log(`SLA recomputation after a calendar change (${result.database}, ${result.cpus} CPUs, ${result.node})`)
  console.log(`  ${total.toLocaleString('en-US')} open tickets, ${clocks.toLocaleString('en-US')} clocks, batches of ${batch}`)
  console.log(`  seed ${result.seedSeconds} s; first computation ${result.firstComputeSeconds} s`)
  console.log(`  holiday added (${tomorrow}) by the API in ${result.calendarChangeRequestMs} ms (recomputation queued as a job)`)
  console.log(
    `  recomputed ${recomputed.toLocaleString('en-US')} clocks (${changed.toLocaleString('en-US')} moved and written) in ${result.recomputeSeconds} s = ${result.clocksPerSecond.toLocaleString('en-US')} clocks/s`,
  )
  console.log(
    `  memory: RSS ${result.rssBeforeMb} → peak ${result.peakRssMb} MB; heap ${result.heapBeforeMb} → peak ${result.peakHeapMb} MB`,
  )
  console.log(`  sample of 500 matches the clock maths: ${matches}; running clocks still due on the new holiday: ${movedToHoliday}`)
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true })
  writeFileSync(new URL(`./results/sla-recompute-${result.database}.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`)
} finally {
  await rt.close()
  rmSync(dataDir, { recursive: true, force: true })
}
