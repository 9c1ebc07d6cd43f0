import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FileStorage } from './storage.ts'

/** Raster image types a browser may show in place: none of them can carry script. SVG is not one. */
export const INLINE_SAFE_TYPES: ReadonlySet<string> = new Set([
  'image/png',
  'image/jpeg',
  'image/gif',
  'image/webp',
  'image/avif',
  'image/bmp',
])

/** RFC 5987 attr-char: what may stay unescaped in `filename*`. */
const encodeRfc5987 = (s: string) => encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)

/**
 * `attachment; filename="ascii fallback"; filename*=UTF-8''percent-encoded` (RFC 6266 / 5987):
 * browsers use the UTF-8 form, so 服务报告.pdf arrives as 服务报告.pdf; old clients get the fallback.
 */
export function contentDisposition(fileName: string, disposition: 'inline' | 'attachment' = 'attachment'): string {
  const fallback = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_')
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encodeRfc5987(fileName)}`
}

export interface DownloadableFile {
  key: string
  fileName: string
  contentType: string
  size: number
  /** Used as the strong ETag when given. */
  sha256?: string
}

/**
 * Streams a stored file to the client: its sniffed type, Content-Length, Content-Disposition
 * with the UTF-8 name, `nosniff`, and a sandboxing CSP. Only safe raster images are shown
 * inline (unless `download` is asked for); everything else downloads as an attachment.
 * Answers 304 when the client already has this version (If-None-Match).
 */
export async function sendStoredFile(
  req: FastifyRequest,
  reply: FastifyReply,
  storage: FileStorage,
  file: DownloadableFile,
  opts: { download?: boolean } = {},
): Promise<FastifyReply> {
  const inline = !opts.download && INLINE_SAFE_TYPES.has(file.contentType)
  const etag = file.sha256 ? `"${file.sha256}"` : undefined
  void reply
    .header('x-content-type-options', 'nosniff')
    .header('content-security-policy', "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox")
    .header('cache-control', 'private, no-cache')
  if (etag) void reply.header('etag', etag)
  if (etag && req.headers['if-none-match'] === etag) return reply.status(304).send()
  const stream = await storage.get(file.key)
  return reply
    .header('content-type', file.contentType)
    .header('content-length', String(file.size))
    .header('content-disposition', contentDisposition(file.fileName, inline ? 'inline' : 'attachment'))
    .send(stream)
}
