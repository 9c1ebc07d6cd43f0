// RFC 6238 TOTP (30 s, 6 digits, SHA-1: what authenticator apps expect) on the injected clock.
import { generate, generateSecret, generateURI, verify } from 'otplib'
import QRCode from 'qrcode'

export const TOTP_PERIOD_S = 30

export function newTotpSecret(): string {
  // 20 bytes = 160 bits, RFC 4226's recommendation
  return generateSecret({ length: 20 })
}

export async function totpEnrollment(secret: string, issuer: string, label: string) {
  const otpauthUrl = generateURI({ issuer, label, secret })
  const qrDataUrl = await QRCode.toDataURL(otpauthUrl, { errorCorrectionLevel: 'M', margin: 1, width: 240 })
  return { secret, otpauthUrl, qrDataUrl }
}

/**
 * Checks a code at `now` allowing one step of clock drift either way. A code whose time
 * step is not after `lastStep` is refused, so an accepted code can never be used again.
 * Returns the matched time step, or null.
 */
export async function checkTotp(secret: string, code: string, now: Date, lastStep: number | null): Promise<number | null> {
  try {
    const r = await verify({
      secret,
      token: code,
      epoch: Math.floor(now.getTime() / 1000),
      epochTolerance: TOTP_PERIOD_S,
      ...(lastStep !== null ? { afterTimeStep: lastStep } : {}),
    })
    return r.valid && 'timeStep' in r ? r.timeStep : null
  } catch {
    return null
  }
}

/** The current code (tests and the demo use it). */
export function totpCode(secret: string, now: Date): Promise<string> {
  return generate({ secret, epoch: Math.floor(now.getTime() / 1000) })
}
