import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import multipart, { type MultipartFile } from '@fastify/multipart'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { AppError } from '../errors.ts'
import { sanitizeFileName } from './file-name.ts'
import { SNIFF_BYTES, sniffContentType, typeMatches } from './sniff.ts'
import { assertValidKey, type FileStorage } from './storage.ts'

export const DEFAULT_MAX_FILE_BYTES = 50 * 1024 * 1024
export const DEFAULT_QUOTA_BYTES = 200 * 1024 * 1024
export const DEFAULT_MAX_FILES = 10

/** What an upload stored: everything a caller records in its own row. */
export interface UploadedFile {
  /** The multipart field it came in. */
  field: string
  /** Storage key (`<keyPrefix>/<uuid>`), never derived from the user's file name. */
  key: string
  /** Sanitised original name, for display and Content-Disposition. */
  fileName: string
  /** Sniffed from the bytes; the client's claim is ignored. */
  contentType: string
  size: number
  sha256: string
}

export interface ReceiveUploadsOptions {
  storage: FileStorage
  /** Keys become `<keyPrefix>/<uuid>`, e.g. `${tenantId}/tickets/${ticketId}`. */
  keyPrefix: string
  /** Per-file limit (default 50 MB). */
  maxFileBytes?: number
  /** Files per request (default 10). */
  maxFiles?: number
  /** The owner's total: what it already holds (the caller knows) and its limit (default 200 MB). */
  quota?: { usedBytes: number; limitBytes?: number }
  /** Accepted sniffed types, e.g. `['image/*', 'application/pdf']`; default any. */
  allowedTypes?: readonly string[]
  /** At least one file must come (default true); `field` names it in the error. */
  required?: boolean
  field?: string
}

export interface ReceivedUploads {
  files: UploadedFile[]
  /** The non-file form fields (a part sent as application/json arrives parsed). */
  fields: Record<string, unknown>
}

const MB = 1024 * 1024
export function formatBytes(n: number): string {
  if (n >= MB) return `${Number((n / MB).toFixed(1))} MB`
  if (n >= 1024) return `${Number((n / 1024).toFixed(1))} KB`
  return `${n} bytes`
}

const issue = (path: string, message: string) => ({ issues: [{ path, message }] })

export class FileTooLargeError extends AppError {
  constructor(field: string, fileName: string, limit: number) {
    const message = `${fileName} is larger than the ${formatBytes(limit)} allowed per file`
    super(413, 'payload_too_large', `${field}: ${message}`, issue(field, message))
  }
}

export class QuotaExceededError extends AppError {
  constructor(field: string, fileName: string, usedBytes: number, limitBytes: number) {
    const message = `${fileName} does not fit: ${formatBytes(usedBytes)} of the ${formatBytes(limitBytes)} allowed in total are used`
    super(422, 'quota_exceeded', `${field}: ${message}`, issue(field, message))
  }
}

/** Throws QuotaExceededError unless `addBytes` more fit. Re-check inside the transaction that records the files. */
export function assertWithinQuota(
  field: string,
  usedBytes: number,
  addBytes: number,
  limitBytes = DEFAULT_QUOTA_BYTES,
  fileName = 'the upload',
) {
  if (usedBytes + addBytes > limitBytes) throw new QuotaExceededError(field, fileName, usedBytes, limitBytes)
}

/** Registers @fastify/multipart with the platform's limits (per request, `receiveUploads` narrows them). */
export async function registerMultipart(app: FastifyInstance, maxFileBytes = DEFAULT_MAX_FILE_BYTES) {
  await app.register(multipart, {
    limits: { fileSize: maxFileBytes + 1, files: 50, fields: 50, fieldSize: 256 * 1024, parts: 100, headerPairs: 100 },
  })
}

/** Deletes what an upload stored (when the transaction recording it failed). Best effort. */
export async function discardUploads(storage: FileStorage, files: readonly UploadedFile[]): Promise<void> {
  await Promise.allSettled(files.map((f) => storage.delete(f.key)))
}

/**
 * Streams every file of a multipart request into storage: sniffs the real type from the
 * first bytes, sanitises the name, enforces the per-file limit and the owner's quota while
 * the bytes flow (413 / 422 naming the field), hashes with SHA-256. If anything fails,
 * whatever this request stored is deleted again.
 */
export async function receiveUploads(req: FastifyRequest, opts: ReceiveUploadsOptions): Promise<ReceivedUploads> {
  const maxFileBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES
  const maxFiles = opts.maxFiles ?? DEFAULT_MAX_FILES
  const quotaLimit = opts.quota?.limitBytes ?? DEFAULT_QUOTA_BYTES
  let usedBytes = opts.quota?.usedBytes ?? 0
  const field = opts.field ?? 'file'
  assertValidKey(`${opts.keyPrefix}/x`)
  if (!req.isMultipart())
    throw new AppError(
      415,
      'unsupported_media_type',
      `${field}: send the file as multipart/form-data`,
      issue(field, 'expected multipart/form-data'),
    )

  const files: UploadedFile[] = []
  const fields: Record<string, unknown> = {}
  try {
    const parts = req.parts({ limits: { fileSize: maxFileBytes + 1, files: maxFiles + 1 } })
    for await (const part of parts) {
      if (part.type === 'field') {
        fields[part.fieldname] = part.value
        continue
      }
      if (files.length >= maxFiles) {
        part.file.resume()
        throw new AppError(
          422,
          'unprocessable',
          `${part.fieldname}: at most ${maxFiles} files per request`,
          issue(part.fieldname, `at most ${maxFiles} files`),
        )
      }
      const remaining = opts.quota ? quotaLimit - usedBytes : Infinity
      const stored = await storePart(part, { ...opts, maxFileBytes, remaining, usedBytes, quotaLimit })
      usedBytes += stored.size
      files.push(stored)
    }
  } catch (e) {
    await discardUploads(opts.storage, files)
    throw e
  }
  if (files.length === 0 && opts.required !== false)
    throw new AppError(422, 'unprocessable', `${field}: no file was sent`, issue(field, 'no file was sent'))
  return { files, fields }
}

async function storePart(
  part: MultipartFile,
  o: ReceiveUploadsOptions & { maxFileBytes: number; remaining: number; usedBytes: number; quotaLimit: number },
): Promise<UploadedFile> {
  const field = part.fieldname
  const fileName = sanitizeFileName(part.filename)
  const limit = Math.min(o.maxFileBytes, o.remaining)
  const tooBig = (size: number) =>
    size > o.maxFileBytes
      ? new FileTooLargeError(field, fileName, o.maxFileBytes)
      : new QuotaExceededError(field, fileName, o.usedBytes, o.quotaLimit)
  const fail = (e: unknown) => {
    part.file.resume() // let the parser read (and drop) the rest, so the request completes
    return (e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE' ? tooBig(Infinity) : e
  }

  // Read the first bytes to learn the real type before anything is stored.
  const iterator = part.file[Symbol.asyncIterator]() as AsyncIterator<Buffer>
  const head: Buffer[] = []
  let size = 0
  let ended = false
  try {
    while (size < SNIFF_BYTES) {
      const r = await iterator.next()
      if (r.done) {
        ended = true
        break
      }
      head.push(r.value)
      size += r.value.length
      if (size > limit) throw tooBig(size)
    }
  } catch (e) {
    throw fail(e)
  }
  if (size === 0) throw fail(new AppError(422, 'unprocessable', `${field}: ${fileName} is empty`, issue(field, 'the file is empty')))
  const contentType = await sniffContentType(Buffer.concat(head).subarray(0, SNIFF_BYTES), fileName)
  if (o.allowedTypes && !typeMatches(contentType, o.allowedTypes)) {
    const message = `${fileName} is ${contentType}; accepted: ${o.allowedTypes.join(', ')}`
    throw fail(new AppError(415, 'unsupported_media_type', `${field}: ${message}`, issue(field, message)))
  }

  async function* body() {
    yield* head
    if (ended) return
    for (let r = await iterator.next(); !r.done; r = await iterator.next()) {
      size += r.value.length
      if (size > limit) throw tooBig(size)
      yield r.value
    }
  }
  const key = `${o.keyPrefix}/${randomUUID()}`
  try {
    const stored = await o.storage.put(key, Readable.from(body()), { contentType })
    if (part.file.truncated) throw tooBig(Infinity)
    return { field, key, fileName, contentType, size: stored.size, sha256: stored.sha256 }
  } catch (e) {
    await o.storage.delete(key).catch(() => undefined)
    throw fail(e)
  }
}
