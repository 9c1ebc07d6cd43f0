import { createHash } from 'node:crypto'
import { existsSync, readdirSync } from 'node:fs'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { text } from 'node:stream/consumers'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError } from '../config.ts'
import { NotFoundError } from '../errors.ts'
import { createFileStorage, parseS3Url } from './create-storage.ts'
import type { FileStorage } from './storage.ts'
import { startTestS3 } from './test-s3.ts'

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')

/** The same behaviour from every backend. */
function storageContract(name: string, open: () => Promise<{ storage: FileStorage; close(): Promise<void> }>) {
  describe(name, () => {
    let storage: FileStorage
    let close: () => Promise<void>
    beforeAll(async () => ({ storage, close } = await open()))
    afterAll(async () => close())

    it('stores a buffer and a stream, reads them back, reports size and hash', async () => {
      const bytes = Buffer.from('服务报告 service report\n'.repeat(1000))
      const put = await storage.put('t1/tickets/a/one', bytes, { contentType: 'text/plain' })
      expect(put).toEqual({ size: bytes.length, sha256: sha(bytes) })
      expect(await text(await storage.get('t1/tickets/a/one'))).toBe(bytes.toString())
      expect((await storage.stat('t1/tickets/a/one'))?.size).toBe(bytes.length)

      const chunks = [Buffer.from('第一段'), Buffer.alloc(200_000, 7), Buffer.from('end')]
      const streamed = await storage.put('t1/tickets/a/two', Readable.from(chunks), { contentType: 'application/octet-stream' })
      expect(streamed).toEqual({ size: Buffer.concat(chunks).length, sha256: sha(Buffer.concat(chunks)) })
      const back = Buffer.concat(await (await storage.get('t1/tickets/a/two')).toArray())
      expect(back.equals(Buffer.concat(chunks))).toBe(true)
    })

    it('replaces an object put twice under one key', async () => {
      await storage.put('t1/replace', Buffer.from('old'), { contentType: 'text/plain' })
      await storage.put('t1/replace', Buffer.from('new content'), { contentType: 'text/plain' })
      expect(await text(await storage.get('t1/replace'))).toBe('new content')
    })

    it('answers NotFoundError for a missing object, undefined from stat, and deletes idempotently', async () => {
      await expect(storage.get('t1/missing')).rejects.toBeInstanceOf(NotFoundError)
      expect(await storage.stat('t1/missing')).toBeUndefined()
      await storage.put('t1/gone', Buffer.from('x'), { contentType: 'text/plain' })
      await storage.delete('t1/gone')
      await storage.delete('t1/gone')
      expect(await storage.stat('t1/gone')).toBeUndefined()
      await expect(storage.get('t1/gone')).rejects.toBeInstanceOf(NotFoundError)
    })

    it('leaves nothing behind when the incoming stream fails half-way', async () => {
      async function* failing() {
        yield Buffer.alloc(100_000, 1)
        throw new Error('client went away')
      }
      await expect(storage.put('t1/half', Readable.from(failing()), { contentType: 'application/octet-stream' })).rejects.toThrow(
        'client went away',
      )
      expect(await storage.stat('t1/half')).toBeUndefined()
    })

    it('refuses keys that could escape the storage root', async () => {
      for (const key of ['../etc/passwd', 't1/../../x', '/abs', 't1//x', '', 't1/.hidden', 't1/文件']) {
        await expect(storage.put(key, Buffer.from('x'), { contentType: 'text/plain' }), key).rejects.toThrow('Invalid storage key')
      }
    })
  })
}

storageContract('local directory storage', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'aftercare-files-'))
  return { storage: createFileStorage(`file://${dir}`), close: () => rm(dir, { recursive: true, force: true }) }
})

storageContract('S3-compatible storage (s3rver)', async () => {
  const s3 = await startTestS3()
  return { storage: createFileStorage(s3.url), close: () => s3.close() }
})

describe('local storage layout', () => {
  it('keeps files under the directory by key, with no temporary file left', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aftercare-files-'))
    const storage = createFileStorage(`file://${dir}`)
    await storage.put('tenant/tickets/t-1/f-1', Buffer.from('bytes'), { contentType: 'text/plain' })
    expect(await readFile(join(dir, 'tenant/tickets/t-1/f-1'), 'utf8')).toBe('bytes')
    expect(readdirSync(join(dir, '.tmp'))).toEqual([])
    await rm(dir, { recursive: true, force: true })
  })

  it('resolves a relative file:// URL from the working directory and creates it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'aftercare-files-'))
    const cwd = process.cwd()
    try {
      process.chdir(dir)
      const storage = createFileStorage('file://./data/files')
      await storage.put('k', Buffer.from('v'), { contentType: 'text/plain' })
      expect(existsSync(join(dir, 'data/files/k'))).toBe(true)
    } finally {
      process.chdir(cwd)
      await rm(dir, { recursive: true, force: true })
    }
  })
})

describe('STORAGE_URL', () => {
  const problems = (fn: () => unknown) => {
    try {
      fn()
    } catch (e) {
      if (e instanceof ConfigError) return e.problems
      throw e
    }
    return []
  }

  it('reads an S3 URL: credentials, endpoint, bucket, prefix, region, addressing style', () => {
    expect(
      parseS3Url('s3://AK%2F1:S%2BK@oss-cn-hangzhou.aliyuncs.com/my-bucket/prod/files?region=oss-cn-hangzhou&style=virtual', {}),
    ).toEqual({
      endpoint: 'https://oss-cn-hangzhou.aliyuncs.com',
      bucket: 'my-bucket',
      prefix: 'prod/files/',
      region: 'oss-cn-hangzhou',
      accessKeyId: 'AK/1',
      secretAccessKey: 'S+K',
      style: 'virtual',
    })
    expect(
      parseS3Url('s3://minio.local:9000/bucket1?tls=false', {
        AWS_ACCESS_KEY_ID: 'a',
        AWS_SECRET_ACCESS_KEY: 'b',
        AWS_REGION: 'cn-north-1',
      }),
    ).toMatchObject({
      endpoint: 'http://minio.local:9000',
      prefix: '',
      region: 'cn-north-1',
      accessKeyId: 'a',
      style: 'path',
    })
  })

  it('names STORAGE_URL in every problem', () => {
    expect(problems(() => parseS3Url('s3://host.example/bucket', {}))).toEqual([expect.stringMatching(/^STORAGE_URL: needs credentials/)])
    expect(problems(() => parseS3Url('s3://k:s@host.example/', {}))).toEqual([expect.stringMatching(/^STORAGE_URL: names no valid bucket/)])
    expect(problems(() => parseS3Url('s3://k:s@host.example/b-1?style=odd', {}))).toEqual(['STORAGE_URL: style must be path or virtual'])
    expect(problems(() => createFileStorage('ftp://x'))).toEqual(['STORAGE_URL: must start with file:// or s3://'])
    expect(problems(() => createFileStorage('file://'))).toEqual([expect.stringMatching(/^STORAGE_URL: names no directory/)])
  })
})
