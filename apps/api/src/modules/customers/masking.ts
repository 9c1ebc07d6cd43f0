// Masking of personal data for people who may not see it in full (PIPL: least exposure).
// Lists and details show these; the full value needs `customers.pii` and an audited reveal.

/** `13812345678` → `138****5678`; `+4915123456789` → `+49*******6789`; short numbers keep their last 2 digits. */
export function maskPhone(phone: string): string {
  if (phone.length >= 9) return phone.slice(0, 3) + '*'.repeat(phone.length - 7) + phone.slice(-4)
  return '*'.repeat(Math.max(phone.length - 2, 1)) + phone.slice(-2)
}

/** `zhangsan@example.com` → `z***n@example.com`. */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  if (at < 0) return maskText(email)
  const local = email.slice(0, at)
  const masked = local.length <= 2 ? `${local[0] ?? ''}***` : `${local[0]}***${local.slice(-1)}`
  return masked + email.slice(at)
}

/** `wxid_zhang88` → `wx***88`. */
export function maskText(text: string): string {
  const chars = [...text]
  if (chars.length <= 2) return `${chars[0] ?? ''}*`
  if (chars.length <= 4) return `${chars[0]}**${chars.at(-1)}`
  return `${chars.slice(0, 2).join('')}***${chars.slice(-2).join('')}`
}

/**
 * The street part of an address: the road is kept, house numbers and everything after go.
 * `碧波路690号3栋501室` → `碧波路***`; without a digit, the first half stays.
 */
export function maskStreet(detail: string): string {
  const chars = [...detail]
  const firstDigit = chars.findIndex((c) => /[0-9０-９]/.test(c))
  const keep = firstDigit >= 0 ? firstDigit : Math.floor(chars.length / 2)
  return chars.slice(0, Math.min(keep, 10)).join('').trimEnd() + '***'
}

/**
 * A person's or an organisation's name for people who need not know it (the public QR page):
 * `陈先生` → `陈**`, `华东精密制造有限公司` → `华东******公司`.
 */
export function maskName(name: string): string {
  const chars = [...name.trim()]
  if (chars.length <= 1) return '*'
  if (chars.length <= 3) return chars[0] + '*'.repeat(chars.length - 1)
  const stars = Math.min(Math.max(chars.length - 4, 2), 6)
  return chars.slice(0, 2).join('') + '*'.repeat(stars) + chars.slice(-2).join('')
}
