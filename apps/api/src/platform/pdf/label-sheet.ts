import { ValidationError } from '../errors.ts'
import { BOLD, MM, REGULAR, assertImage, cleanText, createPdf } from './document.ts'

export interface LabelInput {
  /** The QR code as PNG (or JPEG), e.g. from `qrcode`'s toBuffer. */
  qrPng: Buffer
  title: string
  subtitle?: string
}

/** Where labels sit on an A4 sheet, in millimetres. */
export interface LabelSheetLayout {
  columns: number
  rows: number
  labelWidthMm: number
  labelHeightMm: number
  marginTopMm: number
  marginLeftMm: number
  gapXMm: number
  gapYMm: number
  /** Inner space between a label's edge and its content. */
  paddingMm: number
  /** A thin outline around each label, for plain paper cut by hand. */
  outline: boolean
  /** Positions already used on the first sheet: printing starts after them. */
  skip: number
}

/** Common A4 label stock. */
export const LABEL_PRESETS = {
  /** 24 per sheet, 70 × 37 mm, edge to edge (the usual "A4 3×8" stock). */
  'a4-3x8': { columns: 3, rows: 8, labelWidthMm: 70, labelHeightMm: 37, marginTopMm: 0.5, marginLeftMm: 0, gapXMm: 0, gapYMm: 0 },
  /** 14 per sheet, 99.1 × 38.1 mm (L7163 type). */
  'a4-2x7': {
    columns: 2,
    rows: 7,
    labelWidthMm: 99.1,
    labelHeightMm: 38.1,
    marginTopMm: 15.15,
    marginLeftMm: 4.65,
    gapXMm: 2.5,
    gapYMm: 0,
  },
  /** 40 per sheet, 52.5 × 29.7 mm (small devices). */
  'a4-4x10': { columns: 4, rows: 10, labelWidthMm: 52.5, labelHeightMm: 29.7, marginTopMm: 0, marginLeftMm: 0, gapXMm: 0, gapYMm: 0 },
} as const satisfies Record<string, Omit<LabelSheetLayout, 'paddingMm' | 'outline' | 'skip'>>

export type LabelPreset = keyof typeof LABEL_PRESETS

const A4 = { widthMm: 210, heightMm: 297 }
export const MAX_LABELS = 5000
const LINE_GAP = 1

function resolveLayout(input: (Partial<LabelSheetLayout> & { preset?: LabelPreset }) | undefined): LabelSheetLayout {
  const preset = input?.preset ?? 'a4-3x8'
  if (!(preset in LABEL_PRESETS)) throw ValidationError.field('layout.preset', `must be one of ${Object.keys(LABEL_PRESETS).join(', ')}`)
  const { preset: _preset, ...overrides } = input ?? {}
  const l: LabelSheetLayout = { ...LABEL_PRESETS[preset], paddingMm: 3, outline: false, skip: 0, ...overrides }
  for (const k of ['columns', 'rows'] as const)
    if (!Number.isInteger(l[k]) || l[k] < 1 || l[k] > 30) throw ValidationError.field(`layout.${k}`, 'must be a whole number from 1 to 30')
  for (const k of ['labelWidthMm', 'labelHeightMm'] as const)
    if (!Number.isFinite(l[k]) || l[k] < 15) throw ValidationError.field(`layout.${k}`, 'must be at least 15 mm')
  for (const k of ['marginTopMm', 'marginLeftMm', 'gapXMm', 'gapYMm', 'paddingMm'] as const)
    if (!Number.isFinite(l[k]) || l[k] < 0) throw ValidationError.field(`layout.${k}`, 'must be 0 or more millimetres')
  if (!Number.isInteger(l.skip) || l.skip < 0 || l.skip >= l.columns * l.rows)
    throw ValidationError.field('layout.skip', `must be a whole number from 0 to ${l.columns * l.rows - 1}`)
  const usedWidth = l.marginLeftMm + l.columns * l.labelWidthMm + (l.columns - 1) * l.gapXMm
  const usedHeight = l.marginTopMm + l.rows * l.labelHeightMm + (l.rows - 1) * l.gapYMm
  if (usedWidth > A4.widthMm + 0.01)
    throw ValidationError.field('layout.columns', `${l.columns} labels across need ${usedWidth.toFixed(1)} mm; A4 is 210 mm wide`)
  if (usedHeight > A4.heightMm + 0.01)
    throw ValidationError.field('layout.rows', `${l.rows} rows need ${usedHeight.toFixed(1)} mm; A4 is 297 mm high`)
  if (l.labelHeightMm - 2 * l.paddingMm < 10) throw ValidationError.field('layout.paddingMm', 'leaves less than 10 mm for the QR code')
  return l
}

/**
 * Renders device QR labels onto A4 sheets (default: 3 × 8 labels of 70 × 37 mm): the QR code on
 * the left, the title (bold, two lines at most) and subtitle (three lines at most) beside it,
 * cut with an ellipsis when too long. Labels fill row by row, page after page.
 */
export async function renderLabelSheet(
  labels: LabelInput[],
  layout?: Partial<LabelSheetLayout> & { preset?: LabelPreset },
): Promise<Buffer> {
  if (labels.length === 0) throw ValidationError.field('labels', 'at least one label is needed')
  if (labels.length > MAX_LABELS) throw ValidationError.field('labels', `at most ${MAX_LABELS} labels per document`)
  labels.forEach((l, i) => assertImage(`labels[${i}].qrPng`, l.qrPng))
  const l = resolveLayout(layout)
  const { doc, bytes } = await createPdf({ title: 'Labels', margin: 0 })
  const perPage = l.columns * l.rows
  const pad = l.paddingMm * MM
  const w = l.labelWidthMm * MM
  const h = l.labelHeightMm * MM
  const qr = h - 2 * pad
  const textWidth = w - qr - 3 * pad

  labels.forEach((label, i) => {
    const slot = i + l.skip
    if (slot > 0 && slot % perPage === 0) doc.addPage({ size: 'A4', margin: 0 })
    const onPage = slot % perPage
    const col = onPage % l.columns
    const row = Math.floor(onPage / l.columns)
    const x = (l.marginLeftMm + col * (l.labelWidthMm + l.gapXMm)) * MM
    const y = (l.marginTopMm + row * (l.labelHeightMm + l.gapYMm)) * MM
    if (l.outline) doc.rect(x, y, w, h).lineWidth(0.3).dash(2, { space: 2 }).strokeColor('#bbbbbb').stroke().undash()
    doc.image(label.qrPng, x + pad, y + pad, { width: qr, height: qr })
    const tx = x + qr + 2 * pad
    const titleSize = Math.min(10, h / 9)
    const subSize = Math.min(7.5, h / 12)
    // pdfkit stops at the last line that fits `height` and ends it with an ellipsis.
    const linesHeight = (lines: number) => lines * (doc.currentLineHeight(true) + LINE_GAP) + 0.5
    doc.font(BOLD).fontSize(titleSize).fillColor('#111111')
    doc.text(cleanText(label.title), tx, y + pad, { width: textWidth, height: linesHeight(2), ellipsis: true, lineGap: LINE_GAP })
    if (label.subtitle) {
      doc.font(REGULAR).fontSize(subSize).fillColor('#444444')
      doc.text(cleanText(label.subtitle), tx, doc.y + 2, { width: textWidth, height: linesHeight(3), ellipsis: true, lineGap: LINE_GAP })
    }
  })
  doc.end()
  return bytes
}
