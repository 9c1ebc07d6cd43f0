// Outbox delivery: the worker fans committed events out into one delivery per listener, claims due
// deliveries under a lease (FOR UPDATE SKIP LOCKED, so several workers share the work), and calls the
// listener. At least once: a crash before the acknowledgement leaves the lease to expire and another
// worker delivers again; listeners make effects exactly-once with processedOnce.
// See docs/decisions/0006-outbox-and-jobs.md.
import { randomUUID } from 'node:crypto'
import { sql } from 'drizzle-orm'
import type { FastifyBaseLogger } from 'fastify'
import type { Clock } from '../clock.ts'
import { rows, withCustomPlans, type Database, type DbOrTx } from '../db/index.ts'
import { createPollingLoop, type PollingLoop } from '../jobs/loop.ts'
import { OUTBOX_CHANNEL } from './outbox.ts'
import type { DeliveredEvent, EventListener } from './types.ts'

export const DELIVERY_DEFAULTS = {
  maxAttempts: 10,
  retryBaseMs: 5_000,
  retryMaxMs: 3_600_000,
  leaseMs: 120_000,
  batchSize: 60,
  pollIntervalMs: 2_000,
}

export interface OutboxDeliveryOptions {
  database: Database
  clock: Clock
  log: FastifyBaseLogger
  listeners: readonly EventListener[]
  /** Deliver only these tenants' events (tests sharing one database); all tenants when absent. */
  tenantIds?: readonly string[]
  workerId?: string
  maxAttempts?: number
  retryBaseMs?: number
  retryMaxMs?: number
  /** How long a claimed delivery is held; a worker that dies holding it is replaced after this. */
  leaseMs?: number
  batchSize?: number
  /**
   * Deliveries of a batch run at once (default 4 on PostgreSQL, 1 on the embedded database, whose
   * one connection runs them in turn anyway). A batch never holds two deliveries of one aggregate
   * to one listener, so the order per aggregate is kept.
   */
  concurrency?: number
  pollIntervalMs?: number
  /** Jitter source (tests pin it). */
  random?: () => number
}

export interface OutboxDelivery {
  /** Fans out new events and attempts one batch of due deliveries; returns how many deliveries were attempted. */
  runOnce(): Promise<number>
  /** Runs until nothing is due on the application clock (tests); returns how many deliveries were attempted. */
  drain(): Promise<number>
  /** Delivers in the background: woken by NOTIFY on the outbox channel, polling as a fallback. */
  start(): Promise<void>
  /** Stops claiming; waits up to `graceMs` for deliveries in progress, then abandons them (their lease expires). */
  stop(graceMs?: number): Promise<void>
}

/** Boot check: listener names are unique (delivery is tracked by name) and each hears something. */
export function checkListeners(listeners: readonly EventListener[]) {
  const seen = new Set<string>()
  for (const l of listeners) {
    if (!l.name || seen.has(l.name))
      throw new Error(l.name ? `Event listener "${l.name}" is declared twice` : 'An event listener has no name')
    if (l.events !== '*' && l.events.length === 0) throw new Error(`Event listener "${l.name}" hears no events`)
    if (typeof l.handle !== 'function') throw new Error(`Event listener "${l.name}" has no handle function`)
    seen.add(l.name)
  }
}

const hears = (l: EventListener, type: string) => l.events === '*' || l.events.includes(type)

/** Exponential backoff with equal jitter: attempt n waits between ½ and 1 × base·2ⁿ⁻¹, capped. */
export function retryDelayMs(attempt: number, opts: { retryBaseMs: number; retryMaxMs: number }, random = Math.random) {
  const ceiling = Math.min(opts.retryMaxMs, opts.retryBaseMs * 2 ** Math.min(30, attempt - 1))
  return Math.round(ceiling / 2 + (ceiling / 2) * random())
}

interface ClaimedRow {
  event_id: string
  listener: string
  attempts: number
  tenant_id: string
  type: string
  aggregate_type: string | null
  aggregate_id: string | null
  payload: Record<string, unknown>
  actor_id: string | null
  created_at: Date | string
}

/** A Date as a timestamptz parameter (PGlite sends untyped parameters as text). */
export const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`

/**
 * Event ids as one array parameter (`{…}` text cast to uuid[]). Joined through unnest, a batch's
 * events are found by primary key: with `id in (select jsonb_array_elements_text(…))` PostgreSQL
 * scanned every undelivered event of a backlog instead.
 */
const uuidArray = (ids: readonly string[]) => `{${ids.join(',')}}`

/** Deliveries a worker creates between two refreshes of the table's statistics. */
const ANALYZE_EVERY = 5_000

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e)).slice(0, 2000)

export function createOutboxDelivery(opts: OutboxDeliveryOptions): OutboxDelivery {
  checkListeners(opts.listeners)
  const { database, clock, log } = opts
  const o = {
    maxAttempts: opts.maxAttempts ?? DELIVERY_DEFAULTS.maxAttempts,
    retryBaseMs: opts.retryBaseMs ?? DELIVERY_DEFAULTS.retryBaseMs,
    retryMaxMs: opts.retryMaxMs ?? DELIVERY_DEFAULTS.retryMaxMs,
    leaseMs: opts.leaseMs ?? DELIVERY_DEFAULTS.leaseMs,
    batchSize: opts.batchSize ?? DELIVERY_DEFAULTS.batchSize,
    concurrency: Math.max(1, opts.concurrency ?? (opts.database.kind === 'postgres' ? 4 : 1)),
    pollIntervalMs: opts.pollIntervalMs ?? DELIVERY_DEFAULTS.pollIntervalMs,
  }
  const workerId = opts.workerId ?? `worker-${randomUUID().slice(0, 8)}`
  const byName = new Map(opts.listeners.map((l) => [l.name, l]))
  const names = JSON.stringify([...byName.keys()])
  const tenants = opts.tenantIds ? JSON.stringify(opts.tenantIds) : null
  const tenantFilter = (column: string) =>
    tenants ? sql`and ${sql.raw(column)} in (select (jsonb_array_elements_text(${tenants}::jsonb))::uuid)` : sql``
  let loop: PollingLoop | undefined
  let unlisten: (() => Promise<void>) | undefined
  let abandoned = false
  const timers = new Set<NodeJS.Timeout>()

  /**
   * The delivery's own bookkeeping (not the listeners) plans each statement with its values: over a
   * backlog, generic plans of these batch statements scanned every undelivered event (180 ms a batch).
   */
  const planned = <T>(fn: (tx: DbOrTx) => Promise<T>) => withCustomPlans(() => database.transaction(fn))

  let createdSinceAnalyze = 0

  /** Creates the deliveries of committed, not yet dispatched events; returns how many events. */
  async function dispatch(): Promise<number> {
    const { events, deliveries } = await planned(async (tx) => {
      // One dispatcher at a time: two, each skipping the events the other holds, could create the
      // deliveries of an aggregate's second event before those of its first, which a claim would
      // then hand out first. (Workers limited to some tenants, as in tests, take turns among themselves.)
      const [turn] = await rows<{ ok: boolean }>(
        tx,
        sql`select pg_try_advisory_xact_lock(hashtextextended(${`outbox.dispatch:${tenants ?? '*'}`}, 7349)) as ok`,
      )
      if (!turn!.ok) return { events: 0, deliveries: 0 }
      const events = await rows<{ id: string; type: string }>(
        tx,
        sql`select id, type from outbox where dispatched_at is null ${tenantFilter('tenant_id')}
          order by seq limit 500 for update skip locked`,
      )
      if (!events.length) return { events: 0, deliveries: 0 }
      const now = clock.now()
      const pairs = events.flatMap((e) => opts.listeners.filter((l) => hears(l, e.type)).map((l) => ({ event_id: e.id, listener: l.name })))
      if (pairs.length)
        await tx.execute(sql`insert into outbox_deliveries (event_id, listener, tenant_id, event_seq, aggregate_key, available_at)
          select o.id, d.listener, o.tenant_id, o.seq,
            case when o.aggregate_id is not null then coalesce(o.aggregate_type, '') || ':' || o.aggregate_id end, ${ts(now)}
          from jsonb_to_recordset(${JSON.stringify(pairs)}::jsonb) as d(event_id uuid, listener text)
          join outbox o on o.id = d.event_id
          on conflict do nothing`)
      const heard = new Set(pairs.map((p) => p.event_id))
      const unheard = uuidArray(events.filter((e) => !heard.has(e.id)).map((e) => e.id))
      // An event nobody hears is finished as soon as it is dispatched.
      await tx.execute(sql`update outbox o set dispatched_at = ${ts(now)},
          delivered_at = case when o.id = any(${unheard}::uuid[]) then ${ts(now)} end
        from unnest(${uuidArray(events.map((e) => e.id))}::uuid[]) as e(id) where o.id = e.id`)
      return { events: events.length, deliveries: pairs.length }
    })
    // A backlog can grow by thousands of deliveries before autovacuum's next look (a minute apart):
    // planned on the statistics of a near-empty table, the claim sorted the whole backlog each time.
    createdSinceAnalyze += deliveries
    if (createdSinceAnalyze >= ANALYZE_EVERY) {
      createdSinceAnalyze = 0
      await database.query('analyze outbox_deliveries').catch((e: unknown) => log.warn({ err: errorText(e) }, 'analyze failed'))
    }
    return events
  }

  /** Leases due deliveries: the oldest pending delivery of each aggregate per listener, skipping rows another worker holds. */
  async function claim(): Promise<ClaimedRow[]> {
    const now = clock.now()
    const lease = new Date(now.getTime() + o.leaseMs)
    return withCustomPlans(() =>
      rows<ClaimedRow>(
        database.db,
        sql`with picked as (
          select d.event_id, d.listener from outbox_deliveries d
          where d.status = 'pending' and d.available_at <= ${ts(now)} and (d.locked_until is null or d.locked_until <= ${ts(now)})
            and d.listener in (select jsonb_array_elements_text(${names}::jsonb)) ${tenantFilter('d.tenant_id')}
            and not exists (select 1 from outbox_deliveries p where p.listener = d.listener and p.aggregate_key = d.aggregate_key
              and p.status = 'pending' and p.event_seq < d.event_seq)
          order by d.event_seq
          limit ${o.batchSize}
          for update of d skip locked
        )
        update outbox_deliveries d set attempts = d.attempts + 1, locked_until = ${ts(lease)}, locked_by = ${workerId}
        from picked join outbox o on o.id = picked.event_id
        where d.event_id = picked.event_id and d.listener = picked.listener
        returning d.event_id, d.listener, d.attempts, o.tenant_id, o.type, o.aggregate_type, o.aggregate_id, o.payload, o.actor_id, o.created_at`,
      ),
    )
  }

  /**
   * Two workers finishing the last two deliveries of one event would each still see the other's as
   * pending; holding the event row first makes the second one look again after the first commits.
   */
  const lockEvent = (tx: DbOrTx, eventId: string) => tx.execute(sql`select id from outbox where id = ${eventId} for update`)

  /** Marks the event finished once no delivery of it is pending any more. */
  const finishEvent = (eventId: string, now: Date) => sql`update outbox set delivered_at = ${ts(now)}
    where id = ${eventId} and delivered_at is null
      and not exists (select 1 from outbox_deliveries where event_id = ${eventId} and status = 'pending')`

  /** Marks a batch's handled deliveries delivered in one transaction, and finishes their events. */
  async function acknowledge(done: readonly ClaimedRow[]) {
    if (!done.length) return
    const now = clock.now()
    const eventIds = uuidArray([...new Set(done.map((d) => d.event_id))].sort())
    const pairs = JSON.stringify(done.map((d) => ({ event_id: d.event_id, listener: d.listener })))
    await planned(async (tx) => {
      // in id order, so two workers acknowledging overlapping batches cannot deadlock
      await tx.execute(
        sql`select o.id from outbox o join unnest(${eventIds}::uuid[]) as e(id) on o.id = e.id order by o.id for update of o`,
      )
      await tx.execute(sql`update outbox_deliveries d set status = 'delivered', delivered_at = ${ts(now)}, locked_until = null, locked_by = null
        from jsonb_to_recordset(${pairs}::jsonb) as p(event_id uuid, listener text)
        where d.event_id = p.event_id and d.listener = p.listener and d.locked_by = ${workerId} and d.status = 'pending'`)
      await tx.execute(sql`update outbox o set delivered_at = ${ts(now)}
        from unnest(${eventIds}::uuid[]) as e(id)
        where o.id = e.id and o.delivered_at is null
          and not exists (select 1 from outbox_deliveries d where d.event_id = o.id and d.status = 'pending')`)
    })
  }

  async function failed(d: ClaimedRow, listener: EventListener, e: unknown) {
    const now = clock.now()
    const isDead = d.attempts >= (listener.maxAttempts ?? o.maxAttempts)
    const next = new Date(now.getTime() + retryDelayMs(d.attempts, o, opts.random))
    log.warn(
      { listener: d.listener, event: d.event_id, type: d.type, attempt: d.attempts, dead: isDead, err: errorText(e) },
      'event delivery failed',
    )
    await planned(async (tx) => {
      if (isDead) await lockEvent(tx, d.event_id)
      await tx.execute(sql`update outbox_deliveries set status = ${isDead ? 'dead' : 'pending'}, available_at = ${ts(isDead ? now : next)},
          locked_until = null, locked_by = null, last_error = ${errorText(e)}
        where event_id = ${d.event_id} and listener = ${d.listener} and locked_by = ${workerId} and status = 'pending'`)
      if (isDead) await tx.execute(finishEvent(d.event_id, now))
    })
  }

  /** The delivered form of a claimed row. */
  const eventOf = (d: ClaimedRow): DeliveredEvent => ({
    id: d.event_id,
    tenantId: d.tenant_id,
    type: d.type,
    aggregateType: d.aggregate_type,
    aggregateId: d.aggregate_id,
    payload: d.payload ?? {},
    actorId: d.actor_id,
    createdAt: new Date(d.created_at),
  })

  /** A listener's work, failed when it outlives the lease (it may then be delivered again elsewhere). */
  async function withinLease(work: Promise<void>) {
    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        work,
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${o.leaseMs} ms`)), o.leaseMs)
          timers.add(timer)
        }),
      ])
    } finally {
      clearTimeout(timer)
      if (timer) timers.delete(timer)
    }
  }

  /** Runs one delivery's listener; true when it succeeded (to be acknowledged with its batch). */
  async function deliver(d: ClaimedRow): Promise<boolean> {
    const listener = byName.get(d.listener)!
    try {
      await withinLease(listener.handle(eventOf(d)))
      return true
    } catch (e) {
      if (!abandoned) await failed(d, listener, e)
      return false
    }
  }

  /**
   * Runs several deliveries of one listener through its `handleMany`; when that fails, each one
   * alone through `handle`, so only the events that fail alone are retried. Returns those that succeeded.
   */
  async function deliverMany(ds: readonly ClaimedRow[]): Promise<ClaimedRow[]> {
    const listener = byName.get(ds[0]!.listener)!
    try {
      await withinLease(listener.handleMany!(ds.map(eventOf)))
      return [...ds]
    } catch (e) {
      log.debug({ listener: listener.name, events: ds.length, err: errorText(e) }, 'batch delivery failed: delivering one by one')
      const ok: ClaimedRow[] = []
      for (const d of ds) if (!abandoned && (await deliver(d))) ok.push(d)
      return ok
    }
  }

  async function step() {
    const dispatched = await dispatch()
    const claimed = await claim()
    // A listener with handleMany gets its deliveries of the batch together (the claim holds at most
    // one delivery per aggregate and listener, so they are independent of each other).
    const units: ClaimedRow[][] = []
    const together = new Map<string, ClaimedRow[]>()
    for (const d of claimed) {
      if (!byName.get(d.listener)!.handleMany) units.push([d])
      else if (together.has(d.listener)) together.get(d.listener)!.push(d)
      else together.set(d.listener, [d])
    }
    units.push(...together.values())
    const done: ClaimedRow[] = []
    let next = 0
    const lane = async () => {
      while (next < units.length && !abandoned) {
        const unit = units[next++]!
        if (unit.length > 1) done.push(...(await deliverMany(unit)))
        else if (await deliver(unit[0]!)) done.push(unit[0]!)
      }
    }
    await Promise.all(Array.from({ length: Math.min(o.concurrency, units.length) }, lane))
    // A worker stopped while listeners ran behaves as if it had died: no acknowledgement (the
    // listeners' own exactly-once registers make the redelivery harmless).
    if (!abandoned) await acknowledge(done)
    return { dispatched, attempted: claimed.length }
  }

  return {
    async runOnce() {
      return (await step()).attempted
    },
    async drain() {
      let attempted = 0
      for (let round = 0; round < 10_000; round++) {
        const n = await step()
        attempted += n.attempted
        if (!n.attempted && !n.dispatched) break
      }
      return attempted
    },
    async start() {
      abandoned = false
      loop = createPollingLoop(
        'outbox',
        async () => {
          const n = await step()
          return n.attempted + n.dispatched > 0
        },
        { intervalMs: o.pollIntervalMs, log },
      )
      unlisten = await database.listen(OUTBOX_CHANNEL, () => loop?.wake())
      loop.start()
    },
    async stop(graceMs = 10_000) {
      await unlisten?.()
      await loop?.stop(graceMs)
      abandoned = true
      for (const t of timers) clearTimeout(t)
      timers.clear()
    },
  }
}
