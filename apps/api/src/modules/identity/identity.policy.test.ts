import fc from 'fast-check'
import { Permission, Role } from '@aftercare/contracts'
import { describe, expect, it } from 'vitest'
import {
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
