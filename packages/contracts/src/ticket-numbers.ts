// Ticket numbers: a per-tenant format with tokens (TicketSettings.numberFormat), filled from a
// per-period sequence. Pure: the API draws the sequence in the ticket's insert (its template here),
// the admin screen shows what a number will look like.

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

/**
 * A format at a moment: the literal text around its sequence tokens and each token's width
 * (`SR-{year}-{seq:6}` at 2026 → literals `SR-2026-`, ``; widths 6). The number is the literals
 * with the sequence, padded to each width, between them; the database fills it in the insert.
 */
export interface NumberTemplate {
  literals: string[]
  widths: number[]
}

export function numberTemplate(format: string, at: Date): NumberTemplate {
  const { year, month } = calendarParts(at)
  const filled = format.replaceAll('{year}', year).replaceAll('{yy}', year.slice(2)).replaceAll('{month}', month)
  const literals: string[] = []
  const widths: number[] = []
  let from = 0
  for (const m of filled.matchAll(/\{seq(?::(\d{1,2}))?\}/g)) {
    literals.push(filled.slice(from, m.index))
    widths.push(m[1] ? Number(m[1]) : 0)
    from = m.index + m[0].length
  }
  literals.push(filled.slice(from))
  return { literals, widths }
}

/** `SR-{year}-{seq:6}` at 2026, 42 → `SR-2026-000042`. A sequence wider than N keeps all its digits. */
export function formatTicketNumber(format: string, at: Date, seq: number): string {
  const { literals, widths } = numberTemplate(format, at)
  return literals.map((l, i) => (i < widths.length ? l + String(seq).padStart(widths[i]!, '0') : l)).join('')
}
