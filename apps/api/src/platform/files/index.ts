// File storage for every module: where bytes live (local directory or S3-compatible), how an
// upload arrives (multipart, sniffed, limited, hashed), how a download leaves, and the files table.
export type { FileStorage, ObjectStat, PutMeta, StoredObject } from './storage.ts'
export { createFileStorage, parseS3Url } from './create-storage.ts'
export { createLocalStorage } from './local-storage.ts'
export { createS3Storage, type S3Options } from './s3-storage.ts'
export {
  DEFAULT_MAX_FILE_BYTES,
  DEFAULT_MAX_FILES,
  DEFAULT_QUOTA_BYTES,
  FileTooLargeError,
  QuotaExceededError,
  assertWithinQuota,
  discardUploads,
  formatBytes,
  receiveUploads,
  registerMultipart,
  type ReceiveUploadsOptions,
  type ReceivedUploads,
  type UploadedFile,
} from './upload.ts'
export { INLINE_SAFE_TYPES, contentDisposition, sendStoredFile, type DownloadableFile } from './download.ts'
export { sanitizeFileName } from './file-name.ts'
export { sniffContentType } from './sniff.ts'
export { fileRecords, files, type FileOwner, type FileRecord } from './file-records.ts'
