// Zip bombs in an Excel import (RELIABILITY A-BOMB): a real workbook with hostile entries added is
// refused with a 422 naming the file and the problem, before ExcelJS unpacks it, and nothing is imported.
import { deflateRawSync } from 'node:zlib'
import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTenant, loginAs, type Client, type TestTenant } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'

let rt: TestRuntime
let tenant: TestTenant
let admin: Client
let workbook: Buffer

beforeAll(async () => {
  rt = await createTestRuntime()
  tenant = await buildTenant(rt)
  admin = await loginAs(rt, tenant, 'admin')
  const wb = new ExcelJS.Workbook()
  const ws = wb.addWorksheet('客户')
  ws.addRow(['客户编号', '客户名称'])
  ws.addRow(['BOMB-1', '炸弹测试有限公司'])
  workbook = Buffer.from(await wb.xlsx.writeBuffer())
})
afterAll(() => rt?.close())

const importFile = (path: string, fileName: string, content: Buffer) =>
  admin.post(path, { fileName, contentBase64: content.toString('base64'), commit: true })
const count = async (table: string) =>
  Number((await rt.database.query<{ n: string }>(`select count(*) as n from ${table} where tenant_id = $1`, [tenant.id]))[0]!.n)

interface Entry {
  name: string
  /** The bytes as stored in the archive. */
  packed: Buffer
  /** The unpacked size the headers declare. */
  size: number
  /** 0 stored, 8 deflated. */
  method?: number
}

/** A copy of a ZIP with more entries: their data goes before the central directory, which gains their headers. */
function withEntries(zip: Buffer, entries: Entry[]): Buffer {
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]))
  const directoryStart = zip.readUInt32LE(end + 16)
  const directory = zip.subarray(directoryStart, directoryStart + zip.readUInt32LE(end + 12))
  const locals: Buffer[] = []
  const centrals: Buffer[] = []
  let offset = directoryStart
  for (const e of entries) {
    const name = Buffer.from(e.name)
    const local = Buffer.alloc(30)
    local.writeUInt32LE(0x04034b50, 0)
    local.writeUInt16LE(20, 4)
    local.writeUInt16LE(e.method ?? 8, 8)
    local.writeUInt32LE(e.packed.length, 18)
    local.writeUInt32LE(e.size, 22)
    local.writeUInt16LE(name.length, 26)
    const central = Buffer.alloc(46)
    central.writeUInt32LE(0x02014b50, 0)
    central.writeUInt16LE(20, 4)
    central.writeUInt16LE(20, 6)
    central.writeUInt16LE(e.method ?? 8, 10)
    central.writeUInt32LE(e.packed.length, 20)
    central.writeUInt32LE(e.size, 24)
    central.writeUInt16LE(name.length, 28)
    central.writeUInt32LE(offset, 42)
    locals.push(local, name, e.packed)
    centrals.push(central, name)
    offset += 30 + name.length + e.packed.length
  }
  const newDirectory = Buffer.concat([directory, ...centrals])
  const total = zip.readUInt16LE(end + 10) + entries.length
  const eocd = Buffer.alloc(22)
  eocd.writeUInt32LE(0x06054b50, 0)
  eocd.writeUInt16LE(total, 8)
  eocd.writeUInt16LE(total, 10)
  eocd.writeUInt32LE(newDirectory.length, 12)
  eocd.writeUInt32LE(offset, 16)
  return Buffer.concat([zip.subarray(0, directoryStart), ...locals, newDirectory, eocd])
}

const zeros50MB = () => deflateRawSync(Buffer.alloc(50 * 1024 * 1024))

describe('zip bombs in an Excel import', () => {
  it('imports the plain workbook the bombs are built from', async () => {
    const res = await importFile('/api/customers/import?kind=customers', 'plain.xlsx', workbook)
    expect(res.statusCode, res.body).toBe(200)
    expect(res.json()).toMatchObject({ committed: true, created: 1, errors: [] })
  })

  it('refuses an entry of 50 MB of zeros (1000:1) on every import, and imports nothing', async () => {
    const bomb = withEntries(workbook, [{ name: 'xl/media/image1.png', packed: zeros50MB(), size: 50 * 1024 * 1024 }])
    expect(bomb.length).toBeLessThan(200 * 1024)
    const targets = [
      ['/api/customers/import?kind=customers', 'customers'],
      ['/api/customers/import?kind=contacts', 'customer_contacts'],
      ['/api/devices/import', 'devices'],
    ] as const
    for (const [path, table] of targets) {
      const before = await count(table)
      const res = await importFile(path, '客户.xlsx', bomb)
      expect(res.statusCode, path).toBe(422)
      expect(res.json()).toMatchObject({
        code: 'unprocessable',
        message: 'contentBase64: 客户.xlsx holds xl/media/image1.png, packed more than 100:1; refused as a possible zip bomb',
        issues: [{ path: 'contentBase64', message: expect.stringContaining('more than 100:1') }],
      })
      expect(await count(table)).toBe(before)
    }
  })

  it('refuses a central directory declaring 3 GB unpacked', async () => {
    const before = await count('customers')
    const bomb = withEntries(workbook, [{ name: 'xl/media/image1.png', packed: deflateRawSync(Buffer.alloc(1000)), size: 3_000_000_000 }])
    const res = await importFile('/api/customers/import?kind=customers', 'huge.xlsx', bomb)
    expect(res.statusCode).toBe(422)
    expect(res.json()).toMatchObject({
      code: 'unprocessable',
      message: 'contentBase64: huge.xlsx unpacks to more than 100 MB; refused as a possible zip bomb',
    })
    expect(await count('customers')).toBe(before)
  })

  it('refuses 20 000 tiny entries', async () => {
    const before = await count('customers')
    const tiny = Array.from({ length: 20_000 }, (_, i) => ({
      name: `customXml/item${i}.xml`,
      packed: Buffer.from('x'),
      size: 1,
      method: 0,
    }))
    const res = await importFile('/api/customers/import?kind=customers', 'many.xlsx', withEntries(workbook, tiny))
    expect(res.statusCode).toBe(422)
    expect(res.json()).toMatchObject({
      code: 'unprocessable',
      message: 'contentBase64: many.xlsx holds more than 1000 files inside; refused as a possible zip bomb',
    })
    expect(await count('customers')).toBe(before)
  })

  it('refuses an entry whose headers understate what it unpacks to, stopping at the declared size', async () => {
    const before = await count('customers')
    const bomb = withEntries(workbook, [{ name: 'xl/media/image1.png', packed: zeros50MB(), size: 40_000 }])
    const res = await importFile('/api/customers/import?kind=customers', 'liar.xlsx', bomb)
    expect(res.statusCode).toBe(422)
    expect(res.json()).toMatchObject({
      code: 'unprocessable',
      message:
        'contentBase64: liar.xlsx holds xl/media/image1.png, which unpacks to more than its header declares; refused as a possible zip bomb',
    })
    expect(await count('customers')).toBe(before)
  })

  it('refuses damaged and ZIP64 archives', async () => {
    const before = await count('customers')
    const truncated = workbook.subarray(0, workbook.length - 5)
    const zip64 = Buffer.from(workbook)
    zip64.writeUInt32LE(0xffffffff, zip64.length - 6)
    const extraEntry = withEntries(workbook, [{ name: 'a.xml', packed: Buffer.from('abc'), size: 3, method: 0 }])
    // the end record counts one entry fewer than the directory holds (JSZip would read them all)
    extraEntry.writeUInt16LE(extraEntry.readUInt16LE(extraEntry.length - 12) - 1, extraEntry.length - 12)
    extraEntry.writeUInt16LE(extraEntry.readUInt16LE(extraEntry.length - 14) - 1, extraEntry.length - 14)
    const cases = [
      [truncated, 'is not a readable Excel (.xlsx) file: the archive is damaged'],
      [extraEntry, 'is not a readable Excel (.xlsx) file: the archive is damaged'],
      [zip64, 'is not a readable Excel (.xlsx) file: it needs ZIP64, which a spreadsheet for import never does'],
    ] as const
    for (const [file, reason] of cases) {
      const res = await importFile('/api/customers/import?kind=customers', 'bad.xlsx', file)
      expect(res.statusCode).toBe(422)
      expect(res.json()).toMatchObject({ code: 'unprocessable', message: `contentBase64: bad.xlsx ${reason}` })
    }
    expect(await count('customers')).toBe(before)
  })
})
