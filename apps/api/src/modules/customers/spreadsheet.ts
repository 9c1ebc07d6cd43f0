// Reading and writing one table as CSV or Excel (.xlsx) for imports and exports.
// CSV comes from Chinese Excel in GBK as often as in UTF-8: both are read; exports are
// UTF-8 with a BOM so Excel opens them correctly. Cells that a spreadsheet would run as a
// formula (= + - @) are written with a leading apostrophe and read back without it.
// An .xlsx is a ZIP archive that ExcelJS inflates in memory: it is checked first
// (platform/files/zip-guard.ts), so a few MB cannot unpack to gigabytes (a zip bomb).
import ExcelJS from 'exceljs'
import type { SheetFormat } from '@aftercare/contracts'
import { ValidationError } from '../../platform/errors.ts'
import { zipProblem } from '../../platform/files/zip-guard.ts'

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

const mb = (bytes: number) => `${bytes / 1024 / 1024} MB`

/** Refuses an .xlsx whose ZIP could exhaust memory when ExcelJS (which takes no limits) unpacks it. */
async function assertSafeXlsx(bytes: Buffer, fileName: string): Promise<void> {
  const problem = await zipProblem(bytes, {
    maxEntries: MAX_XLSX_ENTRIES,
    maxUnpackedBytes: MAX_XLSX_UNPACKED_BYTES,
    maxRatio: MAX_XLSX_RATIO,
    ratioCheckedFrom: RATIO_CHECKED_FROM,
  })
  if (!problem) return
  const bomb = 'refused as a possible zip bomb'
  const reason = {
    damaged: () => 'is not a readable Excel (.xlsx) file: the archive is damaged',
    zip64: () => 'is not a readable Excel (.xlsx) file: it needs ZIP64, which a spreadsheet for import never does',
    too_many_entries: () => `holds more than ${MAX_XLSX_ENTRIES} files inside; ${bomb}`,
    too_large: () => `unpacks to more than ${mb(MAX_XLSX_UNPACKED_BYTES)}; ${bomb}`,
    too_tightly_packed: (name: string) => `holds ${name}, packed more than ${MAX_XLSX_RATIO}:1; ${bomb}`,
    larger_than_declared: (name: string) => `holds ${name}, which unpacks to more than its header declares; ${bomb}`,
  }[problem.kind]('name' in problem ? problem.name : '')
  throw ValidationError.field('contentBase64', `${fileName} ${reason}`)
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
