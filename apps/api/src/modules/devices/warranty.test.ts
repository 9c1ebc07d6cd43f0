import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { addMonths, contractStatus, today, warrantyEnd, warrantyState } from './warranty.ts'

describe('warranty computation', () => {
  it('counts from the purchase date, else the installation date, through the day before', () => {
    expect(warrantyEnd({ purchasedOn: '2024-03-15', installedOn: '2024-04-01', warrantyMonths: 12 })).toBe('2025-03-14')
    expect(warrantyEnd({ purchasedOn: null, installedOn: '2024-04-01', warrantyMonths: 24 })).toBe('2026-03-31')
    expect(warrantyEnd({ purchasedOn: '2024-01-01', installedOn: null, warrantyMonths: 0 })).toBe('2023-12-31')
  })

  it('lets an override win and gives null without any date', () => {
    expect(warrantyEnd({ purchasedOn: '2024-03-15', installedOn: null, warrantyMonths: 12, override: '2027-01-01' })).toBe('2027-01-01')
    expect(warrantyEnd({ purchasedOn: null, installedOn: null, warrantyMonths: 12 })).toBeNull()
  })

  it('clamps to the end of shorter months like PostgreSQL does', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29')
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28')
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28')
    expect(addMonths('2024-11-30', 3)).toBe('2025-02-28')
  })

  it('always ends after it starts when there are months to cover', () => {
    const day = fc
      .date({ min: new Date('2000-01-01'), max: new Date('2090-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10))
    fc.assert(
      fc.property(day, fc.integer({ min: 1, max: 240 }), (start, months) => {
        const end = warrantyEnd({ purchasedOn: start, installedOn: null, warrantyMonths: months })!
        return end >= start && end < addMonths(start, months + 1)
      }),
    )
  })

  it('gives contract coverage first, then in warranty through the last day, then expired', () => {
    expect(warrantyState('2025-03-14', '2025-03-14', false)).toBe('in_warranty')
    expect(warrantyState('2025-03-14', '2025-03-15', false)).toBe('expired')
    expect(warrantyState('2020-01-01', '2025-03-15', true)).toBe('under_contract')
    expect(warrantyState(null, '2025-03-15', false)).toBe('unknown')
  })

  it('knows upcoming, active and expired contracts, and today in China time', () => {
    expect(contractStatus('2025-01-01', '2025-12-31', '2024-12-31')).toBe('upcoming')
    expect(contractStatus('2025-01-01', '2025-12-31', '2025-12-31')).toBe('active')
    expect(contractStatus('2025-01-01', '2025-12-31', '2026-01-01')).toBe('expired')
    // 17:00 UTC is already the next day in Beijing
    expect(today(new Date('2025-03-14T17:00:00Z'))).toBe('2025-03-15')
  })
})
