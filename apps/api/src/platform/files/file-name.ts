const MAX_CHARS = 180
const MAX_EXT_CHARS = 16
// Control characters, bidirectional overrides (the "gpj.exe" trick), zero-width characters, BOM.
const invisible = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g
// Characters Windows refuses in file names.
const reserved = /[<>:"|?*]/g
const windowsDevice = /^(con|prn|aux|nul|com\d|lpt\d)(\.|$)/i

/**
 * A file name safe to store and to send back in Content-Disposition: the last path segment,
 * NFC-normalised, without control / bidi / zero-width characters or Windows-reserved ones,
 * trimmed, at most 180 characters with its extension kept. Chinese and other scripts stay.
 */
export function sanitizeFileName(raw: string, fallback = 'file'): string {
  const base = raw.normalize('NFC').split(/[/\\]/).pop() ?? ''
  let name = base
    .replace(invisible, '')
    .replace(reserved, '_')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '')
  if (windowsDevice.test(name)) name = `_${name}`
  const chars = Array.from(name)
  if (chars.length > MAX_CHARS) {
    const dot = name.lastIndexOf('.')
    const ext = dot > 0 ? Array.from(name.slice(dot)) : []
    const keep = ext.length > 1 && ext.length <= MAX_EXT_CHARS ? ext : []
    name =
      chars
        .slice(0, MAX_CHARS - keep.length)
        .join('')
        .replace(/[\s.]+$/, '') + keep.join('')
  }
  return name || fallback
}
