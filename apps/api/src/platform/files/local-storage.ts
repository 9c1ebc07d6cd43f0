import { createHash, randomUUID } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rename, rm, stat } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { assertValidKey, objectNotFound, type FileStorage, type StoredObject } from './storage.ts'

/** Counts and hashes the bytes flowing through it. */
export function measuring(): Transform & { result(): StoredObject } {
  const hash = createHash('sha256')
  let size = 0
  const t = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length
      hash.update(chunk)
      cb(null, chunk)
    },
  })
  return Object.assign(t, { result: () => ({ size, sha256: hash.digest('hex') }) })
}

/**
 * Files in a directory, one file per key. Writes go to `.tmp/` first and are renamed into
 * place, so a reader never sees half a file and a failed upload leaves nothing behind.
 */
export function createLocalStorage(root: string): FileStorage {
  const tmpDir = join(root, '.tmp')
  const pathOf = (key: string) => {
    assertValidKey(key)
    return join(root, ...key.split('/'))
  }
  const statOf = async (path: string) => {
    try {
      const s = await stat(path)
      return s.isFile() ? s : undefined
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw e
    }
  }

  return {
    kind: 'local',
    async put(key, body) {
      const target = pathOf(key)
      await mkdir(tmpDir, { recursive: true })
      const tmp = join(tmpDir, randomUUID())
      const measure = measuring()
      try {
        await pipeline(Buffer.isBuffer(body) ? Readable.from([body]) : body, measure, createWriteStream(tmp, { flags: 'wx', mode: 0o600 }))
        await mkdir(dirname(target), { recursive: true })
        await rename(tmp, target)
      } catch (e) {
        await rm(tmp, { force: true })
        throw e
      }
      return measure.result()
    },
    async get(key) {
      const path = pathOf(key)
      if (!(await statOf(path))) throw objectNotFound(key)
      return createReadStream(path)
    },
    async delete(key) {
      await rm(pathOf(key), { force: true })
    },
    async stat(key) {
      const s = await statOf(pathOf(key))
      return s ? { size: s.size } : undefined
    },
  }
}
