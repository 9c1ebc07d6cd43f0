// The job queue on a real database (a PGlite clone, or PostgreSQL with TEST_DATABASE_URL): delays,
// singletons, transactional sends, retries with backoff into the dead-letter queue, cron, and the
// worker picking jobs up by itself.
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import pino from 'pino'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { manualClock, systemClock } from '../clock.ts'
import type { Database } from '../db/index.ts'
import { openTestDatabase } from '../../test/harness.ts'
import { checkJobDefinitions, createJobQueue, type JobQueue } from './job-queue.ts'
import type { JobDefinition } from './types.ts'

const log = pino({ level: 'silent' })
// Queue names of their own: on PostgreSQL, test files share pg-boss's schema.
const ns = `jobtest${randomUUID().slice(0, 8)}`

describe('job definitions', () => {
  const handler = () => Promise.resolve()
  it('stop the boot when a name is declared twice, malformed, or has no handler', () => {
    expect(() =>
      checkJobDefinitions([
        { name: 'sla.sweep', handler },
        { name: 'sla.sweep', handler },
      ]),
    ).toThrow(/declared twice/)
    expect(() => checkJobDefinitions([{ name: 'Sweep everything', handler }])).toThrow(/module\.verb/)
    expect(() => checkJobDefinitions([{ name: 'sla.sweep' } as unknown as JobDefinition])).toThrow(/no handler/)
    expect(() => checkJobDefinitions([{ name: 'sla.sweep.dead', handler }])).toThrow(/reserved/)
    expect(() =>
      checkJobDefinitions([
        { name: 'sla.sweep', handler },
        { name: 'sla.checkClock', handler },
      ]),
    ).not.toThrow()
  })
})

describe('job queue', () => {
  let database: Database
  let queue: JobQueue
  const clock = manualClock(new Date())
  const ran: { name: string; data: Record<string, unknown> }[] = []
  let failuresLeft = 0
  const echo = `${ns}.echo`
  const flaky = `${ns}.flaky`
  const nightly = `${ns}.nightly`

  beforeAll(async () => {
    database = await openTestDatabase()
    queue = createJobQueue({ database, clock, log })
    await queue.start(
      [
        { name: echo, handler: async (data) => void ran.push({ name: echo, data }) },
        {
          name: flaky,
          retryLimit: 2,
          retryDelaySeconds: 30,
          handler: async (data) => {
            ran.push({ name: flaky, data })
            if (failuresLeft-- > 0) throw new Error('printer offline')
          },
        },
        { name: nightly, cron: '0 2 * * *', handler: async () => void ran.push({ name: nightly, data: {} }) },
      ],
      { worker: true },
    )
  })
  afterAll(async () => {
    await queue?.stop()
    await database?.close()
  })

  const runs = (name: string) => ran.filter((r) => r.name === name)

  it('runs a sent job with its data when the worker drains', async () => {
    const id = await queue.send(echo, { ticketId: 't-1', 中文: '打印机卡纸' })
    expect(id).toMatch(/^[0-9a-f-]{36}$/)
    expect(await queue.drain()).toBe(1)
    expect(runs(echo).at(-1)?.data).toEqual({ ticketId: 't-1', 中文: '打印机卡纸' })
    expect(await queue.drain()).toBe(0)
  })

  it('holds a delayed job until its time on the application clock', async () => {
    const before = runs(echo).length
    await queue.send(echo, { n: 'in a minute' }, { startAfter: 60 })
    await queue.send(echo, { n: 'at a date' }, { startAfter: new Date(clock.now().getTime() + 3_600_000) })
    expect(await queue.drain()).toBe(0)
    clock.advance(61_000)
    expect(await queue.drain()).toBe(1)
    expect(runs(echo).at(-1)?.data).toEqual({ n: 'in a minute' })
    clock.advance(3_600_000)
    expect(await queue.drain()).toBe(1)
    expect(runs(echo).length).toBe(before + 2)
  })

  it('keeps one queued job per singleton key, and takes a new one once it ran', async () => {
    const first = await queue.send(echo, { k: 1 }, { singletonKey: 'ticket-42:breach', startAfter: 300 })
    expect(first).not.toBeNull()
    expect(await queue.send(echo, { k: 2 }, { singletonKey: 'ticket-42:breach', startAfter: 300 })).toBeNull()
    expect(await queue.send(echo, { k: 3 }, { singletonKey: 'ticket-43:breach', startAfter: 300 })).not.toBeNull()
    clock.advance(301_000)
    expect(await queue.drain()).toBe(2)
    expect(await queue.send(echo, { k: 4 }, { singletonKey: 'ticket-42:breach' })).not.toBeNull()
    expect(await queue.drain()).toBe(1)
  })

  it('runs a higher-priority job before jobs queued earlier', async () => {
    const before = runs(echo).length
    await queue.send(echo, { p: 'bulk 1' })
    await queue.send(echo, { p: 'bulk 2' })
    await queue.send(echo, { p: 'one-time code' }, { priority: 10 })
    expect(await queue.drain()).toBe(3)
    expect(
      runs(echo)
        .slice(before)
        .map((r) => r.data.p),
    ).toEqual(['one-time code', 'bulk 1', 'bulk 2'])
  })

  it('queues a batch in one go; a dedupe key already sent, in the batch or before, is one job', async () => {
    const at = new Date(clock.now().getTime() + 120_000)
    await queue.sendBatch(echo, [
      { data: { b: 1 }, startAfter: at, dedupeKey: 'clock-7:1:breach' },
      { data: { b: 2 }, startAfter: at, dedupeKey: 'clock-7:1:warning' },
      { data: { b: 3 }, startAfter: at, dedupeKey: 'clock-7:1:breach' },
      { data: { b: 4 } },
    ])
    await queue.sendBatch(echo, [{ data: { b: 5 }, startAfter: at, dedupeKey: 'clock-7:1:breach' }])
    expect(await queue.drain()).toBe(1)
    expect(runs(echo).at(-1)?.data).toEqual({ b: 4 })
    clock.advance(121_000)
    expect(await queue.drain()).toBe(2)
    expect(
      runs(echo)
        .slice(-2)
        .map((r) => r.data.b)
        .sort(),
    ).toEqual([1, 2])
    // done, and still one job: the same key never runs twice
    await queue.sendBatch(echo, [{ data: { b: 6 }, startAfter: at, dedupeKey: 'clock-7:1:breach' }])
    expect(await queue.drain()).toBe(0)
  })

  it('queues a job inside a transaction only if it commits', async () => {
    const before = runs(echo).length
    await database.transaction(async (tx) => {
      await tx.execute(sql`select 1`)
      await queue.send(echo, { committed: true }, { tx })
      await queue.send(echo, { committed: true, singleton: true }, { tx, singletonKey: `tx-${randomUUID()}` })
    })
    await expect(
      database.transaction(async (tx) => {
        await queue.send(echo, { committed: false }, { tx })
        throw new Error('rolled back')
      }),
    ).rejects.toThrow('rolled back')
    expect(await queue.drain()).toBe(2)
    expect(
      runs(echo)
        .slice(before)
        .map((r) => r.data.committed),
    ).toEqual([true, true])
  })

  it('cancels a queued job', async () => {
    const id = await queue.send(echo, { cancelled: true }, { startAfter: 60 })
    await queue.cancel(echo, id!)
    clock.advance(61_000)
    expect(await queue.drain()).toBe(0)
  })

  it('refuses a job nobody declared', async () => {
    await expect(queue.send(`${ns}.unknown`, {})).rejects.toThrow(/No job/)
  })

  it('retries a failing job with growing delays, then keeps it as a dead letter', async () => {
    // pg-boss times retries on the database clock; bring the application clock back to it.
    clock.set(new Date())
    failuresLeft = 10
    await queue.send(flaky, { ticketId: 't-9' })
    expect(await queue.drain()).toBe(1)
    const delays: number[] = []
    const nextStart = async () => {
      const [row] = await database.query<{ start_after: Date; retry_count: number }>(
        `select start_after, retry_count from pgboss.job where name = $1 and state = 'retry'`,
        [flaky],
      )
      return row
    }
    let pending = await nextStart()
    expect(pending).toBeDefined()
    delays.push(pending!.start_after.getTime() - Date.now())
    // Not due yet: draining now runs nothing.
    expect(await queue.drain()).toBe(0)
    expect(runs(flaky)).toHaveLength(1)

    clock.set(pending!.start_after)
    expect(await queue.drain()).toBe(1)
    pending = await nextStart()
    delays.push(pending!.start_after.getTime() - Date.now())
    // 30 s × (1…2) after the first attempt, 30 s × (2…4) after the second.
    expect(delays[0]).toBeGreaterThan(25_000)
    expect(delays[0]).toBeLessThanOrEqual(61_000)
    expect(delays[1]).toBeGreaterThan(55_000)
    expect(delays[1]).toBeGreaterThan(delays[0]! - 2_000)

    expect(await queue.drain()).toBe(0)
    clock.set(pending!.start_after)
    expect(await queue.drain()).toBe(1)
    expect(runs(flaky)).toHaveLength(3)
    expect(await nextStart()).toBeUndefined()

    const dead = await queue.deadLetters()
    expect(dead).toEqual([expect.objectContaining({ name: flaky, data: { ticketId: 't-9' }, error: 'printer offline' })])
    // An administrator fixes the cause and sends the dead letter back.
    failuresLeft = 0
    expect(await queue.redrive(flaky)).toBe(1)
    expect(await queue.drain()).toBe(1)
    expect(runs(flaky)).toHaveLength(4)
    expect(await queue.deadLetters()).toEqual([])
  })

  it('registers cron schedules in Asia/Shanghai time', async () => {
    await queue.work()
    const schedules = await database.query<{ name: string; cron: string; timezone: string }>(
      'select name, cron, timezone from pgboss.schedule where name = $1',
      [nightly],
    )
    expect(schedules).toEqual([{ name: nightly, cron: '0 2 * * *', timezone: 'Asia/Shanghai' }])
  })
})

describe('job worker on the system clock', () => {
  let database: Database
  let queue: JobQueue | undefined

  beforeAll(async () => {
    database = await openTestDatabase()
  })
  afterEach(async () => {
    await queue?.stop()
    queue = undefined
  })
  afterAll(async () => {
    await database?.close()
  })

  it('picks a sent job up by itself within seconds', async () => {
    const name = `${ns}.live`
    let resolve!: (data: Record<string, unknown>) => void
    const handled = new Promise<Record<string, unknown>>((r) => (resolve = r))
    queue = createJobQueue({ database, clock: systemClock, log, pollingIntervalSeconds: 0.5 })
    await queue.start([{ name, handler: async (data) => resolve(data) }], { worker: true })
    await queue.work()
    const sentAt = Date.now()
    await queue.send(name, { visit: 'v-1' })
    expect(await handled).toEqual({ visit: 'v-1' })
    expect(Date.now() - sentAt).toBeLessThan(10_000)
  })

  it('works through jobs queued before it started without waiting a poll between them; a failing one holds back no other', async () => {
    const name = `${ns}.backlog`
    const done: number[] = []
    const attempts: number[] = []
    // A 30 s poll: only working the queued jobs back to back finishes them within the wait below.
    queue = createJobQueue({ database, clock: systemClock, log, pollingIntervalSeconds: 30 })
    await queue.start(
      [
        {
          name,
          handler: async (data) => {
            attempts.push(data.n as number)
            if (data.n === 3) throw new Error('job 3 fails')
            done.push(data.n as number)
          },
        },
      ],
      { worker: true },
    )
    // queued while no worker listens, so no notification wakes one up
    for (let n = 0; n < 25; n++) await queue.send(name, { n })
    await queue.work()
    await vi.waitFor(() => expect(done).toHaveLength(24), { timeout: 15_000, interval: 100 })
    expect(done.sort((a, b) => a - b)).toEqual([...Array(25).keys()].filter((n) => n !== 3))
    expect(attempts.filter((n) => n === 3)).toHaveLength(1)
  })
})
