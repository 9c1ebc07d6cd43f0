// Reads a PDF back for tests, the way a viewer does (pdf.js): text through each font's
// ToUnicode map, positions in points from the page's bottom-left, images painted per page.
import { OPS, getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs'

export interface PdfTextItem {
  page: number
  str: string
  x: number
  y: number
}

export interface PdfContent {
  pages: number
  /** Each page's text, items joined without separators (CJK has no spaces). */
  text: string[]
  items: PdfTextItem[]
  imagesPerPage: number[]
}

export async function readPdf(bytes: Buffer): Promise<PdfContent> {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise
  const out: PdfContent = { pages: pdf.numPages, text: [], items: [], imagesPerPage: [] }
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n)
    const content = await page.getTextContent()
    let text = ''
    for (const item of content.items) {
      if (!('str' in item)) continue
      text += item.str
      if (item.str.trim()) out.items.push({ page: n, str: item.str, x: item.transform[4] as number, y: item.transform[5] as number })
    }
    out.text.push(text)
    const ops = await page.getOperatorList()
    out.imagesPerPage.push(ops.fnArray.filter((f) => f === OPS.paintImageXObject).length)
  }
  await pdf.destroy()
  return out
}

/** The embedded fonts' names (`ABCDEF+NotoSansSC-Regular`): pdfkit writes font dictionaries uncompressed. */
export const embeddedFonts = (bytes: Buffer) => [
  ...new Set([...bytes.toString('latin1').matchAll(/\/BaseFont\s*\/([A-Z]{6}\+[\w-]+)/g)].map((m) => m[1]!)),
]

/** Without whitespace: what a reader sees, independent of how lines were split. */
export const squash = (s: string) => s.replace(/\s+/g, '')
