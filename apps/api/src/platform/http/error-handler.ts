import type { FastifyError, FastifyInstance } from 'fastify'
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod'
import type { ApiError } from '@aftercare/contracts'
import { AppError } from '../errors.ts'

const statusCodes: Record<number, string> = {
  400: 'invalid_input',
  401: 'unauthenticated',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  406: 'not_acceptable',
  409: 'conflict',
  411: 'length_required',
  412: 'precondition_failed',
  413: 'payload_too_large',
  414: 'uri_too_long',
  415: 'unsupported_media_type',
  422: 'unprocessable',
  428: 'precondition_required',
  429: 'rate_limited',
  431: 'headers_too_large',
}

interface PgErrorFields {
  code?: unknown
  message?: string
  detail?: string
  constraint?: string
  column?: string
}

/** The error and the causes it wraps (Drizzle wraps the driver's error), a few deep. */
function* causesOf(e: unknown): Generator<{ code?: unknown; message?: unknown }> {
  for (let cur = e, depth = 0; cur && typeof cur === 'object' && depth < 4; cur = (cur as { cause?: unknown }).cause, depth++)
    yield cur as { code?: unknown; message?: unknown }
}

/**
 * The PostgreSQL error inside an error: node-postgres and PGlite throw it with a SQLSTATE `code`;
 * Drizzle wraps it (`DrizzleQueryError`, the driver's error as `cause`).
 */
function postgresErrorIn(e: unknown): PgErrorFields | undefined {
  for (const cur of causesOf(e)) if (typeof cur.code === 'string' && /^[0-9A-Z]{5}$/.test(cur.code)) return cur as PgErrorFields
  return undefined
}

/**
 * The fields of a unique key, from PostgreSQL's detail `Key (tenant_id, lower(name::text))=(…) already
 * exists.`: the tenant column is implied, expressions give their column (`lower(name)` → `name`).
 * The values are left out: the message names what collided, never other rows' data.
 */
export function uniqueKeyFields(detail: string | undefined): string[] {
  const key = /^Key \((.*)\)=\(/.exec(detail ?? '')?.[1]
  if (!key) return []
  const columns = key.split(/,\s*(?![^(]*\))/).map((part) => {
    const inner = /\(([a-z_][a-z0-9_]*)/i.exec(part)?.[1]
    return (inner ?? part).replace(/::\w+/g, '').replace(/[()]/g, '').trim()
  })
  return columns
    .filter((c) => c !== 'tenant_id' && /^[a-z_][a-z0-9_]*$/i.test(c))
    .map((c) => c.replace(/_([a-z])/g, (_, ch: string) => ch.toUpperCase()))
}

/**
 * The fields behind named unique constraints. PostgreSQL leaves the key out of the error's detail
 * on tables under row-level security (all tenant tables), so modules name their constraints' fields.
 */
const uniqueConstraintFields = new Map<string, readonly string[]>()

/** Tells the error handler which request fields a unique constraint or index covers (for the 409's issues). */
export function nameUniqueConstraint(constraint: string, fields: readonly string[]) {
  uniqueConstraintFields.set(constraint, fields)
}

/** PostgreSQL errors a user's input can cause: they are 4xx, never 500. */
/** Seconds a client is asked to wait when the database cannot be reached. */
export const DATABASE_RETRY_AFTER_S = 5

/**
 * The database cannot be reached or is restarting (RELIABILITY D-PG): connection refused, reset or
 * timed out, the pool's connect timeout, a backend terminated by a shutdown, too many connections.
 */
function databaseUnavailable(error: unknown): boolean {
  for (const { code, message } of causesOf(error)) {
    if (typeof code === 'string' && (/^08/.test(code) || ['57P01', '57P02', '57P03', '53300'].includes(code))) return true
    if (typeof code === 'string' && ['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND'].includes(code)) return true
    if (typeof message === 'string' && /^(timeout exceeded when trying to connect|Connection terminated)/.test(message)) return true
  }
  return false
}

function fromPostgres(error: unknown): { status: number; body: ApiError } | undefined {
  const e = postgresErrorIn(error)
  if (!e) return undefined
  switch (e.code) {
    case '22P05': // untranslatable character (\u0000 in text)
    case '22021': // invalid byte sequence
    case '22001': // value too long
    case '22003': // numeric out of range
    case '22007':
    case '22008': // datetime
    case '22P02': // invalid text representation
      return { status: 400, body: { code: 'invalid_input', message: 'The input contains a value the database cannot store' } }
    case '23505': {
      const named = e.constraint ? uniqueConstraintFields.get(e.constraint) : undefined
      const fields = named ? [...named] : uniqueKeyFields(e.detail)
      const constraint = e.constraint ? ` (${e.constraint})` : ''
      const message = fields.length
        ? `${fields.join(', ')}: a record with the same ${fields.join(' and ')} already exists${constraint}`
        : `A record with the same unique value already exists${constraint}`
      const issues = fields.map((path) => ({ path, message: `already exists${constraint}` }))
      return {
        status: 409,
        body: { code: 'conflict', message, ...(issues.length ? { issues } : {}) },
      }
    }
    case '23503':
      return { status: 409, body: { code: 'conflict', message: 'A referenced record does not exist or is still in use' } }
    default:
      return undefined
  }
}

/** One error handler: `{code, message, issues}`; schema failures name the fields; nothing leaks on 500. */
export function registerErrorHandler(app: FastifyInstance) {
  app.setErrorHandler((error: FastifyError, req, reply) => {
    const requestId = String(req.id)
    if (hasZodFastifySchemaValidationErrors(error)) {
      const issues = error.validation.map((v) => {
        const where = v.instancePath.replace(/^\//, '').replaceAll('/', '.')
        const path = [error.validationContext, where].filter(Boolean).join('.')
        return { path, message: v.message ?? 'invalid', code: v.keyword }
      })
      return reply.status(400).send({
        code: 'invalid_input',
        message: issues.map((i) => `${i.path}: ${i.message}`).join('; '),
        issues,
        requestId,
      } satisfies ApiError)
    }
    if (error instanceof AppError) {
      return reply.status(error.status).send({ code: error.code, message: error.message, ...error.details, requestId })
    }
    if (isResponseSerializationError(error)) {
      req.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema')
      return reply.status(500).send({ code: 'internal', message: 'Internal error', requestId })
    }
    if (databaseUnavailable(error)) {
      req.log.warn({ err: error }, 'database unavailable')
      return reply
        .status(503)
        .header('retry-after', String(DATABASE_RETRY_AFTER_S))
        .send({ code: 'unavailable', message: 'The service is briefly unavailable; try again in a few seconds', requestId })
    }
    const pgMapped = fromPostgres(error)
    if (pgMapped) return reply.status(pgMapped.status).send({ ...pgMapped.body, requestId })
    const status = error.statusCode ?? 500
    if (status >= 400 && status < 500) {
      const headers = (error as { headers?: Record<string, string> }).headers
      if (headers) reply.headers(headers)
      return reply.status(status).send({ code: statusCodes[status] ?? 'invalid_input', message: error.message, requestId })
    }
    req.log.error({ err: error }, 'unhandled error')
    return reply.status(500).send({ code: 'internal', message: 'Internal error', requestId })
  })
  app.setNotFoundHandler((req, reply) =>
    reply
      .status(404)
      .send({ code: 'not_found', message: `Route ${req.method} ${req.url.split('?')[0]} not found`, requestId: String(req.id) }),
  )
}
