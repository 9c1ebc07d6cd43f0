import QRCode from 'qrcode'
import { describe, expect, it } from 'vitest'
import { ValidationError } from '../errors.ts'
import { defaultCjkFontSources, loadCjkFonts } from './fonts.ts'
import { embeddedFonts, readPdf, squash } from './pdf-text.ts'
import { renderServiceReport, type ServiceReportInput } from './service-report.ts'

const report = async (): Promise<ServiceReportInput> => ({
  company: { name: '上海安达售后服务有限公司', address: '上海市浦东新区张江路 88 号', phone: '400-820-8820' },
  ticketNumber: 'SR-2026-000123',
  serviceType: '上门维修',
  customer: {
    name: '杭州某某科技有限公司',
    contact: '王小明',
    phone: '138****5678',
    address: '浙江省杭州市西湖区文三路 477 号华星科技大厦 12 楼',
  },
  device: { name: '激光打印机', model: 'HP LaserJet M404dn', serialNumber: 'CN12345678', warranty: '保内（至 2027-03-01）' },
  problem: '打印机卡纸，无法进纸；面板提示“13.A2 卡纸”。',
  cause: '搓纸轮磨损，分页器老化。',
  actions: '1. 更换搓纸轮组件；\n2. 清洁进纸通道；\n3. 打印测试页 50 张，无卡纸。',
  suggestions: '建议使用 70–80 g 标准复印纸，避免受潮纸张。',
  parts: [
    { name: '搓纸轮组件', code: 'RM2-5452', quantity: 1, unit: '个', note: '保内免费' },
    { name: '分页器', code: 'RM2-5397', quantity: 2, unit: '个' },
  ],
  engineer: { name: '李建国', phone: '139****0001' },
  times: { reportedAt: '2026-05-03T01:20:00Z', arrivedAt: new Date('2026-05-03T05:05:00Z'), resolvedAt: '2026-05-03T06:10:00Z' },
  extraFields: [{ label: '故障代码', value: 'E13-A2' }],
  confirmation: {
    name: '王小明',
    at: '2026-05-03T06:20:00Z',
    comment: '维修及时，服务满意。',
    signature: await QRCode.toBuffer('signature'),
  },
  generatedAt: new Date('2026-05-04T02:00:05Z'),
})

describe('service report PDF', () => {
  it('renders the Chinese report with an embedded, searchable Chinese font', async () => {
    const pdf = await renderServiceReport(await report())
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-')
    const read = await readPdf(pdf)
    expect(read.pages).toBe(1)
    const text = squash(read.text[0]!)
    for (const expected of [
      '上海安达售后服务有限公司',
      '服务报告',
      '工单编号：SR-2026-000123',
      '客户杭州某某科技有限公司',
      '联系人王小明',
      '激光打印机',
      'HPLaserJetM404dn',
      '保内（至2027-03-01）',
      '故障描述打印机卡纸，无法进纸；面板提示“13.A2卡纸”。',
      '原因分析搓纸轮磨损，分页器老化。',
      '1.更换搓纸轮组件；2.清洁进纸通道；3.打印测试页50张，无卡纸。',
      '建议使用70–80g标准复印纸',
      '搓纸轮组件RM2-54521个保内免费',
      '分页器RM2-53972个',
      '服务工程师李建国',
      '故障代码E13-A2',
      // Times are printed in Asia/Shanghai (UTC+8).
      '报修时间2026-05-0309:20',
      '到场时间2026-05-0313:05',
      '确认时间2026-05-0314:20',
      '客户意见维修及时，服务满意。',
      '第1页/共1页',
    ])
      expect(text).toContain(expected)
    expect(text).not.toContain('关闭时间') // no value, no row
    expect(read.imagesPerPage).toEqual([1]) // the signature
    expect(embeddedFonts(pdf)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^[A-Z]{6}\+NotoSansSC-Regular$/),
        expect.stringMatching(/^[A-Z]{6}\+NotoSansSC-Bold$/),
      ]),
    )
    expect(pdf.toString('latin1')).toContain('/ToUnicode')
  })

  it('renders English labels when asked, with the Chinese content intact', async () => {
    const read = await readPdf(await renderServiceReport({ ...(await report()), locale: 'en-US', confirmation: undefined }))
    const text = squash(read.text.join(''))
    expect(text).toContain('Servicereport')
    expect(text).toContain('Problem打印机卡纸')
    expect(text).toContain('Signature(notsigned)')
    expect(text).toContain('Page1of1')
  })

  it('flows long content over pages, repeating the parts header and numbering every page', async () => {
    const input = await report()
    input.actions = Array.from({ length: 60 }, (_, i) => `${i + 1}. 检查第 ${i + 1} 号部件并记录读数，结果正常。`).join('\n')
    input.parts = Array.from({ length: 45 }, (_, i) => ({ name: `备件 ${i + 1}`, code: `P-${1000 + i}`, quantity: 1, unit: '件' }))
    const read = await readPdf(await renderServiceReport(input))
    expect(read.pages).toBeGreaterThanOrEqual(3)
    read.text.forEach((t, i) => expect(squash(t)).toContain(`第${i + 1}页/共${read.pages}页`))
    const all = squash(read.text.join(''))
    expect(all).toContain('60.检查第60号部件并记录读数，结果正常。')
    for (let i = 1; i <= 45; i++) expect(all).toContain(`备件${i}P-${999 + i}1件`)
    const pagesWithParts = read.text.map((t, i) => (/备件\d/.test(t) ? i : -1)).filter((i) => i >= 0)
    for (const p of pagesWithParts) expect(squash(read.text[p]!)).toContain('序号名称编号数量备注')
  })

  it('refuses missing essentials and images it cannot embed, naming the field', async () => {
    const base = await report()
    await expect(renderServiceReport({ ...base, ticketNumber: ' ' })).rejects.toMatchObject({ message: 'ticketNumber: is required' })
    await expect(renderServiceReport({ ...base, customer: { name: '' } })).rejects.toMatchObject({ message: 'customer.name: is required' })
    await expect(renderServiceReport({ ...base, parts: [{ name: 'x', quantity: -1 }] })).rejects.toMatchObject({
      message: 'parts[0].quantity: must be a number ≥ 0',
    })
    const bad = renderServiceReport({ ...base, confirmation: { signature: Buffer.from('<svg/>') } })
    await expect(bad).rejects.toBeInstanceOf(ValidationError)
    await expect(bad).rejects.toMatchObject({ message: 'confirmation.signature: must be a PNG or JPEG image' })
  })
})

describe('Chinese font', () => {
  it('comes from the npm package first, so a fresh machine renders Chinese', async () => {
    const [first] = defaultCjkFontSources()
    expect(first?.name).toBe('Noto Sans SC (npm)')
    expect(first?.regular.path).toMatch(/@expo-google-fonts\/noto-sans-sc\/400Regular\/NotoSansSC_400Regular\.ttf$/)
    const fonts = await loadCjkFonts([
      { name: 'absent', regular: { path: '/nonexistent/a.ttc' }, bold: { path: '/nonexistent/b.ttc' } },
      first!,
    ])
    expect(fonts.name).toBe('Noto Sans SC (npm)')
    expect(fonts.regular.data.subarray(0, 4).toString('hex')).toBe('00010000') // TrueType
  })

  it('says what to install when no font is found', async () => {
    await expect(loadCjkFonts([])).rejects.toThrow(/npm ci.*fonts-noto-cjk/)
  })
})
