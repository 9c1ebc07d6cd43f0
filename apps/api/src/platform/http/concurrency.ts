import type { FastifyReply, FastifyRequest } from 'fastify'
import { AppError } from '../errors.ts'

/** Weak-free entity tag from a row version: `"v7"`. */
export function etagOf(version: number): string {
  return `"v${version}"`
}

export function setEtag(reply: FastifyReply, version: number) {
  void reply.header('etag', etagOf(version))
}

/**
 * The version the client last saw, from `If-Match` (`"v7"`), or undefined when absent.
 * A stale version makes the service answer 412; a malformed header is a 400.
 */
export function ifMatchVersion(req: FastifyRequest): number | undefined {
  const header = req.headers['if-match']
  if (header === undefined) return undefined
  const m = /^(?:W\/)?"v(\d{1,9})"$/.exec(String(header).trim())
  if (!m)
    throw new AppError(400, 'invalid_input', 'If-Match must be an ETag from this API, like "v3"', {
      issues: [{ path: 'headers.if-match', message: 'malformed' }],
    })
  return Number(m[1])
}
