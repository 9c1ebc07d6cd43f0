// Checking a ZIP archive before a library unpacks it in memory (an .xlsx, a .docx …): how many
// entries, how large unpacked, how tightly packed, and whether the sizes the headers declare are
// true, without keeping anything unpacked. Nothing here knows what the archive is for.
import { createInflateRaw } from 'node:zlib'

export interface ZipLimits {
  maxEntries: number
  /** The sum of the entries' declared unpacked sizes. */
  maxUnpackedBytes: number
  /** Entries larger than `ratioCheckedFrom` unpacked may not be packed more tightly than this. */
  maxRatio: number
  ratioCheckedFrom: number
}

/** Why an archive is refused; `name` is the entry at fault (its first 100 characters). */
export type ZipProblem =
  { kind: 'damaged' | 'zip64' | 'too_many_entries' | 'too_large' } | { kind: 'too_tightly_packed' | 'larger_than_declared'; name: string }

const END_OF_CENTRAL_DIRECTORY = Buffer.from([0x50, 0x4b, 0x05, 0x06])
const CENTRAL_FILE_HEADER = 0x02014b50
const LOCAL_FILE_HEADER = 0x04034b50
const MAX_16 = 0xffff
const MAX_32 = 0xffffffff

/** How many bytes raw deflate data unpacks to, counted without keeping them and no further than `limit + 1`; -1 if it is not valid. */
function inflatedLength(data: Buffer, limit: number): Promise<number> {
  return new Promise((resolve) => {
    const inflate = createInflateRaw({ chunkSize: 64 * 1024 })
    let length = 0
    inflate.on('data', (chunk: Buffer) => {
      length += chunk.length
      if (length <= limit) return
      inflate.destroy()
      resolve(length)
    })
    inflate.on('end', () => resolve(length))
    inflate.on('error', () => resolve(-1))
    inflate.end(data)
  })
}

/**
 * What is wrong with the archive, or undefined when it may be unpacked: too many entries, too
 * large unpacked, an entry packed too tightly, ZIP64, or damage. The central directory is read
 * first and nothing is inflated; then, because unpackers such as JSZip trust the declared sizes,
 * each entry is inflated once into a counter that stops as soon as it passes its declared size
 * (whose total is bounded above). The layout is checked strictly so that an unpacker cannot see
 * entries this check did not: the central directory ends exactly at the end record, which ends
 * the file.
 */
export async function zipProblem(bytes: Buffer, limits: ZipLimits): Promise<ZipProblem | undefined> {
  const damaged = { kind: 'damaged' } as const
  const zip64 = { kind: 'zip64' } as const
  const end = bytes.lastIndexOf(END_OF_CENTRAL_DIRECTORY)
  if (end < 0 || end + 22 > bytes.length) return damaged
  const disks = [bytes.readUInt16LE(end + 4), bytes.readUInt16LE(end + 6)]
  const entriesOnDisk = bytes.readUInt16LE(end + 8)
  const entryCount = bytes.readUInt16LE(end + 10)
  const directorySize = bytes.readUInt32LE(end + 12)
  const directoryStart = bytes.readUInt32LE(end + 16)
  if ([...disks, entriesOnDisk, entryCount].includes(MAX_16) || directorySize === MAX_32 || directoryStart === MAX_32) return zip64
  if (end + 22 + bytes.readUInt16LE(end + 20) !== bytes.length) return damaged
  if (disks.some((d) => d !== 0) || entriesOnDisk !== entryCount || directoryStart + directorySize !== end) return damaged
  if (entryCount > limits.maxEntries) return { kind: 'too_many_entries' }

  const entries: { name: string; stored: boolean; size: number; data: Buffer }[] = []
  let total = 0
  for (let at = directoryStart; at < end;) {
    if (entries.length === entryCount || at + 46 > end || bytes.readUInt32LE(at) !== CENTRAL_FILE_HEADER) return damaged
    const flags = bytes.readUInt16LE(at + 8)
    const method = bytes.readUInt16LE(at + 10)
    const packed = bytes.readUInt32LE(at + 20)
    const size = bytes.readUInt32LE(at + 24)
    const nameLength = bytes.readUInt16LE(at + 28)
    const localHeader = bytes.readUInt32LE(at + 42)
    const name = bytes.toString('utf8', at + 46, Math.min(at + 46 + nameLength, end)).slice(0, 100)
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32)
    if (packed === MAX_32 || size === MAX_32 || localHeader === MAX_32) return zip64
    total += size
    if (total > limits.maxUnpackedBytes) return { kind: 'too_large' }
    if (size > limits.ratioCheckedFrom && size > packed * limits.maxRatio) return { kind: 'too_tightly_packed', name }
    // encrypted (bit 0), or neither stored (0) nor deflated (8)
    if (at > end || flags & 1 || (method !== 0 && method !== 8)) return damaged
    if (localHeader + 30 > directoryStart || bytes.readUInt32LE(localHeader) !== LOCAL_FILE_HEADER) return damaged
    const dataStart = localHeader + 30 + bytes.readUInt16LE(localHeader + 26) + bytes.readUInt16LE(localHeader + 28)
    if (dataStart + packed > directoryStart) return damaged
    entries.push({ name, stored: method === 0, size, data: bytes.subarray(dataStart, dataStart + packed) })
  }
  if (entries.length !== entryCount) return damaged

  for (const entry of entries) {
    // nothing packed is nothing unpacked (JSZip reads it so; zlib calls it truncated)
    const length = entry.stored || entry.data.length === 0 ? entry.data.length : await inflatedLength(entry.data, entry.size)
    if (length > entry.size) return { kind: 'larger_than_declared', name: entry.name }
    if (length !== entry.size) return damaged
  }
  return undefined
}
