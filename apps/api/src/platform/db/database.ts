import { AsyncLocalStorage } from 'node:async_hooks'
import { PGlite } from '@electric-sql/pglite'
import { btree_gin } from '@electric-sql/pglite/contrib/btree_gin'
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm'
import { sql, type SQL } from 'drizzle-orm'
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite'
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres'
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core'
import pg from 'pg'

/** A Drizzle handle: the database itself or a transaction inside it. */
export type DbOrTx = PgDatabase<PgQueryResultHKT, Record<string, never>>

/**
 * Drizzle works out a type hint for every bound parameter (up to ten class checks each, a fifth of
 * its query building in the ticket-creation profile) that only its AWS Data API driver reads;
 * node-postgres and PGlite ignore it. Without the hook the hint is skipped (`sql.js`: `if (prepareTyping)`).
 */
function withoutParamTypings(db: DbOrTx): DbOrTx {
  const { dialect } = db as unknown as { dialect: { prepareTyping?: unknown } }
  dialect.prepareTyping = undefined
  return db
}

/** Extensions every PGlite open must load (the schema uses them). */
const pgliteExtensions = { pg_trgm, btree_gin }

export interface Database {
  readonly kind: 'pglite' | 'postgres'
  /** Owner connection: bypasses row-level security. Only for platform code (migrations, worker claims, login lookup). */
  readonly db: DbOrTx
  /** Runs `fn` in one transaction scoped to a tenant; row-level security applies. */
  withTenant<T>(tenantId: string, fn: (tx: DbOrTx) => Promise<T>): Promise<T>
  /** A transaction as the owner (no tenant scope). */
  transaction<T>(fn: (tx: DbOrTx) => Promise<T>): Promise<T>
  /** Raw SQL returning rows (owner connection). */
  query<R = Record<string, unknown>>(text: string, params?: unknown[]): Promise<R[]>
  /** Runs a multi-statement SQL script in one transaction. */
  execScript(script: string): Promise<void>
  /**
   * Calls `onPayload` for every notification on `channel` until the returned function is called. On
   * PostgreSQL a lost listen connection is re-established (and LISTEN re-issued) in the background.
   */
  listen(channel: string, onPayload: (payload: string) => void, opts?: ListenOptions): Promise<() => Promise<void>>
  notify(channel: string, payload: string): Promise<void>
  close(): Promise<void>
  /** The PGlite instance when embedded (pg-boss and backups use it). */
  readonly pglite?: PGlite
  readonly pool?: pg.Pool
  readonly connectionString?: string
}

export interface ListenOptions {
  /**
   * Called once the listen connection, lost, is back: notifications sent in between were lost, so a
   * consumer that must not miss one resyncs here. Never called on PGlite (in-process, nothing to lose).
   */
  onReconnect?: () => void
}

export async function rows<R>(tx: DbOrTx, query: SQL): Promise<R[]> {
  const res = (await tx.execute(query)) as unknown as { rows: R[] }
  return res.rows
}

// The application role: business queries run as this role so row-level security applies
// (a superuser or table owner bypasses RLS). Created by the first migration.
export const APP_ROLE = 'aftercare_app'

// One round trip: `set_config('role', …, true)` is `SET LOCAL ROLE`.
async function scopeToTenant(tx: DbOrTx, tenantId: string) {
  await tx.execute(sql`select set_config('app.tenant_id', ${tenantId}, true), set_config('role', ${APP_ROLE}, true)`)
}

/**
 * PGlite runs inside this process and answers without real I/O, so a worker that chains queries
 * (draining a backlog of events or jobs) would resolve promise after promise and never let the
 * event loop serve a socket: pages and API calls stalled for seconds. Each top-level query and
 * transaction first waits for the next turn of the event loop, so HTTP requests interleave with
 * background work (statements inside a transaction still run back to back).
 */
function yieldBeforeEachCall(pglite: PGlite) {
  const turn = () => new Promise<void>((resolve) => setImmediate(resolve))
  const target = pglite as unknown as Record<'query' | 'exec' | 'transaction', (...args: unknown[]) => Promise<unknown>>
  for (const method of ['query', 'exec', 'transaction'] as const) {
    const call = target[method].bind(pglite)
    target[method] = async (...args: unknown[]) => {
      await turn()
      return call(...args)
    }
  }
}

export async function openPglite(dataDir: string | undefined, opts: { loadDataDir?: Blob | File } = {}): Promise<Database> {
  const pglite = await PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(opts.loadDataDir ? { loadDataDir: opts.loadDataDir } : {}),
    extensions: pgliteExtensions,
  })
  yieldBeforeEachCall(pglite)
  const db = withoutParamTypings(drizzlePglite({ client: pglite }) as unknown as DbOrTx)
  return {
    kind: 'pglite',
    db,
    pglite,
    withTenant: (tenantId, fn) =>
      db.transaction(async (tx) => {
        await scopeToTenant(tx, tenantId)
        return fn(tx)
      }),
    transaction: (fn) => db.transaction(fn),
    async query<R>(text: string, params: unknown[] = []) {
      const res = await pglite.query<R>(text, params)
      return res.rows
    },
    async execScript(script) {
      await pglite.transaction(async (tx) => {
        await tx.exec(script)
      })
    },
    async listen(channel, onPayload) {
      const unlisten = await pglite.listen(channel, onPayload)
      return async () => unlisten()
    },
    async notify(channel, payload) {
      await pglite.query('select pg_notify($1, $2)', [channel, payload])
    },
    async close() {
      await pglite.close()
    },
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * On PostgreSQL every round trip costs: a tenant transaction sends its scope with its BEGIN, as one
 * simple-protocol query, instead of a second statement after it. `withTenant` names the tenant for
 * the next BEGIN of its own async context; the pool's clients rewrite that one BEGIN (only the first:
 * a transaction opened inside the callback, on another client, begins plainly).
 */
const scopeOnBegin = new AsyncLocalStorage<{ tenantId: string; sent: boolean }>()

/**
 * Named prepared statements: every parameterised statement is parsed (and, once PostgreSQL settles
 * on a generic plan, planned) once per connection instead of on every execution, which halved the
 * server's CPU per statement here (parse, row-level-security rewrite and planning were most of it).
 * Names come from the SQL text, one process-wide name per text, so every connection agrees. A text
 * is named on its third execution (one-off statements, such as the demo seed's bulk inserts, stay
 * unnamed), and at most MAX_NAMED_STATEMENTS texts are (each connection keeps a plan per name;
 * texts that vary, such as IN lists of every length, run unnamed beyond that). Off with
 * DATABASE_PREPARED_STATEMENTS=false, for a pooler that cannot keep prepared statements (PgBouncer
 * before 1.21 in transaction mode).
 */
const MAX_NAMED_STATEMENTS = 1000
const NAME_AFTER_EXECUTIONS = 3
const statementNames = new Map<string, string>()
const executions = new Map<string, number>()

function statementName(text: string): string | undefined {
  const name = statementNames.get(text)
  if (name !== undefined || statementNames.size >= MAX_NAMED_STATEMENTS) return name
  const n = (executions.get(text) ?? 0) + 1
  if (n < NAME_AFTER_EXECUTIONS) {
    // texts seen once or twice: forgotten wholesale when there are too many of them
    if (executions.size >= 10 * MAX_NAMED_STATEMENTS) executions.clear()
    executions.set(text, n)
    return undefined
  }
  executions.delete(text)
  const named = `ac_${statementNames.size.toString(36)}`
  statementNames.set(text, named)
  return named
}

const customPlans = new AsyncLocalStorage<true>()

/**
 * Runs `fn` with its statements unnamed, so PostgreSQL plans each with its actual values. For
 * queries whose best plan depends on them (a LIMIT over a backlog, a range over a partial index,
 * the ticket list's filters): a generic plan of the outbox claim, reused once PostgreSQL thought it
 * cheap, took 150 ms instead of 6 over a backlog of deliveries.
 */
export function withCustomPlans<T>(fn: () => Promise<T>): Promise<T> {
  return customPlans.run(true, fn)
}

interface QueryConfig {
  text?: unknown
  name?: unknown
  values?: unknown
}

function wrapClient(client: pg.PoolClient, prepare: boolean) {
  const query = client.query.bind(client) as (...args: unknown[]) => unknown
  ;(client as { query: unknown }).query = (config: unknown, ...rest: unknown[]) => {
    if (typeof config !== 'object' || config === null) {
      // pool.query(text, values): a parameterised statement is named like the others
      if (prepare && typeof config === 'string' && Array.isArray(rest[0]) && !customPlans.getStore())
        return query({ text: config, values: rest[0], name: statementName(config) }, ...rest.slice(1))
      return query(config, ...rest)
    }
    const c = config as QueryConfig
    const scope = scopeOnBegin.getStore()
    if (scope && !scope.sent && c.text === 'begin') {
      scope.sent = true
      const text = `begin; select set_config('app.tenant_id', '${scope.tenantId}', true), set_config('role', '${APP_ROLE}', true)`
      return query({ ...config, text }, ...rest)
    }
    // Drizzle's statements (`query(config, values)`). Without values pg sends the simple protocol, which
    // also runs scripts of several statements: those (any text with a `;`) stay unnamed.
    const values = Array.isArray(c.values) ? c.values : Array.isArray(rest[0]) ? rest[0] : undefined
    if (
      prepare &&
      c.name === undefined &&
      !customPlans.getStore() &&
      typeof c.text === 'string' &&
      values &&
      (values.length > 0 || !c.text.includes(';'))
    ) {
      const name = statementName(c.text)
      if (name) return query({ ...config, name }, ...rest)
    }
    return query(config, ...rest)
  }
}

/** A request waits at most this long for a new connection when PostgreSQL is unreachable, instead of hanging. */
const CONNECT_TIMEOUT_MS = 10_000
/** Reconnects of the listen connection: the first after ~0.5 s, doubling up to 10 s, with jitter. */
const LISTEN_RETRY_BASE_MS = 500
const LISTEN_RETRY_MAX_MS = 10_000

interface Subscription {
  onPayload: (payload: string) => void
  onReconnect?: () => void
}

export async function openPostgres(connectionString: string, opts: { max?: number; preparedStatements?: boolean } = {}): Promise<Database> {
  const pool = new pg.Pool({ connectionString, max: opts.max ?? 10, connectionTimeoutMillis: CONNECT_TIMEOUT_MS })
  const prepare = opts.preparedStatements ?? true
  // An idle client dropped by the server must not crash the process; the pool replaces it.
  pool.on('error', () => {})
  pool.on('connect', (client) => wrapClient(client, prepare))
  const db = withoutParamTypings(drizzlePg({ client: pool }) as unknown as DbOrTx)
  const listener = createListener(connectionString)
  return {
    kind: 'postgres',
    db,
    pool,
    connectionString,
    withTenant: (tenantId, fn) => {
      // anything but a UUID (never inlined into SQL) is scoped by a parameter, as on PGlite
      if (!UUID.test(tenantId))
        return db.transaction(async (tx) => {
          await scopeToTenant(tx, tenantId)
          return fn(tx)
        })
      const scope = { tenantId, sent: false }
      return scopeOnBegin.run(scope, () =>
        db.transaction(async (tx) => {
          if (!scope.sent) await scopeToTenant(tx, tenantId)
          return fn(tx)
        }),
      )
    },
    transaction: (fn) => db.transaction(fn),
    async query<R>(text: string, params: unknown[] = []) {
      const res = await pool.query(text, params)
      return res.rows as R[]
    },
    async execScript(script) {
      const client = await pool.connect()
      try {
        await client.query('begin')
        await client.query(script)
        await client.query('commit')
      } catch (e) {
        await client.query('rollback').catch(() => {})
        throw e
      } finally {
        client.release()
      }
    },
    listen: (channel, onPayload, opts) => listener.listen(channel, onPayload, opts),
    async notify(channel, payload) {
      await pool.query('select pg_notify($1, $2)', [channel, payload])
    },
    async close() {
      await listener.close()
      await pool.end()
    },
  }
}

/**
 * LISTEN on PostgreSQL: one dedicated connection for every channel. When it is lost (PostgreSQL
 * restarted, the backend was terminated, the network dropped) it is opened again in the background,
 * with capped exponential backoff and jitter, until it is back or the database is closed; every
 * channel that still has handlers is listened to again, then each subscription's `onReconnect` is
 * called. Nothing is logged here (the module has no logger) and nothing is thrown from the background.
 */
function createListener(connectionString: string) {
  const handlers = new Map<string, Set<Subscription>>()
  /** The connected listen client, when there is one. */
  let client: pg.Client | undefined
  /** A connection attempt in flight (its client is in `pending`). */
  let connecting: Promise<pg.Client> | undefined
  let pending: pg.Client | undefined
  let retry: NodeJS.Timeout | undefined
  let failures = 0
  let everConnected = false
  let closed = false

  const listenSql = (channel: string) => `listen ${pg.escapeIdentifier(channel)}`

  /** Opens a client and listens to every channel; it becomes `client` only if it is still alive then. */
  async function open(): Promise<pg.Client> {
    if (closed) throw new Error('The database is closed')
    const c = new pg.Client({ connectionString, connectionTimeoutMillis: CONNECT_TIMEOUT_MS })
    let alive = true
    const lost = () => {
      if (!alive) return
      alive = false
      c.end().catch(() => {})
      if (client !== c) return // an attempt: its caller sees the failure
      client = undefined
      scheduleReconnect()
    }
    c.on('error', lost)
    c.on('end', lost)
    c.on('notification', (msg) => {
      for (const sub of handlers.get(msg.channel) ?? []) sub.onPayload(msg.payload ?? '')
    })
    pending = c
    try {
      await c.connect()
      for (const channel of handlers.keys()) await c.query(listenSql(channel))
    } catch (e) {
      lost()
      throw e
    } finally {
      if (pending === c) pending = undefined
    }
    if (!alive || closed) {
      lost()
      throw new Error(closed ? 'The database is closed' : 'The listen connection was lost')
    }
    client = c
    everConnected = true
    failures = 0
    return c
  }

  function connect(): Promise<pg.Client> {
    if (client) return Promise.resolve(client)
    connecting ??= open().finally(() => {
      connecting = undefined
    })
    return connecting
  }

  function scheduleReconnect() {
    if (closed || retry) return
    const ceiling = Math.min(LISTEN_RETRY_MAX_MS, LISTEN_RETRY_BASE_MS * 2 ** failures)
    failures = Math.min(failures + 1, 16)
    // half fixed, half random: attempts of several processes spread out, none waits past the ceiling
    retry = setTimeout(
      () => {
        retry = undefined
        void reconnect()
      },
      ceiling / 2 + Math.random() * (ceiling / 2),
    )
    retry.unref()
  }

  async function reconnect() {
    try {
      await connect()
    } catch {
      scheduleReconnect()
      return
    }
    for (const subs of handlers.values())
      for (const sub of [...subs]) {
        try {
          sub.onReconnect?.()
        } catch {
          // one consumer's resync must not keep the others from theirs
        }
      }
  }

  /**
   * Makes sure `channel` is listened to. Only a failure of the first connection is thrown (the caller
   * learns the database is unreachable); after that a lost connection is the reconnect's business.
   */
  async function listenOn(channel: string) {
    if (closed) throw new Error('The database is closed')
    if (retry) return // between reconnect attempts: the next one listens to every channel
    let c: pg.Client
    try {
      c = await connect()
    } catch (e) {
      if (!everConnected) throw e
      return // a reconnect attempt failed and scheduled the next
    }
    try {
      await c.query(listenSql(channel)) // again if `open` just did: LISTEN is idempotent
    } catch {
      // the connection failed under it (terminated meanwhile): drop it, its 'end' reconnects and listens to every channel
      c.end().catch(() => {})
    }
  }

  return {
    async listen(channel: string, onPayload: (payload: string) => void, opts: ListenOptions = {}) {
      const sub: Subscription = { onPayload, onReconnect: opts.onReconnect }
      let subs = handlers.get(channel)
      if (!subs) handlers.set(channel, (subs = new Set()))
      subs.add(sub)
      const unlisten = async () => {
        subs.delete(sub)
        // the server-side LISTEN stays (an UNLISTEN could race a new listen); a reconnect drops it
        if (!subs.size && handlers.get(channel) === subs) handlers.delete(channel)
      }
      // every call, not only a channel's first: each caller learns whether the first connection failed
      try {
        await listenOn(channel)
      } catch (e) {
        await unlisten()
        throw e
      }
      return unlisten
    },

    /** Ends the listen connection and stops reconnecting. */
    async close() {
      closed = true
      clearTimeout(retry)
      retry = undefined
      pending?.end().catch(() => {})
      const c = client
      client = undefined
      await c?.end().catch(() => {})
    },
  }
}
