import { resolve } from 'node:path'
import { ConfigError } from '../config.ts'
import { createLocalStorage } from './local-storage.ts'
import { createS3Storage, type S3Options } from './s3-storage.ts'
import type { FileStorage } from './storage.ts'

const problem = (message: string) => new ConfigError([`STORAGE_URL: ${message}`])

/**
 * Parses `s3://[ACCESS_KEY:SECRET@]host[:port]/bucket[/prefix][?region=…&style=path|virtual&tls=false]`.
 * Credentials missing from the URL come from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY
 * (and AWS_SESSION_TOKEN), the region from AWS_REGION, else us-east-1.
 */
export function parseS3Url(storageUrl: string, env: NodeJS.ProcessEnv = process.env): S3Options {
  let url: URL
  try {
    url = new URL(storageUrl)
  } catch {
    throw problem('is not a valid URL (expected s3://host/bucket)')
  }
  if (!url.host) throw problem('names no host (expected s3://host/bucket, e.g. s3://s3.cn-north-1.amazonaws.com.cn/my-bucket)')
  const [bucket = '', ...rest] = url.pathname.split('/').filter(Boolean)
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) throw problem('names no valid bucket (expected s3://host/bucket)')
  const style = url.searchParams.get('style') ?? 'path'
  if (style !== 'path' && style !== 'virtual') throw problem('style must be path or virtual')
  const accessKeyId = url.username ? decodeURIComponent(url.username) : env.AWS_ACCESS_KEY_ID
  const secretAccessKey = url.password ? decodeURIComponent(url.password) : env.AWS_SECRET_ACCESS_KEY
  if (!accessKeyId || !secretAccessKey)
    throw problem('needs credentials: s3://ACCESS_KEY:SECRET@host/bucket, or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY')
  const tls = url.searchParams.get('tls') !== 'false'
  return {
    endpoint: `${tls ? 'https' : 'http'}://${url.host}`,
    bucket,
    prefix: rest.length ? `${rest.join('/')}/` : '',
    region: url.searchParams.get('region') ?? env.AWS_REGION ?? 'us-east-1',
    accessKeyId,
    secretAccessKey,
    ...(env.AWS_SESSION_TOKEN && !url.username ? { sessionToken: env.AWS_SESSION_TOKEN } : {}),
    style,
  }
}

/**
 * The storage STORAGE_URL names: `file://<dir>` (relative paths from the working directory;
 * created on the first upload) or `s3://…`.
 */
export function createFileStorage(storageUrl: string, env: NodeJS.ProcessEnv = process.env): FileStorage {
  if (storageUrl.startsWith('file://')) {
    const path = decodeURIComponent(storageUrl.slice('file://'.length))
    if (!path) throw problem('names no directory (expected file:///absolute/dir or file://./relative/dir)')
    return createLocalStorage(resolve(path))
  }
  if (storageUrl.startsWith('s3://')) return createS3Storage(parseS3Url(storageUrl, env))
  throw problem('must start with file:// or s3://')
}
