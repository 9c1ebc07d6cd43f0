// HMAC-SHA256 signatures of webhook requests (outgoing subscriptions, the generic webhook channel and
// inbound sources): `v1=<hex HMAC(secret, "<unix seconds>.<raw body>")>`, timestamp in its own header.
import { createHmac, timingSafeEqual } from 'node:crypto'

export const SIGNATURE_HEADER = 'x-aftercare-signature'
export const TIMESTAMP_HEADER = 'x-aftercare-timestamp'
export const EVENT_HEADER = 'x-aftercare-event'
export const DELIVERY_HEADER = 'x-aftercare-delivery'
/** A signed request older or newer than this is refused (replay protection). */
export const SIGNATURE_TOLERANCE_SECONDS = 300

export function signBody(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`
}

/** The headers of a signed request sent at `now`. */
export function signedHeaders(secret: string, body: string, now: Date): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000)
  return { [TIMESTAMP_HEADER]: String(timestamp), [SIGNATURE_HEADER]: signBody(secret, timestamp, body) }
}

export type SignatureProblem = 'missing' | 'stale' | 'mismatch'

/** Checks a signed request; returns what is wrong with it, or null when it is genuine and fresh. */
export function verifySignature(
  secret: string,
  headers: { timestamp?: string; signature?: string },
  body: string,
  now: Date,
): SignatureProblem | null {
  const { timestamp, signature } = headers
  if (!timestamp || !signature || !/^\d{1,12}$/.test(timestamp)) return 'missing'
  if (Math.abs(now.getTime() / 1000 - Number(timestamp)) > SIGNATURE_TOLERANCE_SECONDS) return 'stale'
  const expected = Buffer.from(signBody(secret, Number(timestamp), body))
  // several signatures may be sent while a secret rotates: "v1=…,v1=…"
  const ok = signature.split(',').some((s) => {
    const given = Buffer.from(s.trim())
    return given.length === expected.length && timingSafeEqual(given, expected)
  })
  return ok ? null : 'mismatch'
}
