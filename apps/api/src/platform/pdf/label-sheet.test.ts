import QRCode from 'qrcode'
import { describe, expect, it } from 'vitest'
import { MM } from './document.ts'
import { renderLabelSheet, type LabelInput } from './label-sheet.ts'
import { readPdf, squash } from './pdf-text.ts'

const labels = (n: number): Promise<LabelInput[]> =>
  Promise.all(
    Array.from({ length: n }, async (_, i) => ({
      qrPng: await QRCode.toBuffer(`https://aftercare.example/q/${i}`, { margin: 1 }),
      title: `设备${String(i + 1).padStart(2, '0')}`,
      subtitle: `SN: CN${100000 + i} 上海某某科技`,
    })),
  )

const A4_HEIGHT = 297 * MM
const near = (a: number, b: number) => Math.abs(a - b) < 1.5

describe('QR label sheet PDF', () => {
  it('puts 24 labels on each A4 page in a 3 × 8 grid of 70 × 37 mm, in order', async () => {
    const read = await readPdf(await renderLabelSheet(await labels(30)))
    expect(read.pages).toBe(2)
    expect(read.imagesPerPage).toEqual([24, 6])
    const titles = read.items.filter((it) => /^设备\d\d$/.test(it.str))
    expect(titles.map((t) => t.str)).toEqual(Array.from({ length: 30 }, (_, i) => `设备${String(i + 1).padStart(2, '0')}`))
    const first = titles[0]!
    titles.forEach((t, i) => {
      const slot = i % 24
      expect(t.page).toBe(i < 24 ? 1 : 2)
      // Each label's title sits at the same place inside its cell: one column = 70 mm, one row = 37 mm.
      expect(near(t.x - first.x, (slot % 3) * 70 * MM), `x of ${t.str}`).toBe(true)
      expect(near(first.y - t.y, Math.floor(slot / 3) * 37 * MM), `y of ${t.str}`).toBe(true)
    })
    expect(first.y).toBeLessThan(A4_HEIGHT)
    expect(squash(read.text[0]!)).toContain('SN:CN100000上海某某科技')
  })

  it('starts after the positions already used on a sheet and cuts over-long titles with an ellipsis', async () => {
    const input = await labels(2)
    input[1]!.title = '工业级冷水机组螺杆式压缩机变频控制柜主板总成（含散热风扇与温度传感器组件）'
    const read = await readPdf(await renderLabelSheet(input, { preset: 'a4-2x7', skip: 3, outline: true }))
    expect(read.pages).toBe(1)
    const first = read.items.find((it) => it.str === '设备01')!
    // Slot 3 on a 2-column sheet is row 2, column 2: x = 4.65 + 99.1 + 2.5 mm from the left edge.
    expect(first.x).toBeGreaterThan((4.65 + 99.1 + 2.5) * MM)
    expect(first.x).toBeLessThan((4.65 + 2 * 99.1 + 2.5) * MM)
    // …and its first line's baseline lies just below the row's top edge plus the 3 mm padding.
    const fromTop = A4_HEIGHT - first.y - (15.15 + 38.1 + 3) * MM
    expect(fromTop).toBeGreaterThan(0)
    expect(fromTop).toBeLessThan(14)
    const long = squash(read.text[0]!)
    expect(long).toContain('工业级冷水机组')
    expect(long).toContain('…')
    expect(long).not.toContain('温度传感器组件')
  })

  it('refuses what it cannot lay out, naming the field', async () => {
    const two = await labels(2)
    await expect(renderLabelSheet([])).rejects.toMatchObject({ message: 'labels: at least one label is needed' })
    await expect(renderLabelSheet([two[0]!, { ...two[1]!, qrPng: Buffer.from('not an image') }])).rejects.toMatchObject({
      message: 'labels[1].qrPng: must be a PNG or JPEG image',
    })
    await expect(renderLabelSheet(two, { columns: 4 })).rejects.toMatchObject({
      message: 'layout.columns: 4 labels across need 280.0 mm; A4 is 210 mm wide',
    })
    await expect(renderLabelSheet(two, { skip: 24 })).rejects.toMatchObject({ message: 'layout.skip: must be a whole number from 0 to 23' })
    await expect(renderLabelSheet(two, { preset: 'a5' as 'a4-3x8' })).rejects.toMatchObject({
      message: 'layout.preset: must be one of a4-3x8, a4-2x7, a4-4x10',
    })
  })
})
