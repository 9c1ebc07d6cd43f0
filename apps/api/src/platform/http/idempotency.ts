// Idempotency-Key on POST: a client that retries a request (a timeout, a lost answer) sends the
// same key and gets the first answer again instead of a second ticket or customer.
// - same key, same request (method, URL, canonical JSON body), same actor → the stored status and
//   body, with `Idempotent-Replayed: true`;
// - same key with another request → 422; same key while the first is still running → 409;
// - keys are kept per tenant and actor for 24 hours; a 5xx answer is not kept (the retry runs).
// Applies to signed-in POST routes; a route opts out with `config: { idempotency: false }`.
import { createHash } from 'node:crypto'
import { sql } from 'drizzle-orm'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { Clock } from '../clock.ts'
import { rows, type Database } from '../db/index.ts'
import { AppError, ConflictError, ValidationError } from '../errors.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** `false`: this POST ignores Idempotency-Key (e.g. a streamed upload that cannot be fingerprinted). */
    idempotency?: boolean
  }
}

export const IDEMPOTENCY_HEADER = 'idempotency-key'
export const REPLAYED_HEADER = 'idempotent-replayed'
export const KEY_TTL_MS = 24 * 60 * 60_000
/** Longer than the server's request timeout: a first request still running holds its key this long. */
export const IN_FLIGHT_MS = 150_000
/** Headers that are part of the answer and replayed with it. */
const KEPT_HEADERS = ['content-type', 'etag', 'location'] as const

export interface Claim {
  tenantId: string
  actorId: string
  key: string
}

type StoredRow = {
  request_hash: string
  response_status: number | null
  response_headers: Record<string, string> | null
  response_body: Uint8Array | null
}

export type ClaimResult =
  | { kind: 'claimed' }
  | { kind: 'replay'; status: number; headers: Record<string, string>; body: Buffer }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' }

/** JSON with object keys sorted at every depth: `{"b":1,"a":2}` and `{"a":2,"b":1}` are one request. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null'
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined)
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`
}

/** sha256 of what makes two requests "the same": method, URL (path and query) and the JSON body, key order aside. */
export function fingerprint(method: string, url: string, body: unknown): string {
  return createHash('sha256')
    .update(`${method} ${url}\n${canonicalJson(body ?? null)}`)
    .digest('hex')
}

/** The key store; every call is its own short transaction in the actor's tenant. */
export function idempotencyStore(database: Database, clock: Clock) {
  return {
    /** Takes the key for this request, or says how the earlier request with the same key stands. */
    async claim(c: Claim, requestHash: string): Promise<ClaimResult> {
      const now = clock.now()
      const nowIso = now.toISOString()
      return database.withTenant(c.tenantId, async (tx) => {
        // Expired keys of this actor go first, so an expired key is simply free again.
        await tx.execute(
          sql`delete from idempotency_keys where tenant_id = ${c.tenantId} and actor_id = ${c.actorId} and expires_at <= ${nowIso}::timestamptz`,
        )
        const inserted = await rows(
          tx,
          sql`insert into idempotency_keys (tenant_id, actor_id, key, request_hash, created_at, expires_at, locked_until)
            values (${c.tenantId}, ${c.actorId}, ${c.key}, ${requestHash}, ${nowIso}::timestamptz,
              ${new Date(now.getTime() + KEY_TTL_MS).toISOString()}::timestamptz, ${new Date(now.getTime() + IN_FLIGHT_MS).toISOString()}::timestamptz)
            on conflict (tenant_id, actor_id, key) do nothing returning key`,
        )
        if (inserted.length) return { kind: 'claimed' }
        const [row] = await rows<StoredRow & { abandoned: boolean }>(
          tx,
          sql`select request_hash, response_status, response_headers, response_body, locked_until <= ${nowIso}::timestamptz as abandoned
            from idempotency_keys where tenant_id = ${c.tenantId} and actor_id = ${c.actorId} and key = ${c.key} for update`,
        )
        if (!row) return { kind: 'in_flight' } // removed by a concurrent release this instant: the client retries
        if (row.request_hash !== requestHash) return { kind: 'mismatch' }
        if (row.response_status !== null)
          return {
            kind: 'replay',
            status: row.response_status,
            headers: row.response_headers ?? {},
            body: Buffer.from(row.response_body ?? new Uint8Array()),
          }
        if (!row.abandoned) return { kind: 'in_flight' }
        // The first request died without answering (a crash): this retry takes the key over.
        await tx.execute(sql`update idempotency_keys set locked_until = ${new Date(now.getTime() + IN_FLIGHT_MS).toISOString()}::timestamptz
          where tenant_id = ${c.tenantId} and actor_id = ${c.actorId} and key = ${c.key}`)
        return { kind: 'claimed' }
      })
    },

    /** Keeps the answer to replay it. */
    async complete(c: Claim, status: number, headers: Record<string, string>, body: Buffer) {
      await database.withTenant(c.tenantId, (tx) =>
        tx.execute(sql`update idempotency_keys set response_status = ${status}, response_headers = ${JSON.stringify(headers)}::jsonb, response_body = ${body}
          where tenant_id = ${c.tenantId} and actor_id = ${c.actorId} and key = ${c.key}`),
      )
    },

    /** Frees the key (the request failed on our side): a retry runs again. */
    async release(c: Claim) {
      await database.withTenant(c.tenantId, (tx) =>
        tx.execute(
          sql`delete from idempotency_keys where tenant_id = ${c.tenantId} and actor_id = ${c.actorId} and key = ${c.key} and response_status is null`,
        ),
      )
    },
  }
}

function keyOf(req: FastifyRequest): string | undefined {
  const raw = req.headers[IDEMPOTENCY_HEADER]
  if (raw === undefined) return undefined
  if (typeof raw !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(raw))
    throw new AppError(400, 'invalid_input', 'Idempotency-Key must be 1–255 visible ASCII characters (a UUID is a good key), sent once', {
      issues: [{ path: 'headers.idempotency-key', message: 'malformed' }],
    })
  return raw
}

function applies(req: FastifyRequest): boolean {
  const config = req.routeOptions.config
  if (req.method !== 'POST' || config.idempotency === false || !req.actor) return false
  // Public routes (login) have no actor to keep keys for; multipart bodies cannot be fingerprinted.
  if (!config.access || 'public' in config.access) return false
  return !String(req.headers['content-type'] ?? '').startsWith('multipart/')
}

export function registerIdempotency(app: FastifyInstance, opts: { database: Database; clock: Clock }) {
  const store = idempotencyStore(opts.database, opts.clock)
  const claims = new WeakMap<FastifyRequest, Claim>()

  // preValidation: the actor is known (onRequest) and the body parsed but not yet transformed by the schema.
  app.addHook('preValidation', async (req, reply) => {
    if (!applies(req)) return
    const key = keyOf(req)
    if (key === undefined) return
    const claim: Claim = { tenantId: req.actor!.tenantId, actorId: req.actor!.userId, key }
    const result = await store.claim(claim, fingerprint(req.method, req.url, req.body))
    switch (result.kind) {
      case 'claimed':
        claims.set(req, claim)
        return
      case 'mismatch':
        throw new ValidationError(
          'Idempotency-Key was already used for a different request (another body or URL); send a new key for a new request',
          [{ path: 'headers.idempotency-key', message: 'reused with a different request' }],
        )
      case 'in_flight':
        throw new ConflictError('idempotency_in_flight', 'A request with this Idempotency-Key is still being processed; retry in a moment')
      case 'replay':
        return reply
          .status(result.status)
          .headers({ ...result.headers, [REPLAYED_HEADER]: 'true' })
          .send(result.body)
    }
  })

  app.addHook('onSend', async (req, reply, payload) => {
    const claim = claims.get(req)
    if (!claim) return payload
    claims.delete(req)
    const body =
      typeof payload === 'string'
        ? Buffer.from(payload)
        : Buffer.isBuffer(payload)
          ? payload
          : payload == null
            ? Buffer.alloc(0)
            : undefined
    try {
      if (reply.statusCode >= 500 || body === undefined) {
        await store.release(claim)
      } else {
        const headers: Record<string, string> = {}
        for (const h of KEPT_HEADERS) {
          const v = reply.getHeader(h)
          if (v !== undefined) headers[h] = String(v)
        }
        await store.complete(claim, reply.statusCode, headers, body)
      }
    } catch (err) {
      req.log.error({ err }, 'could not record the idempotent answer')
    }
    return payload
  })
}
