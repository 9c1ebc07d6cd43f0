import { fileTypeFromBuffer } from 'file-type'

/** How many leading bytes the sniffer looks at (enough for Office files' first zip entries). */
export const SNIFF_BYTES = 64 * 1024

const textByExtension: Record<string, string> = {
  csv: 'text/csv',
  tsv: 'text/tab-separated-values',
  json: 'application/json',
  xml: 'application/xml',
  html: 'text/html',
  htm: 'text/html',
  svg: 'image/svg+xml',
  md: 'text/markdown',
}

/** No NUL byte and (almost) no control characters other than tab, newlines, form feed and escape. */
function looksLikeText(head: Buffer): boolean {
  if (head.includes(0)) return false
  let control = 0
  for (const b of head) if (b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x0c && b !== 0x1b) control++
  return control <= head.length / 100
}

/**
 * The content type the bytes really have, from their magic numbers (`file-type`), whatever the
 * client claimed. Text has no magic number: text-like bytes take a type from the (sanitised)
 * extension among a few text formats, else text/plain; anything else is application/octet-stream.
 */
export async function sniffContentType(head: Buffer, fileName: string): Promise<string> {
  const detected = await fileTypeFromBuffer(head)
  if (detected) return detected.mime
  if (head.length === 0 || !looksLikeText(head)) return 'application/octet-stream'
  const ext = /\.([A-Za-z0-9]{1,10})$/.exec(fileName)?.[1]?.toLowerCase()
  return (ext && textByExtension[ext]) || 'text/plain'
}

/** `image/*`-style patterns against a content type. */
export function typeMatches(contentType: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.endsWith('/*') ? contentType.startsWith(p.slice(0, -1)) : contentType === p))
}
