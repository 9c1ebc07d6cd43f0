// Secrets at rest: password hashes, hashed session/API tokens, the sealed TOTP seed.
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto'
import { hash, parseOptions, verify } from '@node-rs/argon2'
import { safeEqual } from '../../platform/safe-equal.ts'

// argon2id (the library default algorithm) with OWASP's minimum: m=19 MiB, t=2, p=1.
const argon2Options = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const

// At most this many hashes run at once (each takes ~19 MiB and a core for tens of ms), so a
// burst of logins queues here instead of starving every other request (ASVS 6.2, C-PWD).
const MAX_HASHES_IN_FLIGHT = 4
let inFlight = 0
const waiting: (() => void)[] = []
async function limited<T>(work: () => Promise<T>): Promise<T> {
  // a finishing call hands its slot straight to the next waiter, so the cap is never overshot
  if (inFlight >= MAX_HASHES_IN_FLIGHT) await new Promise<void>((resolve) => waiting.push(resolve))
  else inFlight++
  try {
    return await work()
  } finally {
    const next = waiting.shift()
    if (next) next()
    else inFlight--
  }
}

export function hashPassword(password: string): Promise<string> {
  return limited(() => hash(password, argon2Options))
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await limited(() => verify(passwordHash, password))
  } catch {
    return false
  }
}

/** True when a stored hash was made with weaker parameters than today's: rehash it at the next login. */
export function needsRehash(passwordHash: string): boolean {
  try {
    const o = parseOptions(passwordHash)
    return o.memoryCost < argon2Options.memoryCost || o.timeCost < argon2Options.timeCost
  } catch {
    return true
  }
}

let dummyHash: Promise<string> | undefined
/** Verifies against a throwaway hash, so an unknown email costs the same time as a wrong password. */
export async function verifyDummy(password: string): Promise<void> {
  dummyHash ??= hashPassword(randomBytes(16).toString('hex'))
  await verifyPassword(await dummyHash, password)
}

/** A bearer secret: 32 random bytes, base64url. */
export function randomSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url')
}

/** Tokens are stored as sha256: they are random, so no slow hash is needed. */
export function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex')
}

export { safeEqual }

/**
 * AES-256-GCM sealing of small secrets (TOTP seeds) with a key derived from SECRET_KEY.
 * The owner's id is the associated data: a sealed value copied to another user's row does not open.
 * Format: `v1.<iv>.<tag>.<ciphertext>` (base64url).
 */
export function createSecretBox(secretKey: string, purpose: string) {
  const key = Buffer.from(hkdfSync('sha256', secretKey, 'aftercare', purpose, 32))
  return {
    seal(plain: string, owner: string): string {
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', key, iv)
      cipher.setAAD(Buffer.from(owner))
      const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()])
      return ['v1', iv, cipher.getAuthTag(), ct].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.')
    },
    open(sealed: string, owner: string): string {
      const [v, iv, tag, ct] = sealed.split('.')
      if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('Unknown sealed secret format')
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'))
      decipher.setAAD(Buffer.from(owner))
      decipher.setAuthTag(Buffer.from(tag, 'base64url'))
      return Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]).toString('utf8')
    },
  }
}
export type SecretBox = ReturnType<typeof createSecretBox>

/** How long a browser stays a known device of a user after their last sign-in there. */
export const KNOWN_DEVICE_DAYS = 180

/**
 * Known-device cookies (OWASP "device cookies" against malicious lockout): a successful sign-in
 * leaves `<userId>.<issuedAtMs>.<mac>` in the browser, signed with a key derived from SECRET_KEY.
 * A locked account still lets its owner in from such a browser (identity.policy `lockedFor`).
 */
export function knownDevices(secretKey: string) {
  const key = createHash('sha256').update(`aftercare known device\0${secretKey}`).digest()
  const macOf = (userId: string, issuedAt: number) => createHmac('sha256', key).update(`${userId}.${issuedAt}`).digest('base64url')
  return {
    issue: (userId: string, now: Date) => `${userId}.${now.getTime()}.${macOf(userId, now.getTime())}`,
    /** Whether the cookie was issued to this user, by this server, less than KNOWN_DEVICE_DAYS ago. */
    recognises(cookie: string | undefined, userId: string, now: Date): boolean {
      const [owner, at, mac, ...rest] = (cookie ?? '').split('.')
      const issuedAt = Number(at)
      if (rest.length || owner !== userId || !mac || !Number.isSafeInteger(issuedAt)) return false
      if (now.getTime() - issuedAt > KNOWN_DEVICE_DAYS * 86_400_000 || issuedAt > now.getTime() + 60_000) return false
      return safeEqual(mac, macOf(userId, issuedAt))
    },
  }
}
