import PDFDocument from 'pdfkit'
import { ValidationError } from '../errors.ts'
import { cjkFonts } from './fonts.ts'

export type Pdf = PDFKit.PDFDocument

export const MM = 72 / 25.4
export const REGULAR = 'cjk'
export const BOLD = 'cjk-bold'

/**
 * A new A4 document with the Chinese font registered as `cjk` / `cjk-bold` (embedded as a
 * subset, with a ToUnicode map so the text can be searched and copied), and a promise of its bytes.
 */
export async function createPdf(opts: {
  title: string
  author?: string
  createdAt?: Date
  margin?: number
}): Promise<{ doc: Pdf; bytes: Promise<Buffer> }> {
  const fonts = await cjkFonts()
  const doc = new PDFDocument({
    size: 'A4',
    margin: opts.margin ?? 48,
    bufferPages: true,
    info: { Title: opts.title, Author: opts.author ?? 'Aftercare', Creator: 'Aftercare', CreationDate: opts.createdAt ?? new Date() },
    lang: 'zh-CN',
    displayTitle: true,
  })
  doc.registerFont(REGULAR, fonts.regular.data, fonts.regular.postscriptName)
  doc.registerFont(BOLD, fonts.bold.data, fonts.bold.postscriptName)
  doc.font(REGULAR)
  const chunks: Buffer[] = []
  const bytes = new Promise<Buffer>((resolve, reject) => {
    doc.on('data', (c: Buffer) => chunks.push(c))
    doc.on('end', () => resolve(Buffer.concat(chunks)))
    doc.on('error', reject)
  })
  return { doc, bytes }
}

/** PNG or JPEG by magic number: what pdfkit can embed. */
export function assertImage(field: string, data: Buffer): void {
  const png = data.length > 8 && data.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
  const jpeg = data.length > 3 && data[0] === 0xff && data[1] === 0xd8 && data[2] === 0xff
  if (!png && !jpeg) throw ValidationError.field(field, 'must be a PNG or JPEG image')
}

/** Drops control characters that would print as boxes; keeps line breaks and tabs. */
export function cleanText(s: string): string {
  return s.replace(/\r\n?/g, '\n').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
}

/** `2026-05-03 14:05` in the given time zone. */
export function formatDateTime(d: Date | string, timeZone: string): string {
  const date = typeof d === 'string' ? new Date(d) : d
  if (Number.isNaN(date.getTime())) return String(d)
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(date)
}
