import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import type { ReadableStream as WebReadableStream } from 'node:stream/web'
import { pipeline } from 'node:stream/promises'
import { AwsClient } from 'aws4fetch'
import { measuring } from './local-storage.ts'
import { assertValidKey, objectNotFound, type FileStorage, type StoredObject } from './storage.ts'

export interface S3Options {
  /** `https://host[:port]` of the S3-compatible service. */
  endpoint: string
  bucket: string
  /** Prepended to every key (`''` or `something/`). */
  prefix: string
  region: string
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  /** `path`: endpoint/bucket/key (MinIO, Ceph, most self-hosted); `virtual`: bucket.endpoint/key (AWS, Aliyun OSS, Tencent COS). */
  style: 'path' | 'virtual'
}

const putAttempts = 3

/** The error S3 answered, with its code (`NoSuchBucket`, `AccessDenied`, …) in the message. */
async function s3Error(op: string, key: string, res: Response): Promise<Error> {
  const text = await res.text().catch(() => '')
  const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? res.statusText
  return new Error(`Object storage ${op} ${key} failed: HTTP ${res.status} ${code}`)
}

/**
 * S3-compatible object storage over its REST API, signed with AWS Signature V4 (aws4fetch).
 * Uploads are spooled to a temporary file first: S3 needs the length up front, and the
 * payload hash then goes into the signature, so the service verifies the bytes it received.
 */
export function createS3Storage(opts: S3Options): FileStorage {
  const credentials = {
    accessKeyId: opts.accessKeyId,
    secretAccessKey: opts.secretAccessKey,
    ...(opts.sessionToken ? { sessionToken: opts.sessionToken } : {}),
    service: 's3',
    region: opts.region,
  }
  const aws = new AwsClient({ ...credentials, retries: 2 })
  // A streamed body cannot be replayed by the client's own retry: put retries itself.
  const awsOnce = new AwsClient({ ...credentials, retries: 0 })
  const base = new URL(opts.endpoint)
  const urlOf = (key: string) => {
    assertValidKey(key)
    const path = `${opts.prefix}${key}`
    if (opts.style === 'path') return `${base.origin}/${opts.bucket}/${path}`
    return `${base.protocol}//${opts.bucket}.${base.host}/${path}`
  }

  async function spool(body: Readable, dir: string): Promise<StoredObject & { file: string }> {
    const file = join(dir, randomUUID())
    const measure = measuring()
    await pipeline(body, measure, createWriteStream(file, { flags: 'wx', mode: 0o600 }))
    return { ...measure.result(), file }
  }

  return {
    kind: 's3',
    async put(key, body, meta) {
      const url = urlOf(key)
      const dir = Buffer.isBuffer(body) ? undefined : await mkdtemp(join(tmpdir(), 'aftercare-s3-'))
      try {
        const spooled = dir ? await spool(body as Readable, dir) : undefined
        const stored: StoredObject = spooled
          ? { size: spooled.size, sha256: spooled.sha256 }
          : {
              size: (body as Buffer).length,
              sha256: createHash('sha256')
                .update(body as Buffer)
                .digest('hex'),
            }
        for (let attempt = 1; ; attempt++) {
          const payload: RequestInit['body'] = spooled
            ? (Readable.toWeb(createReadStream(spooled.file)) as unknown as RequestInit['body'])
            : new Uint8Array(body as Buffer)
          let res: Response | undefined
          let failure: unknown
          try {
            res = await awsOnce.fetch(url, {
              method: 'PUT',
              body: payload,
              headers: { 'content-type': meta.contentType, 'content-length': String(stored.size), 'x-amz-content-sha256': stored.sha256 },
              duplex: 'half',
            } as RequestInit)
          } catch (e) {
            failure = e
          }
          if (res?.ok) {
            await res.body?.cancel()
            return stored
          }
          const retryable = !res || res.status >= 500 || res.status === 429
          if (!retryable || attempt >= putAttempts) throw res ? await s3Error('put', key, res) : failure
          await res?.body?.cancel()
          await new Promise((r) => setTimeout(r, 100 * 2 ** attempt))
        }
      } finally {
        if (dir) await rm(dir, { recursive: true, force: true })
      }
    },
    async get(key) {
      const res = await aws.fetch(urlOf(key))
      if (res.status === 404) {
        await res.body?.cancel()
        throw objectNotFound(key)
      }
      if (!res.ok || !res.body) throw await s3Error('get', key, res)
      return Readable.fromWeb(res.body as unknown as WebReadableStream<Uint8Array>)
    },
    async delete(key) {
      const res = await aws.fetch(urlOf(key), { method: 'DELETE' })
      await res.body?.cancel()
      if (!res.ok && res.status !== 404) throw await s3Error('delete', key, res)
    },
    async stat(key) {
      const res = await aws.fetch(urlOf(key), { method: 'HEAD' })
      await res.body?.cancel()
      if (res.status === 404) return undefined
      if (!res.ok) throw await s3Error('stat', key, res)
      const contentType = res.headers.get('content-type')
      return { size: Number(res.headers.get('content-length') ?? 0), ...(contentType ? { contentType } : {}) }
    },
  }
}
