// Ticket numbers: a per-tenant format with tokens, filled from a per-period counter.
// Pure; the counter row itself is incremented by the repository in the creating transaction.

export const defaultNumberFormat = 'SR-{year}-{seq:6}'

// Years and months are those of the service desk's calendar (mainland China, no DST).
const timeZone = 'Asia/Shanghai'

const yearMonth = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' })

function calendarParts(at: Date) {
  const parts = yearMonth.formatToParts(at)
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? ''
  return { year: get('year'), month: get('month') }
}

/** The counter a format draws from: per month with {month}, per year with {year}/{yy}, else one for ever. */
export function counterPeriod(format: string, at: Date): string {
  const { year, month } = calendarParts(at)
  if (format.includes('{month}')) return `${year}-${month}`
  if (format.includes('{year}') || format.includes('{yy}')) return year
  return 'all'
}

/** `SR-{year}-{seq:6}` at 2026, 42 → `SR-2026-000042`. A sequence wider than N keeps all its digits. */
export function formatTicketNumber(format: string, at: Date, seq: number): string {
  const { year, month } = calendarParts(at)
  return format
    .replaceAll('{year}', year)
    .replaceAll('{yy}', year.slice(2))
    .replaceAll('{month}', month)
    .replace(/\{seq(?::(\d{1,2}))?\}/g, (_m, width: string | undefined) => String(seq).padStart(width ? Number(width) : 0, '0'))
}
