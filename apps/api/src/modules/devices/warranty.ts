// Warranty and contract dates. Dates are calendar days (`2026-05-01`) in the service
// organisation's time zone; a warranty of N months from a start day covers up to the day
// before the same day N months later (bought 2024-03-15, 12 months → through 2025-03-14).
import type { ContractStatus, WarrantyState } from '@aftercare/contracts'

/** Calendar days are counted in China time unless a tenant says otherwise. */
export const SERVICE_TIME_ZONE = 'Asia/Shanghai'

/** Today's calendar day in a time zone: `2026-05-01`. */
export function today(now: Date, timeZone = SERVICE_TIME_ZONE): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now)
}

/** `2024-01-31` + 1 month → `2024-02-29`: the day is clamped to the month's last day (as PostgreSQL does). */
export function addMonths(day: string, months: number): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  const first = new Date(Date.UTC(y, m - 1 + months, 1))
  const lastDay = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate()
  first.setUTCDate(Math.min(d, lastDay))
  return first.toISOString().slice(0, 10)
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + days)
  return d.toISOString().slice(0, 10)
}

/**
 * The last day of warranty: from the purchase date (else the installation date) plus the
 * product's warranty months; an override wins; null when there is nothing to count from.
 */
export function warrantyEnd(input: {
  purchasedOn: string | null
  installedOn: string | null
  warrantyMonths: number
  override?: string | null
}): string | null {
  if (input.override) return input.override
  const start = input.purchasedOn ?? input.installedOn
  if (!start) return null
  return addDays(addMonths(start, input.warrantyMonths), -1)
}

/** Contract coverage first (it is what entitles the customer today), then the warranty. */
export function warrantyState(endsOn: string | null, day: string, underContract: boolean): WarrantyState {
  if (underContract) return 'under_contract'
  if (!endsOn) return 'unknown'
  return endsOn >= day ? 'in_warranty' : 'expired'
}

export function contractStatus(startsOn: string, endsOn: string, day: string): ContractStatus {
  if (day < startsOn) return 'upcoming'
  return day > endsOn ? 'expired' : 'active'
}
