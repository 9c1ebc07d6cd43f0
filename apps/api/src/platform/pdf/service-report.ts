import { ValidationError } from '../errors.ts'
import { BOLD, REGULAR, assertImage, cleanText, createPdf, formatDateTime, type Pdf } from './document.ts'

type When = Date | string

/** Everything a service report shows; the ticket module assembles it when a ticket closes. */
export interface ServiceReportInput {
  locale?: 'zh-CN' | 'en-US'
  /** For the times printed (default Asia/Shanghai). */
  timeZone?: string
  generatedAt?: Date
  company: { name: string; address?: string; phone?: string; logo?: Buffer }
  ticketNumber: string
  /** 上门维修, 远程支持, … */
  serviceType?: string
  customer: { name: string; contact?: string; phone?: string; address?: string }
  device?: { name?: string; model?: string; serialNumber?: string; warranty?: string }
  problem: string
  cause?: string
  actions?: string
  suggestions?: string
  parts?: { name: string; code?: string; quantity: number; unit?: string; note?: string }[]
  engineer?: { name: string; phone?: string }
  times?: { reportedAt?: When; arrivedAt?: When; resolvedAt?: When; closedAt?: When }
  /** More rows for the information grid (a category's custom fields). */
  extraFields?: { label: string; value: string }[]
  /** The customer's confirmation; `signature` is the PNG/JPEG the signature pad produced. */
  confirmation?: { name?: string; at?: When; comment?: string; signature?: Buffer }
}

const labels = {
  'zh-CN': {
    title: '服务报告',
    ticketNumber: '工单编号',
    generatedAt: '生成时间',
    info: '服务信息',
    serviceType: '服务类型',
    customer: '客户',
    contact: '联系人',
    phone: '联系电话',
    address: '地址',
    device: '设备',
    model: '型号',
    serialNumber: '序列号',
    warranty: '保修状态',
    engineer: '服务工程师',
    engineerPhone: '工程师电话',
    reportedAt: '报修时间',
    arrivedAt: '到场时间',
    resolvedAt: '完成时间',
    closedAt: '关闭时间',
    problem: '故障描述',
    cause: '原因分析',
    actions: '处理措施',
    suggestions: '建议',
    parts: '使用备件',
    index: '序号',
    partName: '名称',
    partCode: '编号',
    quantity: '数量',
    note: '备注',
    confirmation: '客户确认',
    confirmedBy: '确认人',
    confirmedAt: '确认时间',
    comment: '客户意见',
    signature: '客户签字',
    notSigned: '（未签字）',
    page: (n: number, total: number) => `第 ${n} 页 / 共 ${total} 页`,
  },
  'en-US': {
    title: 'Service report',
    ticketNumber: 'Ticket',
    generatedAt: 'Generated',
    info: 'Service details',
    serviceType: 'Service type',
    customer: 'Customer',
    contact: 'Contact',
    phone: 'Phone',
    address: 'Address',
    device: 'Device',
    model: 'Model',
    serialNumber: 'Serial number',
    warranty: 'Warranty',
    engineer: 'Engineer',
    engineerPhone: 'Engineer phone',
    reportedAt: 'Reported',
    arrivedAt: 'Arrived',
    resolvedAt: 'Resolved',
    closedAt: 'Closed',
    problem: 'Problem',
    cause: 'Cause',
    actions: 'Actions taken',
    suggestions: 'Suggestions',
    parts: 'Parts used',
    index: 'No.',
    partName: 'Name',
    partCode: 'Part number',
    quantity: 'Quantity',
    note: 'Note',
    confirmation: 'Customer confirmation',
    confirmedBy: 'Confirmed by',
    confirmedAt: 'Confirmed at',
    comment: 'Comment',
    signature: 'Signature',
    notSigned: '(not signed)',
    page: (n: number, total: number) => `Page ${n} of ${total}`,
  },
} as const

const INK = '#111111'
const MUTED = '#666666'
const ACCENT = '#1f3a5f'
const BAND = '#eef2f7'
const RULE = '#c8d0da'

function validate(r: ServiceReportInput) {
  const required: [string, string | undefined][] = [
    ['company.name', r.company?.name],
    ['ticketNumber', r.ticketNumber],
    ['customer.name', r.customer?.name],
    ['problem', r.problem],
  ]
  for (const [field, value] of required) if (!value?.trim()) throw ValidationError.field(field, 'is required')
  r.parts?.forEach((p, i) => {
    if (!p.name?.trim()) throw ValidationError.field(`parts[${i}].name`, 'is required')
    if (!Number.isFinite(p.quantity) || p.quantity < 0) throw ValidationError.field(`parts[${i}].quantity`, 'must be a number ≥ 0')
  })
  if (r.company.logo) assertImage('company.logo', r.company.logo)
  if (r.confirmation?.signature) assertImage('confirmation.signature', r.confirmation.signature)
}

/** Renders a ticket's service report as an A4 PDF (Chinese by default), ready to attach and send. */
export async function renderServiceReport(report: ServiceReportInput): Promise<Buffer> {
  validate(report)
  const L = labels[report.locale ?? 'zh-CN']
  const tz = report.timeZone ?? 'Asia/Shanghai'
  const when = (d: When | undefined) => (d === undefined ? undefined : formatDateTime(d, tz))
  const generatedAt = report.generatedAt ?? new Date()
  const { doc, bytes } = await createPdf({
    title: `${L.title} ${report.ticketNumber}`,
    author: report.company.name,
    createdAt: generatedAt,
  })
  const left = doc.page.margins.left
  const width = doc.page.width - left - doc.page.margins.right
  const bottom = () => doc.page.height - doc.page.margins.bottom
  const ensureSpace = (h: number) => {
    if (doc.y + h > bottom()) doc.addPage()
  }

  header(doc, report, L, when(generatedAt)!, left, width)

  const section = (title: string) => {
    ensureSpace(60)
    const y = doc.y + 10
    doc.rect(left, y, width, 18).fill(BAND)
    doc
      .font(BOLD)
      .fontSize(10.5)
      .fillColor(ACCENT)
      .text(title, left + 6, y + 3.5, { width: width - 12, lineBreak: false })
    doc.x = left
    doc.y = y + 24
  }
  const paragraph = (text: string) => {
    doc.font(REGULAR).fontSize(10).fillColor(INK).text(cleanText(text), left, doc.y, { width, lineGap: 3 })
    doc.x = left
  }

  const { customer, device, engineer, times } = report
  const info: (Omit<Cell, 'value'> & { value: string | undefined })[] = [
    { label: L.customer, value: customer.name },
    { label: L.contact, value: customer.contact },
    { label: L.phone, value: customer.phone },
    { label: L.serviceType, value: report.serviceType },
    { label: L.address, value: customer.address, wide: true },
    { label: L.device, value: device?.name },
    { label: L.model, value: device?.model },
    { label: L.serialNumber, value: device?.serialNumber },
    { label: L.warranty, value: device?.warranty },
    { label: L.engineer, value: engineer?.name },
    { label: L.engineerPhone, value: engineer?.phone },
    { label: L.reportedAt, value: when(times?.reportedAt) },
    { label: L.arrivedAt, value: when(times?.arrivedAt) },
    { label: L.resolvedAt, value: when(times?.resolvedAt) },
    { label: L.closedAt, value: when(times?.closedAt) },
    ...(report.extraFields ?? []).map((f) => ({ label: f.label, value: f.value, wide: Array.from(f.value).length > 24 })),
  ]
  section(L.info)
  grid(
    doc,
    info.filter((c): c is Cell => Boolean(c.value?.trim())),
    left,
    width,
    ensureSpace,
  )

  section(L.problem)
  paragraph(report.problem)
  for (const [title, text] of [
    [L.cause, report.cause],
    [L.actions, report.actions],
    [L.suggestions, report.suggestions],
  ] as const) {
    if (!text?.trim()) continue
    section(title)
    paragraph(text)
  }

  if (report.parts?.length) {
    section(L.parts)
    partsTable(doc, report.parts, L, left, width, ensureSpace)
  }

  confirmation(doc, report.confirmation, L, when, left, width, section, ensureSpace)

  footers(doc, `${report.company.name} · ${report.ticketNumber}`, L.page, left, width)
  doc.end()
  return bytes
}

function header(
  doc: Pdf,
  r: ServiceReportInput,
  L: (typeof labels)[keyof typeof labels],
  generatedAt: string,
  left: number,
  width: number,
) {
  const top = doc.page.margins.top
  let textLeft = left
  if (r.company.logo) {
    doc.image(r.company.logo, left, top, { fit: [48, 48] })
    textLeft = left + 58
  }
  const leftWidth = width * 0.6 - (textLeft - left)
  doc.font(BOLD).fontSize(15).fillColor(INK).text(cleanText(r.company.name), textLeft, top, { width: leftWidth })
  const sub = [r.company.address, r.company.phone].filter((s) => s?.trim()).join('  ')
  if (sub)
    doc
      .font(REGULAR)
      .fontSize(8.5)
      .fillColor(MUTED)
      .text(cleanText(sub), textLeft, doc.y + 2, { width: leftWidth })
  const leftBottom = Math.max(doc.y, r.company.logo ? top + 48 : 0)
  doc.font(BOLD).fontSize(20).fillColor(ACCENT).text(L.title, left, top, { width, align: 'right' })
  doc
    .font(REGULAR)
    .fontSize(9)
    .fillColor(INK)
    .text(`${L.ticketNumber}：${r.ticketNumber}`, left, doc.y + 2, { width, align: 'right' })
  doc
    .fontSize(8)
    .fillColor(MUTED)
    .text(`${L.generatedAt}：${generatedAt}`, left, doc.y + 1, { width, align: 'right' })
  const y = Math.max(leftBottom, doc.y) + 8
  doc
    .moveTo(left, y)
    .lineTo(left + width, y)
    .lineWidth(1.2)
    .strokeColor(ACCENT)
    .stroke()
  doc.x = left
  doc.y = y + 4
}

/** A label and its value; a wide cell takes a whole row. */
interface Cell {
  label: string
  value: string
  wide?: boolean
}

/** Label / value cells, two to a row (a wide one alone). */
function grid(doc: Pdf, cells: Cell[], left: number, width: number, ensureSpace: (h: number) => void) {
  const labelWidth = 64
  const rows: Cell[][] = []
  for (const cell of cells) {
    const last = rows.at(-1)
    if (!cell.wide && last?.length === 1 && !last[0]!.wide) last.push(cell)
    else rows.push([cell])
  }
  for (const row of rows) {
    const colWidth = row[0]!.wide ? width : width / 2
    const valueWidth = colWidth - labelWidth - 10
    doc.font(REGULAR).fontSize(9.5)
    const h = Math.max(...row.map((c) => doc.heightOfString(cleanText(c.value), { width: valueWidth }))) + 6
    ensureSpace(h)
    const y = doc.y
    row.forEach((c, j) => {
      const x = left + j * colWidth
      doc
        .font(REGULAR)
        .fontSize(9)
        .fillColor(MUTED)
        .text(c.label, x, y + 0.5, { width: labelWidth, lineBreak: false })
      doc
        .fontSize(9.5)
        .fillColor(INK)
        .text(cleanText(c.value), x + labelWidth, y, { width: valueWidth })
    })
    doc.x = left
    doc.y = y + h
  }
}

function partsTable(
  doc: Pdf,
  parts: NonNullable<ServiceReportInput['parts']>,
  L: (typeof labels)[keyof typeof labels],
  left: number,
  width: number,
  ensureSpace: (h: number) => void,
) {
  const fixed = [32, 110, 64, 110]
  const nameWidth = width - fixed.reduce((a, b) => a + b, 0)
  const cols = [32, nameWidth, 110, 64, 110]
  const pad = 4
  const drawRow = (cells: string[], opts: { head?: boolean } = {}) => {
    doc.font(opts.head ? BOLD : REGULAR).fontSize(9)
    const h = Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: cols[i]! - 2 * pad }))) + 2 * pad
    const y = doc.y
    if (opts.head) doc.rect(left, y, width, h).fill(BAND)
    let x = left
    cells.forEach((cell, i) => {
      doc.fillColor(opts.head ? ACCENT : INK).text(cell, x + pad, y + pad, { width: cols[i]! - 2 * pad })
      x += cols[i]!
    })
    doc
      .moveTo(left, y + h)
      .lineTo(left + width, y + h)
      .lineWidth(0.5)
      .strokeColor(RULE)
      .stroke()
    doc.x = left
    doc.y = y + h
    return h
  }
  const head = [L.index, L.partName, L.partCode, L.quantity, L.note]
  ensureSpace(48)
  drawRow(head, { head: true })
  parts.forEach((p, i) => {
    const cells = [
      String(i + 1),
      cleanText(p.name),
      cleanText(p.code ?? ''),
      `${p.quantity}${p.unit ? ` ${p.unit}` : ''}`,
      cleanText(p.note ?? ''),
    ]
    doc.font(REGULAR).fontSize(9)
    const h = Math.max(...cells.map((c, j) => doc.heightOfString(c, { width: cols[j]! - 2 * pad }))) + 2 * pad
    if (doc.y + h > doc.page.height - doc.page.margins.bottom) {
      doc.addPage()
      drawRow(head, { head: true })
    }
    drawRow(cells)
  })
}

/** Who confirmed and when, with their comment, beside the signature; kept on one page. */
function confirmation(
  doc: Pdf,
  c: ServiceReportInput['confirmation'],
  L: (typeof labels)[keyof typeof labels],
  when: (d: When | undefined) => string | undefined,
  left: number,
  width: number,
  section: (title: string) => void,
  ensureSpace: (h: number) => void,
) {
  const half = width / 2
  const labelWidth = 64
  const valueWidth = half - labelWidth - 10
  const rows: [string, string][] = [
    [L.confirmedBy, c?.name?.trim() || '—'],
    [L.confirmedAt, when(c?.at) ?? '—'],
    ...(c?.comment?.trim() ? [[L.comment, cleanText(c.comment)] as [string, string]] : []),
  ]
  doc.font(REGULAR).fontSize(9.5)
  const heights = rows.map(([, v]) => doc.heightOfString(v, { width: valueWidth }) + 6)
  const blockHeight = Math.max(
    heights.reduce((a, b) => a + b, 0),
    92,
  )
  ensureSpace(blockHeight + 40)
  section(L.confirmation)
  const top = doc.y
  let y = top
  rows.forEach(([label, value], i) => {
    doc
      .font(REGULAR)
      .fontSize(9)
      .fillColor(MUTED)
      .text(label, left, y + 0.5, { width: labelWidth, lineBreak: false })
    doc
      .fontSize(9.5)
      .fillColor(INK)
      .text(value, left + labelWidth, y, { width: valueWidth })
    y += heights[i]!
  })
  const sx = left + half
  doc
    .font(REGULAR)
    .fontSize(9)
    .fillColor(MUTED)
    .text(L.signature, sx, top + 0.5, { width: labelWidth, lineBreak: false })
  const box = { x: sx + labelWidth, y: top, w: half - labelWidth, h: 72 }
  if (c?.signature) doc.image(c.signature, box.x, box.y, { fit: [box.w, box.h], align: 'center', valign: 'bottom' })
  else doc.fontSize(10).text(L.notSigned, box.x, box.y + box.h - 16, { width: box.w, align: 'center', lineBreak: false })
  doc
    .moveTo(box.x, box.y + box.h + 4)
    .lineTo(box.x + box.w, box.y + box.h + 4)
    .lineWidth(0.6)
    .strokeColor(RULE)
    .stroke()
  doc.x = left
  doc.y = top + blockHeight
}

/** `company · ticket` and `page n of m` at the foot of every page. */
function footers(doc: Pdf, text: string, page: (n: number, total: number) => string, left: number, width: number) {
  const range = doc.bufferedPageRange()
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i)
    const margin = doc.page.margins.bottom
    doc.page.margins.bottom = 0 // writing below the margin must not start a new page
    const y = doc.page.height - 32
    doc.font(REGULAR).fontSize(8).fillColor(MUTED)
    doc.text(cleanText(text), left, y, { width: width * 0.7, lineBreak: false, ellipsis: true })
    doc.text(page(i + 1, range.count), left, y, { width, align: 'right', lineBreak: false })
    doc.page.margins.bottom = margin
  }
}
