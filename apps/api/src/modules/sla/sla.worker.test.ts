// SLA end to end with the real worker machinery: the outbox delivery hands ticket events to the SLA
// listener, the listener schedules pg-boss timers, the job queue runs them at the due instants.
// On PostgreSQL two workers (each with its own connection pool, job queue and outbox delivery)
// share the work, and a retried job runs once more: every warning and breach is raised exactly once.
// A service contract added after a ticket opened reaches it through the devices module's event:
// its policy moves once, however many workers see the event.
import type { TicketSla } from '@aftercare/contracts'
import type { DeliveredEvent } from '../../platform/events/types.ts'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createModules } from '../../modules.ts'
import type { Database } from '../../platform/db/index.ts'
import { createOutboxDelivery, type OutboxDelivery } from '../../platform/events/delivery.ts'
import { createJobQueue, type JobQueue } from '../../platform/jobs/job-queue.ts'
import { createRealtimePublisher } from '../../platform/realtime/publisher.ts'
import { loginAs, signIn } from '../../test/factories.ts'
import { createTestRuntime, openTestDatabase, testConfig, type TestRuntime } from '../../test/harness.ts'
import { deliveredEvents } from '../notifications/notifications.fixture.ts'
import { buildTicketWorld, ok, type TicketWorld } from '../tickets/tickets.fixtures.ts'

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })
// The job queue compares start times with the database's clock as well as the application's:
// the scenario runs in the future (a P0 ticket on the 7×24 policy), so timers wait for the test clock.
const base = new Date(Math.ceil((Date.now() + 30 * 86_400_000) / 60_000) * 60_000)
const plus = (minutes: number) => new Date(base.getTime() + minutes * 60_000)

const jobSchema = `pgboss_sla_${process.pid}_${Date.now().toString(36)}`

interface Worker {
  database: Database
  queue: JobQueue
  delivery: OutboxDelivery
  modules: ReturnType<typeof createModules>
  ownsDatabase: boolean
}

/** A worker process as worker.ts builds one: its own modules, job queue and outbox delivery. */
async function startWorker(rt: TestRuntime, tenantId: string, database: Database, ownsDatabase: boolean): Promise<Worker> {
  // Its own pg-boss schema: other test files on the same PostgreSQL database schedule SLA timers
  // too, and this worker would run them at its own (future) clock.
  const queue = createJobQueue({ database, clock: rt.clock, log, schema: jobSchema })
  const modules = createModules({
    config: testConfig(),
    database,
    clock: rt.clock,
    log,
    jobs: queue,
    realtime: createRealtimePublisher(database),
  })
  // Without the cron sweeps: they act on every tenant in the database, and on PostgreSQL (shared with the
  // other test files) they would raise those files' SLA thresholds and send their notifications at this
  // file's clock, a month ahead.
  await queue.start(
    modules.jobs.filter((j) => !j.cron),
    { worker: true },
  )
  const delivery = createOutboxDelivery({ database, clock: rt.clock, log, listeners: modules.listeners, tenantIds: [tenantId] })
  return { database, queue, delivery, modules, ownsDatabase }
}

async function stopWorker(w: Worker | undefined) {
  if (!w) return
  await w.delivery.stop()
  await w.queue.stop()
  if (w.ownsDatabase) await w.database.close()
}

/** Every worker at once, until none of them finds anything left to do. */
async function drainAll(workers: Worker[]) {
  for (let round = 0; round < 20; round++) {
    const done = await Promise.all(workers.flatMap((w) => [w.delivery.drain(), w.queue.drain()]))
    if (done.every((n) => n === 0)) return
  }
}

async function scenario(rt: TestRuntime, world: TicketWorld, workers: Worker[]) {
  let agent = world.agent
  const at = async (minutes: number) => {
    rt.clock.set(plus(minutes))
    agent = await signIn(rt, world.tenant, agent.user)
  }
  const drain = () => drainAll(workers)
  await at(0)
  const t = await ok<{ id: string }>(
    agent.post('/api/tickets', { subject: '生产线停机', typeId: world.types.repair, customerId: world.customerB, priority: 'P0' }),
    201,
  )
  await drain()
  const sla = await ok<TicketSla>(agent.get(`/api/sla/tickets/${t.id}`))
  expect(sla.clocks.map((c) => c.target).sort()).toEqual(['first_response', 'resolution'])
  const fr = sla.clocks.find((c) => c.target === 'first_response')!
  // P0: first response within 10 minutes, 7×24, warned at 8 minutes.
  expect(fr.dueAt).toBe(plus(10).toISOString())
  expect(fr.warnAt).toBe(plus(8).toISOString())
  // Before the warning nothing fires; past it and the deadline the timers fire on the workers' drains.
  await at(5)
  await drain()
  expect(await rt.database.query(`select 1 from outbox where aggregate_id = $1 and type like 'sla.%'`, [t.id])).toEqual([])
  await at(11)
  await drain()
  // A retried job (the platform re-runs a job whose acknowledgement was lost) finds nothing to raise.
  const retried = await Promise.all(
    workers.map((w) =>
      w.modules.sla.timers.check({
        tenantId: world.tenant.id,
        clockId: fr.id,
        cycle: 1,
        kind: 'breach',
        at: new Date(fr.dueAt!).getTime(),
      }),
    ),
  )
  expect(retried.flat()).toEqual([])
  await Promise.all(workers.map((w) => w.modules.sla.timers.sweep({ tenantIds: [world.tenant.id] })))

  const raised = await rt.database.query<{ type: string; target: string; n: number }>(
    `select type, payload->>'target' as target, count(*)::int as n from outbox
     where aggregate_id = $1 and type in ('sla.warning', 'sla.breached') group by 1, 2 order by 1, 2`,
    [t.id],
  )
  expect(raised).toEqual([
    { type: 'sla.breached', target: 'first_response', n: 1 },
    { type: 'sla.warning', target: 'first_response', n: 1 },
  ])
  const after = await ok<TicketSla>(agent.get(`/api/sla/tickets/${t.id}`))
  expect(after.summary).toBe('breached')
  // The escalation requests were delivered through the outbox like any event.
  const esc = await rt.database.query<{ n: number }>(
    `select count(*)::int as n from outbox where aggregate_id = $1 and type = 'sla.escalation_requested'`,
    [t.id],
  )
  expect(esc[0]!.n).toBe(2)
  // …and carried out once each: the supervisor is @mentioned on the warning and on the breach.
  const carried = await rt.database.query<{ trigger: string; action: string; outcome: string }>(
    `select trigger, action, outcome from sla_escalations where ticket_id = $1 order by trigger`,
    [t.id],
  )
  expect(carried).toEqual([
    { trigger: 'breach', action: 'notify_supervisor', outcome: 'done' },
    { trigger: 'warning', action: 'notify_supervisor', outcome: 'done' },
  ])
  const mentions = await rt.database.query<{ n: number }>(
    `select count(*)::int as n from outbox where aggregate_id = $1 and type = 'ticket.mentioned'`,
    [t.id],
  )
  expect(mentions[0]!.n).toBe(2)
}

/** A gold contract for a standard customer's device, added after its ticket opened: the ticket moves to gold service once. */
async function contractScenario(rt: TestRuntime, world: TicketWorld, workers: Worker[]) {
  rt.clock.set(plus(60))
  const admin = await signIn(rt, world.tenant, world.admin.user)
  const product = await ok<{ id: string }>(
    admin.post('/api/products', { model: 'RF-200', name: '冷柜', category: '制冷', warrantyMonths: 12 }),
    201,
  )
  const device = await ok<{ id: string }>(
    admin.post('/api/devices', { serialNumber: `SN-W-${Date.now()}`, productId: product.id, customerId: world.customerB }),
    201,
  )
  const t = await ok<{ id: string }>(
    admin.post('/api/tickets', {
      subject: '冷柜不制冷',
      typeId: world.types.repair,
      customerId: world.customerB,
      deviceId: device.id,
      priority: 'P2',
    }),
    201,
  )
  await drainAll(workers)
  const policy = async () => (await ok<TicketSla>(admin.get(`/api/sla/tickets/${t.id}`))).policy?.name
  expect(await policy()).toBe('基础服务')
  const day = (minutes: number) => plus(minutes).toISOString().slice(0, 10)
  await ok(
    admin.post('/api/contracts', {
      customerId: world.customerB,
      name: '金牌维保',
      startsOn: day(-2 * 1440),
      endsOn: day(2 * 1440),
      slaTier: 'gold',
      deviceIds: [device.id],
    }),
    201,
  )
  await drainAll(workers)
  expect(await policy()).toBe('高级服务')
  // The same event delivered again to every worker at once (a lost acknowledgement) changes nothing more.
  const [e] = await rt.database.query<{
    id: string
    tenant_id: string
    aggregate_id: string
    payload: Record<string, unknown>
    actor_id: string
  }>(`select * from outbox where tenant_id = $1 and type = 'contract.created' order by created_at desc limit 1`, [world.tenant.id])
  const event: DeliveredEvent = {
    id: e!.id,
    tenantId: e!.tenant_id,
    type: 'contract.created',
    aggregateType: 'service_contract',
    aggregateId: e!.aggregate_id,
    payload: e!.payload,
    actorId: e!.actor_id,
    createdAt: plus(60),
  }
  await Promise.all(workers.map((w) => w.modules.listeners.find((l) => l.name === 'sla.contract-tiers')!.handle(event)))
  const audited = await rt.database.query<{ n: number }>(
    `select count(*)::int as n from audit_log where entity_id = $1 and action = 'sla.policy_reselected'`,
    [t.id],
  )
  expect(audited[0]!.n).toBe(1)
  expect(await policy()).toBe('高级服务')
}

/** Tickets created together: the workers take their events in batches, and each ticket gets its clocks and timers. */
async function batchScenario(rt: TestRuntime, world: TicketWorld, workers: Worker[]) {
  rt.clock.set(plus(200))
  const agent = await signIn(rt, world.tenant, world.agent.user)
  const created = await Promise.all(
    ['甲', '乙', '丙', '丁'].map((k, i) =>
      ok<{ id: string }>(
        agent.post('/api/tickets', {
          subject: `批量停机 ${k}`,
          typeId: world.types.repair,
          customerId: world.customerB,
          priority: i % 2 ? 'P1' : 'P0',
        }),
        201,
      ),
    ),
  )
  await drainAll(workers)
  const ids = created.map((t) => t.id)
  const clockIds: string[] = []
  for (const t of created) {
    const sla = await ok<TicketSla>(agent.get(`/api/sla/tickets/${t.id}`))
    expect(sla.clocks.map((c) => c.target).sort()).toEqual(['first_response', 'resolution'])
    clockIds.push(...sla.clocks.map((c) => c.id))
  }
  // a warning and a breach check queued per clock
  const [timers] = await rt.database.query<{ n: number }>(
    `select count(distinct (data->>'clockId', data->>'kind'))::int as n from ${jobSchema}.job
     where name = 'sla.checkClock' and data->>'clockId' = any($1::text[])`,
    [clockIds],
  )
  expect(timers!.n).toBe(clockIds.length * 2)
  // registered in batches: fewer transactions than tickets
  const [registered] = await rt.database.query<{ n: number }>(
    `select count(distinct xmin::text)::int as n from sla_tickets where ticket_id::text = any($1::text[])`,
    [ids],
  )
  expect(registered!.n).toBeLessThanOrEqual(workers.length)
  // the same events again, to every worker at once (lost acknowledgements): nothing more
  const again = await deliveredEvents(rt, `type = 'ticket.created' and aggregate_id = any($1::text[])`, [ids])
  expect(again).toHaveLength(ids.length)
  await Promise.all(workers.map((w) => w.modules.listeners.find((l) => l.name === 'sla.ticket-clocks')!.handleMany!(again)))
  const [clocks] = await rt.database.query<{ n: number }>(
    `select count(*)::int as n from sla_clocks where subject_id::text = any($1::text[])`,
    [ids],
  )
  expect(clocks!.n).toBe(clockIds.length)
}

describe('SLA with the real worker (embedded database, one worker)', () => {
  let rt: TestRuntime
  let world: TicketWorld
  let worker: Worker | undefined
  beforeAll(async () => {
    rt = await createTestRuntime({ clock: base, config: { LOGIN_RATE_LIMIT_PER_MINUTE: '100000' } })
    world = await buildTicketWorld(rt)
    await loginAs(rt, world.tenant, 'supervisor')
    worker = await startWorker(rt, world.tenant.id, rt.database, false)
  })
  afterAll(async () => {
    await stopWorker(worker)
    await rt?.close()
  })

  it('events reach the SLA listener, timers raise the warning and the breach once', async () => {
    await scenario(rt, world, [worker!])
  })

  it('a contract added after a ticket opened moves its policy once', async () => {
    await contractScenario(rt, world, [worker!])
  })

  it('tickets created together are registered together, each with its clocks and timers', async () => {
    await batchScenario(rt, world, [worker!])
  })
})

describe.runIf(!!process.env.TEST_DATABASE_URL)('SLA with two workers on PostgreSQL', () => {
  let rt: TestRuntime
  let world: TicketWorld
  const workers: Worker[] = []
  beforeAll(async () => {
    rt = await createTestRuntime({ clock: base, config: { LOGIN_RATE_LIMIT_PER_MINUTE: '100000' } })
    world = await buildTicketWorld(rt)
    await loginAs(rt, world.tenant, 'supervisor')
    for (let i = 0; i < 2; i++) workers.push(await startWorker(rt, world.tenant.id, await openTestDatabase(), true))
  })
  afterAll(async () => {
    for (const w of workers) await stopWorker(w)
    await rt?.close()
  })

  it('two workers and a retried job still raise each warning and breach exactly once', async () => {
    await scenario(rt, world, workers)
  })

  it('two workers and a redelivered contract event still move the policy once', async () => {
    await contractScenario(rt, world, workers)
  })

  it('two workers take tickets created together in batches, each ticket with its clocks and timers', async () => {
    await batchScenario(rt, world, workers)
  })
})
