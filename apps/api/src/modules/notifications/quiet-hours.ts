// Quiet hours: a daily window in the user's time zone during which email, SMS and WeChat wait.
import type { QuietHours } from '@aftercare/contracts'

const minutesOf = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5))

/** Minutes since local midnight at `at` in `timeZone` (falls back to Asia/Shanghai for an unknown zone). */
export function localMinutes(at: Date, timeZone: string): number {
  let fmt: Intl.DateTimeFormat
  try {
    fmt = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  } catch {
    fmt = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  }
  const parts = Object.fromEntries(fmt.formatToParts(at).map((p) => [p.type, p.value]))
  return Number(parts.hour) * 60 + Number(parts.minute)
}

/** True when a zone name is one Intl knows. */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone: name })
    return true
  } catch {
    return false
  }
}

/**
 * When the quiet window containing `at` ends, or null when `at` is outside it. `start` > `end` spans
 * midnight (22:00–08:00); `start` = `end` means no quiet hours.
 */
export function quietUntil(at: Date, q: QuietHours | null): Date | null {
  if (!q) return null
  const start = minutesOf(q.start)
  const end = minutesOf(q.end)
  if (start === end) return null
  const now = localMinutes(at, q.timeZone)
  const inside = start < end ? now >= start && now < end : now >= start || now < end
  if (!inside) return null
  const wait = (end - now + 1440) % 1440
  const end_ = new Date(at.getTime() + wait * 60_000)
  end_.setUTCSeconds(0, 0)
  return end_
}
