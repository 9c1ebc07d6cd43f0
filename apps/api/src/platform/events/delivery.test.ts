// Outbox delivery on a real database (a PGlite clone, or PostgreSQL with TEST_DATABASE_URL): events
// reach every listener that hears them, in order per aggregate; a worker killed between a listener's
// effect and its acknowledgement loses nothing and doubles nothing; a failing listener retries with
// backoff, then dead-letters without re-running the others; two workers on PostgreSQL share the work.
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import pino from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { manualClock } from '../clock.ts'
import { rows, type Database } from '../db/index.ts'
import { openTestDatabase } from '../../test/harness.ts'
import { listDeadDeliveries, outboxBacklog, redeliverDead } from './dead-letters.ts'
import { checkListeners, createOutboxDelivery, retryDelayMs, type OutboxDelivery } from './delivery.ts'
import { processedOnce } from './idempotency.ts'
import { createOutbox } from './outbox.ts'
import type { DeliveredEvent, EventListener } from './types.ts'

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })
const outbox = createOutbox()
const never = new Promise<never>(() => {})

async function createTenant(database: Database) {
  const slug = `ev-${randomUUID().slice(0, 8)}`
  const [row] = await database.query<{ id: string }>('insert into tenants (slug, name) values ($1, $2) returning id', [slug, '事件测试'])
  return row!.id
}

async function publish(database: Database, tenantId: string, type: string, aggregateId?: string, opts: { rollback?: boolean } = {}) {
  let id = ''
  await database
    .withTenant(tenantId, async (tx) => {
      id = await outbox.publish(tx, { tenantId, type, aggregateType: 'ticket', aggregateId, payload: { note: '打印机卡纸' } })
      if (opts.rollback) throw new Error('rolled back on purpose')
    })
    .catch((e: Error) => {
      if (!opts.rollback) throw e
    })
  return id
}

/** A listener that records every call (what a test inspects) and can be told to fail or hang. */
function recorder(name: string, events: EventListener['events'], behave: (e: DeliveredEvent) => Promise<void> = async () => {}) {
  const calls: DeliveredEvent[] = []
  const listener: EventListener = {
    name,
    events,
    async handle(e) {
      calls.push(e)
      await behave(e)
    },
  }
  return { listener, calls }
}

async function waitFor(check: () => Promise<boolean> | boolean, ms = 20_000) {
  const until = Date.now() + ms
  while (!(await check())) {
    if (Date.now() > until) throw new Error('timed out waiting')
    await new Promise((r) => setTimeout(r, 25))
  }
}

describe('event listeners', () => {
  it('must have unique names, events and a handler', () => {
    const handle = () => Promise.resolve()
    expect(() =>
      checkListeners([
        { name: 'a.x', events: '*', handle },
        { name: 'a.x', events: ['t'], handle },
      ]),
    ).toThrow(/declared twice/)
    expect(() => checkListeners([{ name: 'a.x', events: [], handle }])).toThrow(/hears no events/)
    expect(() => checkListeners([{ name: 'a.x', events: '*' } as unknown as EventListener])).toThrow(/no handle/)
  })

  it('back off exponentially with jitter, up to a ceiling', () => {
    const o = { retryBaseMs: 5_000, retryMaxMs: 3_600_000 }
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, o, () => 1))).toEqual([5_000, 10_000, 20_000, 40_000])
    expect(retryDelayMs(3, o, () => 0)).toBe(10_000)
    expect(retryDelayMs(30, o, () => 1)).toBe(3_600_000)
  })
})

describe('outbox delivery', () => {
  let database: Database
  let tenantId: string
  const clock = manualClock(new Date())
  const workers: OutboxDelivery[] = []
  const worker = (listeners: EventListener[], o: Partial<Parameters<typeof createOutboxDelivery>[0]> = {}) => {
    const w = createOutboxDelivery({ database, clock, log, listeners, tenantIds: [tenantId], ...o })
    workers.push(w)
    return w
  }

  beforeAll(async () => {
    database = await openTestDatabase()
    await database.query(`create table if not exists test_listener_effects (
      listener text not null, event_id uuid not null, tenant_id uuid not null, at timestamptz not null default now())`)
  })
  afterAll(async () => {
    for (const w of workers) await w.stop(0)
    await database?.close()
  })

  const effects = async (listener: string) =>
    (
      await database.query<{ event_id: string }>(
        'select event_id from test_listener_effects where listener = $1 and tenant_id = $2 order by at',
        [listener, tenantId],
      )
    ).map((r) => r.event_id)

  it('delivers committed events to every listener that hears them, in order per aggregate', async () => {
    tenantId = await createTenant(database)
    const tickets = recorder('test.tickets', ['ticket.created', 'ticket.updated'])
    const all = recorder('test.all', '*')
    const w = worker([tickets.listener, all.listener])
    const a = randomUUID()
    const b = randomUUID()
    const ids = [
      await publish(database, tenantId, 'ticket.created', a),
      await publish(database, tenantId, 'ticket.created', b),
      await publish(database, tenantId, 'ticket.updated', a),
      await publish(database, tenantId, 'customer.merged'),
      await publish(database, tenantId, 'ticket.updated', a),
    ]
    await publish(database, tenantId, 'ticket.created', randomUUID(), { rollback: true })

    expect(await w.drain()).toBe(9)
    // Each listener gets what it hears, once; events about one aggregate in the order they were raised.
    expect(tickets.calls.map((e) => e.id).sort()).toEqual([ids[0], ids[1], ids[2], ids[4]].sort())
    expect(all.calls.map((e) => e.id).sort()).toEqual([...ids].sort())
    for (const l of [tickets, all]) expect(l.calls.filter((e) => e.aggregateId === a).map((e) => e.id)).toEqual([ids[0], ids[2], ids[4]])
    expect(tickets.calls[0]).toMatchObject({
      tenantId,
      type: 'ticket.created',
      aggregateType: 'ticket',
      aggregateId: a,
      payload: { note: '打印机卡纸' },
    })
    expect(tickets.calls[0]!.createdAt).toBeInstanceOf(Date)
    const undelivered = await database.query(`select id from outbox where tenant_id = $1 and delivered_at is null`, [tenantId])
    expect(undelivered).toEqual([])
    expect(await w.drain()).toBe(0)
  })

  it('finishes an event nobody hears at once', async () => {
    const w = worker([recorder('test.nobody', ['never.happens']).listener])
    const id = await publish(database, tenantId, 'ticket.viewed', randomUUID())
    await w.drain()
    const [row] = await database.query<{ delivered_at: Date | null }>('select delivered_at from outbox where id = $1', [id])
    expect(row?.delivered_at).toBeInstanceOf(Date)
  })

  it('loses nothing and does nothing twice when the worker dies between an effect and its acknowledgement', async () => {
    tenantId = await createTenant(database)
    const name = 'test.visitReport'
    let crashOn: string | undefined
    // The listener's effect and its processedOnce record commit together; then (first worker only)
    // the process "dies" before the delivery is acknowledged.
    const listener = recorder(name, ['visit.completed'], async (e) => {
      await database.withTenant(e.tenantId, async (tx) => {
        if (!(await processedOnce(tx, name, e))) return
        await tx.execute(sql`insert into test_listener_effects (listener, event_id, tenant_id) values (${name}, ${e.id}, ${e.tenantId})`)
      })
      if (e.id === crashOn) await never
    })
    const visit = randomUUID()
    const ids: string[] = []
    for (let i = 0; i < 5; i++) ids.push(await publish(database, tenantId, 'visit.completed', visit))
    crashOn = ids[2]

    const first = worker([listener.listener], { workerId: 'first', leaseMs: 60_000 })
    void first.drain()
    await waitFor(async () => (await effects(name)).length === 3)
    await first.stop(0)
    expect(await effects(name)).toEqual(ids.slice(0, 3))

    // A new worker (the restarted process) waits for the dead worker's lease, then takes over.
    crashOn = undefined
    const second = worker([listener.listener], { workerId: 'second', leaseMs: 60_000 })
    expect(await second.drain()).toBe(0)
    clock.advance(60_001)
    expect(await second.drain()).toBe(3)

    expect(await effects(name)).toEqual(ids)
    // The third event really was delivered twice; its effect happened once.
    expect(listener.calls.map((e) => e.id)).toEqual([...ids.slice(0, 3), ...ids.slice(2)])
    const deliveries = await database.query<{ event_id: string; status: string; attempts: number }>(
      'select event_id, status, attempts from outbox_deliveries where listener = $1 and tenant_id = $2 order by event_seq',
      [name, tenantId],
    )
    expect(deliveries.map((d) => [d.status, d.attempts])).toEqual([
      ['delivered', 1],
      ['delivered', 1],
      ['delivered', 2],
      ['delivered', 1],
      ['delivered', 1],
    ])
  })

  it('retries a failing listener with backoff, then dead-letters it, without re-running the others', async () => {
    tenantId = await createTenant(database)
    clock.set(new Date())
    let smtpDown = true
    const mail = recorder('test.mail', ['ticket.created'], async () => {
      if (smtpDown) throw new Error('SMTP 550 mailbox unavailable')
    })
    const sla = recorder('test.sla', ['ticket.created'])
    const w = worker([mail.listener, sla.listener], { maxAttempts: 3, retryBaseMs: 5_000, random: () => 1 })
    const id = await publish(database, tenantId, 'ticket.created', randomUUID())

    expect(await w.drain()).toBe(2)
    expect(mail.calls).toHaveLength(1)
    clock.advance(4_900)
    expect(await w.drain()).toBe(0)
    clock.advance(200)
    expect(await w.drain()).toBe(1)
    expect(mail.calls).toHaveLength(2)
    clock.advance(9_900)
    expect(await w.drain()).toBe(0)
    clock.advance(200)
    expect(await w.drain()).toBe(1)
    clock.advance(24 * 3600_000)
    expect(await w.drain()).toBe(0)
    expect(mail.calls).toHaveLength(3)
    expect(sla.calls).toHaveLength(1)

    const dead = await listDeadDeliveries(database, { tenantId })
    expect(dead).toEqual([
      expect.objectContaining({
        eventId: id,
        listener: 'test.mail',
        type: 'ticket.created',
        attempts: 3,
        lastError: 'SMTP 550 mailbox unavailable',
      }),
    ])
    expect((await outboxBacklog(database)).dead).toBeGreaterThanOrEqual(1)
    const [finished] = await database.query<{ delivered_at: Date | null }>('select delivered_at from outbox where id = $1', [id])
    expect(finished?.delivered_at).toBeInstanceOf(Date)

    // The administrator fixes the mail server and redelivers the dead letter: only mail runs again.
    smtpDown = false
    expect(await redeliverDead(database, clock, { tenantId, listener: 'test.mail' })).toBe(1)
    expect(await w.drain()).toBe(1)
    expect(mail.calls).toHaveLength(4)
    expect(sla.calls).toHaveLength(1)
    expect(await listDeadDeliveries(database, { tenantId })).toEqual([])
  })

  it('hands a listener with handleMany its events together; when the batch fails, each alone, retrying only the one that fails', async () => {
    tenantId = await createTenant(database)
    clock.set(new Date())
    const batches: string[][] = []
    const alone: string[] = []
    let poisoned: string | undefined
    const listener: EventListener = {
      name: 'test.batched',
      events: ['ticket.created', 'ticket.updated'],
      async handle(e) {
        alone.push(e.id)
        if (e.id === poisoned) throw new Error('unreadable payload')
      },
      async handleMany(events) {
        batches.push(events.map((e) => e.id))
        if (events.some((e) => e.id === poisoned)) throw new Error('unreadable payload')
      },
    }
    const w = worker([listener], { random: () => 1, retryBaseMs: 5_000 })
    const a = randomUUID()
    const first = [
      await publish(database, tenantId, 'ticket.created', a),
      await publish(database, tenantId, 'ticket.created', randomUUID()),
      await publish(database, tenantId, 'ticket.created', randomUUID()),
    ]
    const later = await publish(database, tenantId, 'ticket.updated', a)
    expect(await w.drain()).toBe(4)
    // the claim holds one delivery per aggregate: a's update waits for its creation's batch
    expect(batches).toEqual([first])
    expect(alone).toEqual([later])

    const ok = [
      await publish(database, tenantId, 'ticket.created', randomUUID()),
      await publish(database, tenantId, 'ticket.created', randomUUID()),
    ]
    poisoned = await publish(database, tenantId, 'ticket.created', randomUUID())
    alone.length = 0
    expect(await w.drain()).toBe(3)
    expect(batches.at(-1)).toEqual([...ok, poisoned])
    expect(alone).toEqual([...ok, poisoned])
    const statuses = await database.query<{ event_id: string; status: string; attempts: number }>(
      'select event_id, status, attempts from outbox_deliveries where listener = $1 and tenant_id = $2 order by event_seq',
      [listener.name, tenantId],
    )
    expect(statuses.slice(-3).map((d) => [d.status, d.attempts])).toEqual([
      ['delivered', 1],
      ['delivered', 1],
      ['pending', 1],
    ])
    // the retry of the one that failed goes alone, as any retry
    poisoned = undefined
    clock.advance(5_001)
    expect(await w.drain()).toBe(1)
    expect(alone.at(-1)).toBe(statuses.at(-1)!.event_id)
  })

  it('is woken by the outbox notification instead of waiting for its next poll', async () => {
    tenantId = await createTenant(database)
    const heard = recorder('test.live', ['ticket.created'])
    const w = worker([heard.listener], { pollIntervalMs: 120_000 })
    await w.start()
    await new Promise((r) => setTimeout(r, 300))
    const id = await publish(database, tenantId, 'ticket.created', randomUUID())
    await waitFor(() => heard.calls.length === 1, 10_000)
    expect(heard.calls[0]!.id).toBe(id)
    await w.stop()
  })
})

describe.runIf(!!process.env.TEST_DATABASE_URL)('two workers on PostgreSQL', () => {
  let a: Database
  let b: Database
  let tenantId: string

  beforeAll(async () => {
    a = await openTestDatabase()
    b = await openTestDatabase()
    tenantId = await createTenant(a)
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
  })

  it('deliver each event once per listener, in order per aggregate', async () => {
    const clock = manualClock(new Date())
    const calls: { worker: string; listener: string; event: string; aggregate: string | null }[] = []
    const listenersFor = (worker: string): EventListener[] =>
      ['test.first', 'test.second'].map((listener) => ({
        name: listener,
        events: ['ticket.updated'],
        async handle(e) {
          calls.push({ worker, listener, event: e.id, aggregate: e.aggregateId })
          await new Promise((r) => setTimeout(r, Math.random() * 5))
        },
      }))
    const w1 = createOutboxDelivery({
      database: a,
      clock,
      log,
      listeners: listenersFor('w1'),
      tenantIds: [tenantId],
      batchSize: 5,
      pollIntervalMs: 20,
    })
    const w2 = createOutboxDelivery({
      database: b,
      clock,
      log,
      listeners: listenersFor('w2'),
      tenantIds: [tenantId],
      batchSize: 5,
      pollIntervalMs: 20,
    })
    await Promise.all([w1.start(), w2.start()])
    const aggregates = Array.from({ length: 6 }, () => randomUUID())
    const published: { id: string; aggregate: string }[] = []
    await Promise.all(
      aggregates.map(async (aggregate) => {
        for (let i = 0; i < 10; i++) published.push({ id: await publish(a, tenantId, 'ticket.updated', aggregate), aggregate })
      }),
    )
    await waitFor(() => calls.length >= 120, 60_000)
    await new Promise((r) => setTimeout(r, 200))
    await Promise.all([w1.stop(), w2.stop()])

    expect(calls).toHaveLength(120)
    const perListener = (listener: string) => calls.filter((c) => c.listener === listener)
    for (const listener of ['test.first', 'test.second']) {
      expect(new Set(perListener(listener).map((c) => c.event)).size).toBe(60)
      for (const aggregate of aggregates) {
        const order = published.filter((p) => p.aggregate === aggregate).map((p) => p.id)
        expect(
          perListener(listener)
            .filter((c) => c.aggregate === aggregate)
            .map((c) => c.event),
        ).toEqual(order)
      }
    }
    // Both workers took part.
    expect(new Set(calls.map((c) => c.worker))).toEqual(new Set(['w1', 'w2']))
    const pending = await rows(a.db, sql`select 1 from outbox where tenant_id = ${tenantId} and delivered_at is null`)
    expect(pending).toEqual([])
  })
})
