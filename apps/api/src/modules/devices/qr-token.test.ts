import { describe, expect, it } from 'vitest'
import { hashOtp, newQrCode, signDeviceToken, signReportToken, verifyDeviceToken, verifyReportToken } from './qr-token.ts'

const secret = 'test-secret-key-0123456789abcdef0123456789abcdef'
const now = new Date('2026-05-01T08:00:00Z')

describe('device QR tokens', () => {
  it('signs a short token that verifies back to the code', () => {
    const code = newQrCode()
    expect(code).toMatch(/^[0-9a-z]{10}$/)
    const token = signDeviceToken(secret, code)
    expect(token.length).toBeLessThanOrEqual(27)
    expect(verifyDeviceToken(secret, token, now)).toEqual({ ok: true, qrCode: code, expiresAt: null })
  })

  it('refuses any changed character, another secret, and garbage', () => {
    const token = signDeviceToken(secret, 'abcdefghjk')
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue
      const c = token[i] === 'a' ? 'b' : 'a'
      const tampered = token.slice(0, i) + c + token.slice(i + 1)
      expect(verifyDeviceToken(secret, tampered, now).ok, tampered).toBe(false)
    }
    expect(verifyDeviceToken('another-secret-0123456789abcdef0123456789', token, now)).toEqual({ ok: false, reason: 'bad_signature' })
    expect(verifyDeviceToken(secret, 'not a token', now)).toEqual({ ok: false, reason: 'malformed' })
  })

  it('expires when asked to, and only then', () => {
    const token = signDeviceToken(secret, 'abcdefghjk', new Date('2026-05-02T00:00:00Z'))
    expect(token.length).toBeLessThanOrEqual(34)
    expect(verifyDeviceToken(secret, token, now)).toMatchObject({ ok: true, qrCode: 'abcdefghjk' })
    expect(verifyDeviceToken(secret, token, new Date('2026-05-02T00:00:00Z'))).toEqual({ ok: false, reason: 'expired' })
    // moving the expiry forward breaks the signature
    const [body, mac] = token.split('.')
    const later = `${body!.split('-')[0]}-${(parseInt(body!.split('-')[1]!, 36) + 86400).toString(36)}.${mac}`
    expect(verifyDeviceToken(secret, later, now)).toEqual({ ok: false, reason: 'bad_signature' })
  })
})

describe('report tokens and one-time code hashes', () => {
  it('proves a verified code until it expires', () => {
    const id = '6f1c2b9e-3a1d-4c5e-9f00-0123456789ab'
    const token = signReportToken(secret, id, new Date('2026-05-01T08:30:00Z'))
    expect(verifyReportToken(secret, token, now)).toEqual({ ok: true, codeId: id })
    expect(verifyReportToken(secret, token, new Date('2026-05-01T08:30:00Z'))).toEqual({ ok: false, reason: 'expired' })
    expect(verifyReportToken(secret, token.replace(id, '6f1c2b9e-3a1d-4c5e-9f00-0123456789ac'), now)).toEqual({
      ok: false,
      reason: 'bad_signature',
    })
  })

  it('stores a keyed hash, different per code row', () => {
    const a = hashOtp(secret, 'row-1', '123456')
    expect(a).toMatch(/^[0-9a-f]{64}$/)
    expect(a).not.toContain('123456')
    expect(hashOtp(secret, 'row-2', '123456')).not.toBe(a)
  })
})
