// Reading and writing one table as CSV or Excel (.xlsx) for imports and exports.
// CSV comes from Chinese Excel in GBK as often as in UTF-8: both are read; exports are
// UTF-8 with a BOM so Excel opens them correctly. Cells that a spreadsheet would run as a
// formula (= + - @) are written with a leading apostrophe and read back without it.
// An .xlsx is a ZIP archive that ExcelJS inflates in memory: its central directory is checked
// first (entries, unpacked size, ratio), so a few MB cannot unpack to gigabytes (a zip bomb).
import { createInflateRaw } from 'node:zlib'
import ExcelJS from 'exceljs'
import type { SheetFormat } from '@aftercare/contracts'
import { ValidationError } from '../../platform/errors.ts'

export interface SheetColumn {
  key: string
  /** The header in the templates and exports (Chinese). */
  header: string
  /** Other headers accepted on import (English, the key itself). */
  aliases?: string[]
  required?: boolean
  width?: number
}

export interface SheetRow {
  /** The row number as the spreadsheet shows it (the header is row 1). */
  row: number
  values: Record<string, string>
}

export interface ReadSheet {
  rows: SheetRow[]
  /** Required columns the header row lacks. */
  missing: SheetColumn[]
}

export const MAX_IMPORT_BYTES = 10 * 1024 * 1024
export const MAX_IMPORT_ROWS = 20_000
/** Limits on the ZIP inside an .xlsx (ASVS 5.2.3); a workbook for import holds a dozen or so entries. */
export const MAX_XLSX_ENTRIES = 1_000
export const MAX_XLSX_UNPACKED_BYTES = 100 * 1024 * 1024
/** Entries over 1 MB may not unpack to more than 100 times their packed size. */
export const MAX_XLSX_RATIO = 100
const RATIO_CHECKED_FROM = 1024 * 1024

const formulaStart = /^[=+\-@\t\r]/

function decodeText(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2))
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
  } catch {
    // Not UTF-8: Excel's "CSV" on a Chinese Windows writes GBK (a subset of GB18030).
    return new TextDecoder('gb18030').decode(bytes)
  }
}

/** RFC 4180: quoted fields may hold commas, quotes ("") and line breaks. */
export function parseCsv(text: string): string[][] {
  const firstLine = text.slice(0, text.search(/\r?\n|$/))
  const sep = (firstLine.match(/\t/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? '\t' : ','
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i++
        } else quoted = false
      } else field += c
    } else if (c === '"' && field === '') quoted = true
    else if (c === sep) {
      row.push(field)
      field = ''
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++
      row.push(field)
      rows.push(row)
      row = []
      field = ''
    } else field += c
  }
  if (field !== '' || row.length) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

const csvCell = (v: string) => {
  const safe = formulaStart.test(v) ? `'${v}` : v
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe
}

const pad = (n: number) => String(n).padStart(2, '0')

function cellText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return ''
  if (v instanceof Date) return `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`
  if (typeof v === 'string') return v
  if (typeof v === 'number' || typeof v === 'boolean') return String(v)
  if ('richText' in v) return v.richText.map((r) => r.text).join('')
  if ('hyperlink' in v) return typeof v.text === 'string' ? v.text : cellText(v.text as ExcelJS.CellValue)
  if ('formula' in v || 'sharedFormula' in v) return cellText((v as { result?: ExcelJS.CellValue }).result ?? null)
  return ''
}

async function readGrid(bytes: Buffer, format: SheetFormat): Promise<string[][]> {
  if (format === 'csv') return parseCsv(decodeText(bytes))
  const wb = new ExcelJS.Workbook()
  try {
    await wb.xlsx.load(bytes as unknown as ArrayBuffer)
  } catch {
    throw ValidationError.field('contentBase64', 'is not a readable Excel (.xlsx) file')
  }
  const sheet = wb.worksheets.find((ws) => ws.actualRowCount > 0)
  if (!sheet) return []
  const grid: string[][] = []
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    if (n > MAX_IMPORT_ROWS + 1) return
    const cells: string[] = []
    row.eachCell({ includeEmpty: true }, (cell, col) => {
      cells[col - 1] = cellText(cell.value)
    })
    grid[n - 1] = Array.from(cells, (c) => c ?? '')
  })
  return Array.from(grid, (r) => r ?? [])
}

const END_OF_CENTRAL_DIRECTORY = Buffer.from([0x50, 0x4b, 0x05, 0x06])
const CENTRAL_FILE_HEADER = 0x02014b50
const LOCAL_FILE_HEADER = 0x04034b50
const MAX_16 = 0xffff
const MAX_32 = 0xffffffff
const mb = (bytes: number) => `${bytes / 1024 / 1024} MB`

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
 * Refuses an .xlsx whose ZIP could exhaust memory when ExcelJS unpacks it: too many entries,
 * too large unpacked, an entry packed more tightly than a spreadsheet ever is, ZIP64 (never
 * needed by a file under the upload limit) or a damaged archive. Only the central directory is
 * read first, nothing is inflated. ExcelJS (through JSZip) takes no limits and trusts the sizes
 * the headers declare, so the headers are then held to account: each entry is inflated once
 * into a counter, stopping as soon as it passes its declared size (the total of which is
 * bounded above). The layout is checked strictly so that JSZip cannot see entries this check
 * did not: the central directory ends exactly at the end record, which ends the file.
 */
async function assertSafeXlsx(bytes: Buffer, fileName: string): Promise<void> {
  const refuse = (reason: string) => ValidationError.field('contentBase64', `${fileName} ${reason}`)
  const damaged = () => refuse('is not a readable Excel (.xlsx) file: the archive is damaged')
  const zip64 = () => refuse('is not a readable Excel (.xlsx) file: it needs ZIP64, which a spreadsheet for import never does')
  const end = bytes.lastIndexOf(END_OF_CENTRAL_DIRECTORY)
  if (end < 0 || end + 22 > bytes.length) throw damaged()
  const disks = [bytes.readUInt16LE(end + 4), bytes.readUInt16LE(end + 6)]
  const entriesOnDisk = bytes.readUInt16LE(end + 8)
  const entryCount = bytes.readUInt16LE(end + 10)
  const directorySize = bytes.readUInt32LE(end + 12)
  const directoryStart = bytes.readUInt32LE(end + 16)
  if ([...disks, entriesOnDisk, entryCount].includes(MAX_16) || directorySize === MAX_32 || directoryStart === MAX_32) throw zip64()
  if (end + 22 + bytes.readUInt16LE(end + 20) !== bytes.length) throw damaged()
  if (disks.some((d) => d !== 0) || entriesOnDisk !== entryCount || directoryStart + directorySize !== end) throw damaged()
  if (entryCount > MAX_XLSX_ENTRIES) throw refuse(`holds more than ${MAX_XLSX_ENTRIES} files inside; refused as a possible zip bomb`)

  const entries: { name: string; stored: boolean; size: number; data: Buffer }[] = []
  let total = 0
  for (let at = directoryStart; at < end;) {
    if (entries.length === entryCount || at + 46 > end || bytes.readUInt32LE(at) !== CENTRAL_FILE_HEADER) throw damaged()
    const flags = bytes.readUInt16LE(at + 8)
    const method = bytes.readUInt16LE(at + 10)
    const packed = bytes.readUInt32LE(at + 20)
    const size = bytes.readUInt32LE(at + 24)
    const nameLength = bytes.readUInt16LE(at + 28)
    const localHeader = bytes.readUInt32LE(at + 42)
    const name = bytes.toString('utf8', at + 46, Math.min(at + 46 + nameLength, end)).slice(0, 100)
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32)
    if (packed === MAX_32 || size === MAX_32 || localHeader === MAX_32) throw zip64()
    total += size
    if (total > MAX_XLSX_UNPACKED_BYTES) throw refuse(`unpacks to more than ${mb(MAX_XLSX_UNPACKED_BYTES)}; refused as a possible zip bomb`)
    if (size > RATIO_CHECKED_FROM && size > packed * MAX_XLSX_RATIO)
      throw refuse(`holds ${name}, packed more than ${MAX_XLSX_RATIO}:1; refused as a possible zip bomb`)
    // encrypted (bit 0), or neither stored (0) nor deflated (8): ExcelJS cannot read it either
    if (at > end || flags & 1 || (method !== 0 && method !== 8)) throw damaged()
    if (localHeader + 30 > directoryStart || bytes.readUInt32LE(localHeader) !== LOCAL_FILE_HEADER) throw damaged()
    const dataStart = localHeader + 30 + bytes.readUInt16LE(localHeader + 26) + bytes.readUInt16LE(localHeader + 28)
    if (dataStart + packed > directoryStart) throw damaged()
    entries.push({ name, stored: method === 0, size, data: bytes.subarray(dataStart, dataStart + packed) })
  }
  if (entries.length !== entryCount) throw damaged()

  for (const entry of entries) {
    // nothing packed is nothing unpacked (JSZip reads it so; zlib calls it truncated)
    const length = entry.stored || entry.data.length === 0 ? entry.data.length : await inflatedLength(entry.data, entry.size)
    if (length > entry.size)
      throw refuse(`holds ${entry.name}, which unpacks to more than its header declares; refused as a possible zip bomb`)
    if (length !== entry.size) throw damaged()
  }
}

/** xlsx files are zip archives (`PK`); anything else is read as CSV. */
export function sheetFormatOf(bytes: Buffer, fileName: string): SheetFormat {
  if (bytes[0] === 0x50 && bytes[1] === 0x4b) return 'xlsx'
  if (/\.xlsx?$/i.test(fileName))
    throw ValidationError.field('contentBase64', 'is not a readable Excel (.xlsx) file; old .xls files must be saved as .xlsx or CSV')
  return 'csv'
}

/** Reads the first sheet: row 1 holds the headers, matched to `columns` by header or alias. */
export async function readSheet(bytes: Buffer, fileName: string, columns: readonly SheetColumn[]): Promise<ReadSheet> {
  if (bytes.length > MAX_IMPORT_BYTES)
    throw ValidationError.field('contentBase64', `the file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB`)
  const format = sheetFormatOf(bytes, fileName)
  if (format === 'xlsx') await assertSafeXlsx(bytes, fileName)
  const grid = await readGrid(bytes, format)
  const norm = (h: string) =>
    h
      .replace(/^\uFEFF/, '')
      .replace(/[\s*＊]/g, '')
      .toLowerCase()
  const headers = (grid[0] ?? []).map(norm)
  const index = new Map<string, number>()
  for (const col of columns) {
    const names = [col.header, col.key, ...(col.aliases ?? [])].map(norm)
    const at = headers.findIndex((h) => names.includes(h))
    if (at >= 0) index.set(col.key, at)
  }
  const missing = columns.filter((c) => c.required && !index.has(c.key))
  if (grid.length - 1 > MAX_IMPORT_ROWS)
    throw ValidationError.field('contentBase64', `the file has more than ${MAX_IMPORT_ROWS} rows; split it`)
  const rows: SheetRow[] = []
  for (let r = 1; r < grid.length; r++) {
    const cells = grid[r] ?? []
    if (cells.every((c) => c.trim() === '')) continue
    const values: Record<string, string> = {}
    for (const col of columns) {
      const raw = (cells[index.get(col.key) ?? -1] ?? '').trim()
      values[col.key] = /^'[=+\-@]/.test(raw) ? raw.slice(1) : raw
    }
    rows.push({ row: r + 1, values })
  }
  return { rows, missing }
}

/** One sheet with the columns' headers, then the rows; CSV is UTF-8 with a BOM. */
export async function writeSheet(
  format: SheetFormat,
  sheetName: string,
  columns: readonly SheetColumn[],
  rows: readonly Record<string, string>[],
): Promise<Buffer> {
  if (format === 'csv') {
    const lines = [columns.map((c) => csvCell(c.header)), ...rows.map((r) => columns.map((c) => csvCell(r[c.key] ?? '')))]
    return Buffer.from('\uFEFF' + lines.map((l) => l.join(',')).join('\r\n') + '\r\n', 'utf8')
  }
  const wb = new ExcelJS.Workbook()
  wb.creator = 'Aftercare'
  const ws = wb.addWorksheet(sheetName, { views: [{ state: 'frozen', ySplit: 1 }] })
  ws.columns = columns.map((c) => ({
    header: c.header,
    key: c.key,
    width: c.width ?? Math.max(12, c.header.length * 2 + 4),
    style: { numFmt: '@' },
  }))
  ws.getRow(1).font = { bold: true }
  for (const r of rows) ws.addRow(Object.fromEntries(columns.map((c) => [c.key, r[c.key] ?? ''])))
  return Buffer.from(await wb.xlsx.writeBuffer())
}

export const sheetContentType: Record<SheetFormat, string> = {
  csv: 'text/csv; charset=utf-8',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
}

/** `Content-Disposition` with a Chinese file name (RFC 6266 / 5987) and an ASCII fallback. */
export function attachment(fileName: string, asciiFallback: string): string {
  return `attachment; filename="${asciiFallback}"; filename*=UTF-8''${encodeURIComponent(fileName)}`
}
