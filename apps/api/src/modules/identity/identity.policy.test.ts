import fc from 'fast-check'
import { Permission, Role } from '@aftercare/contracts'
import { describe, expect, it } from 'vitest'
import {
  KNOWN_DEVICE_MAX_LOCKOUTS,
  lockedFor,
  afterFailedLogin,
  isLocked,
  lockoutRule,
  permissionsOf,
  rolePermissions,
  tokenPermissions,
  unlocked,
  type LockoutState,
} from './identity.policy.ts'

describe('permission matrix', () => {
  it('grants only known permissions and nothing for unknown roles', () => {
    for (const r of Role.options) for (const p of rolePermissions[r]) expect(Permission.options).toContain(p)
    expect([...permissionsOf(['root', 'superuser'])]).toEqual([])
  })

  it('a token never holds more than its owner, whatever its scopes', () => {
    fc.assert(
      fc.property(fc.subarray([...Role.options]), fc.subarray([...Permission.options]), (roles, scopes) => {
        const owner = permissionsOf(roles)
        for (const p of tokenPermissions(scopes, roles)) {
          expect(owner.has(p)).toBe(true)
          expect(scopes).toContain(p)
        }
      }),
      { numRuns: 200 },
    )
  })
})

describe('lockout rule', () => {
  const now = new Date('2026-03-01T08:00:00Z')
  it('locks on the fifth consecutive failure', () => {
    let s: LockoutState = unlocked
    for (let i = 0; i < 4; i++) s = afterFailedLogin(s, now)
    expect(isLocked(s, now)).toBe(false)
    s = afterFailedLogin(s, now)
    expect(s.lockedUntil!.getTime() - now.getTime()).toBe(15 * 60_000)
  })

  it('never locks longer than the cap, from any state', () => {
    fc.assert(
      fc.property(fc.nat(50), fc.nat(1000), (failed, lockouts) => {
        const s = afterFailedLogin({ failedLogins: failed, lockouts, lockedUntil: null }, now)
        if (s.lockedUntil) expect(s.lockedUntil.getTime() - now.getTime()).toBeLessThanOrEqual(lockoutRule.maxMs)
      }),
      { numRuns: 200 },
    )
  })
})

describe('known devices and the lock', () => {
  const now = new Date('2026-12-01T08:00:00Z')
  const locked = (lockouts: number) => ({ failedLogins: 0, lockouts, lockedUntil: new Date(now.getTime() + 60_000) })
  it('let their owner past a lock, until the known device has had its share of guesses too', () => {
    expect(lockedFor(locked(1), now, false)).toBe(true)
    expect(lockedFor(locked(1), now, true)).toBe(false)
    expect(lockedFor(locked(KNOWN_DEVICE_MAX_LOCKOUTS - 1), now, true)).toBe(false)
    expect(lockedFor(locked(KNOWN_DEVICE_MAX_LOCKOUTS), now, true)).toBe(true)
    expect(lockedFor({ failedLogins: 3, lockouts: 0, lockedUntil: null }, now, false)).toBe(false)
  })
})
