import type { Readable } from 'node:stream'
import { NotFoundError } from '../errors.ts'

/** What a caller knows about an object it stores. */
export interface PutMeta {
  contentType: string
}

export interface StoredObject {
  size: number
  /** Hex SHA-256 of the stored bytes. */
  sha256: string
}

export interface ObjectStat {
  size: number
  contentType?: string
}

/**
 * Where file bytes live: a local directory by default, S3-compatible object storage when
 * STORAGE_URL says so. Keys are chosen by the platform (never a user's file name):
 * `[A-Za-z0-9_.=-]` segments joined by `/`.
 */
export interface FileStorage {
  readonly kind: 'local' | 's3'
  /** Stores the bytes under `key`, replacing any object there. A failed put leaves nothing behind. */
  put(key: string, body: Readable | Buffer, meta: PutMeta): Promise<StoredObject>
  /** The object's bytes; NotFoundError when there is none. */
  get(key: string): Promise<Readable>
  /** Removes the object; a missing object is not an error. */
  delete(key: string): Promise<void>
  /** Size (and type where the backend keeps it), or undefined when there is no such object. */
  stat(key: string): Promise<ObjectStat | undefined>
}

const keySegment = /^[A-Za-z0-9_=-][A-Za-z0-9_.=-]*$/

/** Throws unless `key` is a safe relative object key (no `..`, no empty or hidden segments). */
export function assertValidKey(key: string): void {
  const ok = key.length > 0 && key.length <= 512 && key.split('/').every((s) => keySegment.test(s) && s !== '..')
  if (!ok) throw new Error(`Invalid storage key ${JSON.stringify(key)}`)
}

export function objectNotFound(key: string): NotFoundError {
  return new NotFoundError('file', key)
}
