import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTenant, loginAs, type Client, type TestTenant } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'

let rt: TestRuntime
let tenant: TestTenant
let admin: Client

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64')
const csv = (lines: string[]) => '\uFEFF' + lines.join('\r\n') + '\r\n'
const header = '序列号,产品型号,客户编号,客户名称,购买日期,安装日期,保修截止(手工指定),安装省份,安装城市,安装区县,安装地址,经度,纬度,备注'
const importDevices = (as: Client, content: string | Buffer, commit = false, fileName = 'devices.csv') =>
  as.post('/api/devices/import', { fileName, contentBase64: b64(content), commit })

async function setUp(as: Client) {
  expect((await as.post('/api/customers', { code: 'HD-1', name: '华东精密制造有限公司' })).statusCode).toBe(201)
  expect((await as.post('/api/customers', { name: '陈先生', kind: 'individual' })).statusCode).toBe(201)
  expect((await as.post('/api/products', { model: 'KFR-35GW', name: '壁挂式空调', category: '空调', warrantyMonths: 36 })).statusCode).toBe(
    201,
  )
  expect((await as.post('/api/products', { model: 'RO-100', name: '净水器', category: '净水', warrantyMonths: 12 })).statusCode).toBe(201)
}

beforeAll(async () => {
  rt = await createTestRuntime({ clock: new Date('2026-05-01T02:00:00Z') })
  tenant = await buildTenant(rt)
  admin = await loginAs(rt, tenant, 'admin')
  await setUp(admin)
})
afterAll(() => rt?.close())

describe('device import and export', () => {
  it('reports every bad row with its field and reason, and a commit imports nothing', async () => {
    const file = csv([
      header,
      'SN-1,KFR-35GW,HD-1,,2025/3/15,,,广东,深圳,南山,科技园8号,,,',
      'SN-2,NOPE-9,HD-1,,,,,,,,,,,',
      'SN-3,RO-100,XX-9,,,,,,,,,,,',
      'SN-4,RO-100,,陈先生,2025-02-30,,,,,,,,,',
      'sn-1,RO-100,HD-1,,,,,,,,,,,',
      'SN-5,RO-100,HD-1,,,,,广东,深圳,浦东,某路1号,,,',
    ])
    const preview = await importDevices(admin, file)
    expect(preview.statusCode).toBe(200)
    expect(
      preview.json().errors.map((e: { row: number; field: string; column: string; code: string }) => [e.row, e.column, e.code]),
    ).toEqual([
      [3, '产品型号', 'unknown_product'],
      [4, '客户编号', 'unknown_customer'],
      [5, '购买日期', 'invalid_date'],
      [6, '序列号', 'duplicate_in_file'],
      [7, '安装区县', 'unknown_region'],
    ])
    expect(preview.json()).toMatchObject({ totalRows: 6, validRows: 1, committed: false })
    const commit = await importDevices(admin, file, true)
    expect(commit.statusCode).toBe(422)
    expect((await admin.get('/api/devices')).json().total).toBe(0)
  })

  it('imports good rows in one go, computing warranties, and updates known serial numbers on a second import', async () => {
    const file = csv([
      header,
      'SN-1,KFR-35GW,HD-1,,2025/3/15,2025-03-20,,广东省,深圳市,南山区,科技园8号,113.95,22.54,一楼机房',
      'SN-2,RO-100,,陈先生,,2025-06-01,2027-06-30,,,,,,,',
    ])
    const res = await importDevices(admin, file, true)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ committed: true, created: 2, updated: 0 })
    const sn1 = (await admin.get('/api/devices?q=SN-1')).json().items[0]
    expect(sn1).toMatchObject({
      warrantyEndsOn: '2028-03-14',
      warrantyState: 'in_warranty',
      installPlace: { districtName: '南山区' },
      notes: '一楼机房',
    })
    const sn2 = (await admin.get('/api/devices?q=SN-2')).json().items[0]
    expect(sn2).toMatchObject({ warrantyEndsOn: '2027-06-30', warrantyOverridden: true, customer: { name: '陈先生' } })

    const update = await importDevices(admin, csv([header, 'SN-1,KFR-35GW,,,,,2030-01-01,,,,,,,']), true)
    expect(update.json()).toMatchObject({ created: 0, updated: 1 })
    expect((await admin.get(`/api/devices/${sn1.id}`)).json()).toMatchObject({
      warrantyEndsOn: '2030-01-01',
      customer: { name: '华东精密制造有限公司' },
      notes: '一楼机房',
    })
  })

  it('round-trips through another tenant (CSV and Excel)', async () => {
    for (const format of ['csv', 'xlsx'] as const) {
      const other = await loginAs(rt, await buildTenant(rt), 'admin')
      await setUp(other)
      const exported = await admin.get(`/api/devices/export?format=${format}`)
      expect(exported.statusCode).toBe(200)
      const res = await importDevices(other, exported.rawPayload, true, `devices.${format}`)
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json()).toMatchObject({ created: 2, errors: [] })
      const again = await other.get(`/api/devices/export?format=${format}`)
      if (format === 'csv') expect(again.body).toBe(exported.body)
      else expect(await sheetValues(again.rawPayload)).toEqual(await sheetValues(exported.rawPayload))
      const copy = (await other.get('/api/devices?q=SN-1')).json().items[0]
      expect(copy).toMatchObject({ warrantyEndsOn: '2030-01-01', warrantyOverridden: true, installPlace: { districtName: '南山区' } })
    }
  })

  it('serves the device template with Chinese headers', async () => {
    const res = await admin.get('/api/devices/import-template?format=csv')
    expect(res.statusCode).toBe(200)
    expect(res.body.replace(/^\uFEFF/, '').trim()).toBe(header)
  })
})

async function sheetValues(bytes: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(bytes as unknown as ArrayBuffer)
  const rows: string[][] = []
  wb.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))))
  return rows
}
