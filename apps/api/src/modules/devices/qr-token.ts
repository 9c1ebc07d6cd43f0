// Signed, compact tokens for device QR labels and for the report step after a one-time code.
// A label token is `<qr code>[-<expiry, base36 seconds>].<mac>`: the mac is the first 96 bits of an
// HMAC-SHA256 (base64url) under a key derived from SECRET_KEY for this purpose only, so a
// token from elsewhere never verifies here. Changing any character breaks the mac.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'

const MAC_CHARS = 16
/** Crockford's base32 without i, l, o, u: easy to read aloud from a label. */
const CODE_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'

export type TokenCheck<T> = ({ ok: true } & T) | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' }

function keyFor(secret: string, purpose: string): Buffer {
  return createHmac('sha256', secret).update(`aftercare:${purpose}`).digest()
}

function mac(key: Buffer, body: string): string {
  return createHmac('sha256', key).update(body).digest('base64url').slice(0, MAC_CHARS)
}

function sameMac(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** A new random 10-character code for a device's label (50 bits). */
export function newQrCode(): string {
  return [...randomBytes(10)].map((b) => CODE_ALPHABET[b & 31]).join('')
}

export function signDeviceToken(secret: string, qrCode: string, expiresAt?: Date): string {
  const body = expiresAt ? `${qrCode}-${Math.floor(expiresAt.getTime() / 1000).toString(36)}` : qrCode
  return `${body}.${mac(keyFor(secret, 'device-qr:v1'), body)}`
}

export function verifyDeviceToken(secret: string, token: string, now: Date): TokenCheck<{ qrCode: string; expiresAt: Date | null }> {
  const m = /^([0-9a-z]{10,16})(?:-([0-9a-z]{1,10}))?\.([A-Za-z0-9_-]{16})$/.exec(token)
  if (!m) return { ok: false, reason: 'malformed' }
  const body = m[2] ? `${m[1]}-${m[2]}` : m[1]!
  if (!sameMac(mac(keyFor(secret, 'device-qr:v1'), body), m[3]!)) return { ok: false, reason: 'bad_signature' }
  const expiresAt = m[2] ? new Date(parseInt(m[2], 36) * 1000) : null
  if (expiresAt && expiresAt.getTime() <= now.getTime()) return { ok: false, reason: 'expired' }
  return { ok: true, qrCode: m[1]!, expiresAt }
}

/** Proof that a one-time code was verified: `<code row id>.<expiry base36>.<mac>`. */
export function signReportToken(secret: string, codeId: string, expiresAt: Date): string {
  const body = `${codeId}.${Math.floor(expiresAt.getTime() / 1000).toString(36)}`
  return `${body}.${mac(keyFor(secret, 'device-report:v1'), body)}`
}

export function verifyReportToken(secret: string, token: string, now: Date): TokenCheck<{ codeId: string }> {
  const m = /^([0-9a-f-]{36})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{16})$/.exec(token)
  if (!m) return { ok: false, reason: 'malformed' }
  if (!sameMac(mac(keyFor(secret, 'device-report:v1'), `${m[1]}.${m[2]}`), m[3]!)) return { ok: false, reason: 'bad_signature' }
  if (parseInt(m[2]!, 36) * 1000 <= now.getTime()) return { ok: false, reason: 'expired' }
  return { ok: true, codeId: m[1]! }
}

/** The stored form of a one-time code: keyed by the server secret and the code's own row. */
export function hashOtp(secret: string, codeId: string, code: string): string {
  return createHmac('sha256', keyFor(secret, 'device-otp:v1')).update(`${codeId}:${code}`).digest('hex')
}

export function sameOtpHash(a: string, b: string): boolean {
  return sameMac(a, b)
}
