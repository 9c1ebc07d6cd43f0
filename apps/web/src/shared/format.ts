import dayjs from 'dayjs'

/** `2026-05-01 14:30:00`, 24-hour, the user's local time (CN-MARKET §4.4). */
export function dateTime(iso: string | null | undefined): string {
  return iso ? dayjs(iso).format('YYYY-MM-DD HH:mm:ss') : '—'
}

export function date(iso: string | null | undefined): string {
  return iso ? dayjs(iso).format('YYYY-MM-DD') : '—'
}
