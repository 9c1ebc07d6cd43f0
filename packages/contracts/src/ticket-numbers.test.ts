import { describe, expect, it } from 'vitest'
import { counterPeriod, defaultNumberFormat, formatTicketNumber } from './ticket-numbers.ts'

describe('ticket numbers', () => {
  it('fills {year}, {yy}, {month} in China time and pads {seq:N}', () => {
    // 2026-12-31 17:00 UTC is already 2027-01-01 in Shanghai
    const newYear = new Date('2026-12-31T17:00:00Z')
    expect(formatTicketNumber(defaultNumberFormat, newYear, 42)).toBe('SR-2027-000042')
    expect(formatTicketNumber('HCS-{yy}{month}-{seq:4}', newYear, 7)).toBe('HCS-2701-0007')
    expect(formatTicketNumber('T{seq}', newYear, 1234567)).toBe('T1234567')
    expect(formatTicketNumber('SR-{seq:3}', newYear, 12345)).toBe('SR-12345')
  })

  it('draws from one counter per year, per month, or for ever', () => {
    const at = new Date('2026-03-10T00:00:00Z')
    expect(counterPeriod(defaultNumberFormat, at)).toBe('2026')
    expect(counterPeriod('SR-{yy}-{seq:5}', at)).toBe('2026')
    expect(counterPeriod('SR-{year}{month}-{seq:4}', at)).toBe('2026-03')
    expect(counterPeriod('SR-{seq:8}', at)).toBe('all')
  })
})
