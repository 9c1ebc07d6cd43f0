import ExcelJS from 'exceljs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTenant, buildUser, loginAs, signIn, type Client, type TestTenant } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'

let rt: TestRuntime
let tenant: TestTenant
let admin: Client

beforeAll(async () => {
  rt = await createTestRuntime()
  tenant = await buildTenant(rt)
  admin = await loginAs(rt, tenant, 'admin')
})
afterAll(() => rt?.close())

const b64 = (s: string | Buffer) => Buffer.from(s).toString('base64')
const csv = (lines: string[]) => lines.join('\r\n') + '\r\n'
const importFile = (as: Client, kind: string, fileName: string, content: Buffer | string, commit = false) =>
  as.post(`/api/customers/import?kind=${kind}`, { fileName, contentBase64: b64(content), commit })
const countCustomers = async (tenantId: string) =>
  Number((await rt.database.query<{ n: string }>('select count(*) as n from customers where tenant_id = $1', [tenantId]))[0]!.n)

describe('customer import', () => {
  const header = '客户编号,客户名称,客户类型,客户等级,客户经理邮箱,标签,省份,城市,区县,详细地址,经度,纬度,备注'

  it('previews a CSV with one bad row: row number, field and reason; a commit then imports nothing', async () => {
    const file = csv([
      header,
      'IMP-001,杭州云帆科技有限公司,企业,金牌,,制造业;华东,浙江,杭州,西湖,文三路90号,120.13,30.28,',
      'IMP-002,,企业,银牌,,,,,,,,,',
      'IMP-003,宁波港口设备公司,企业,钻石,,,浙江省,宁波市,鄞州区,"天童南路1号,B座",,,"说明 ""重要"""',
      'IMP-001,重复编号公司,企业,标准,,,,,,,,,',
    ])
    const before = await countCustomers(tenant.id)
    const preview = await importFile(admin, 'customers', 'customers.csv', file)
    expect(preview.statusCode).toBe(200)
    const r = preview.json()
    expect(r).toMatchObject({ kind: 'customers', totalRows: 4, validRows: 1, committed: false })
    expect(r.errors.map((e: { row: number; field: string; column: string; code: string }) => [e.row, e.field, e.column, e.code])).toEqual([
      [3, 'name', '客户名称', 'required'],
      [4, 'tier', '客户等级', 'invalid'],
      [5, 'code', '客户编号', 'duplicate_in_file'],
    ])
    expect(r.preview[2]).toEqual({ row: 4, values: expect.objectContaining({ address: '天童南路1号,B座', notes: '说明 "重要"' }) })

    const commit = await importFile(admin, 'customers', 'customers.csv', file, true)
    expect(commit.statusCode).toBe(422)
    expect(commit.json()).toMatchObject({ code: 'import_invalid' })
    expect(commit.json().issues[0]).toMatchObject({ path: 'rows.3.name' })
    expect(await countCustomers(tenant.id)).toBe(before)
  })

  it('imports an Excel file with Chinese headers in one transaction, with addresses resolved from names', async () => {
    const manager = await buildUser(rt, tenant, 'supervisor', { email: 'manager.import@example.com' })
    const wb = new ExcelJS.Workbook()
    const ws = wb.addWorksheet('客户')
    ws.addRow(header.split(','))
    ws.addRow([
      'XL-001',
      '深圳前海物流有限公司',
      '企业',
      '战略',
      'Manager.Import@example.com',
      '物流',
      '广东省',
      '深圳市',
      '南山区',
      '前海路1号',
      113.9,
      22.5,
      '',
    ])
    ws.addRow(['XL-002', '王先生', '个人', '', '', '', '', '', '', '', '', '', '老客户'])
    const file = Buffer.from(await wb.xlsx.writeBuffer())
    const res = await importFile(admin, 'customers', '客户.xlsx', file, true)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ committed: true, created: 2, updated: 0, errors: [] })
    const list = (await admin.get('/api/customers?q=XL-00&sort=name')).json()
    const qh = list.items.find((c: { code: string }) => c.code === 'XL-001')
    expect(qh).toMatchObject({
      tier: 'strategic',
      accountManagerId: manager.id,
      tags: ['物流'],
      defaultAddress: '广东省深圳市南山区前海路***',
    })
    expect(list.items.find((c: { code: string }) => c.code === 'XL-002')).toMatchObject({
      kind: 'individual',
      tier: 'standard',
      notes: '老客户',
    })
    const audit = await rt.database.query<{ after: { created: number } }>(
      "select after from audit_log where tenant_id = $1 and action = 'customers.imported'",
      [tenant.id],
    )
    expect(audit.map((a) => a.after.created)).toEqual([2])
  })

  it('reads a GBK-encoded CSV as saved by Excel on Chinese Windows, and updates rows it already knows', async () => {
    const text = csv([header, 'XL-001,深圳前海物流集团,,金牌,,,,,,,,,'])
    const encoded = await encodeGbk(text)
    expect(encoded.toString('utf8')).not.toContain('深圳')
    const res = await importFile(admin, 'customers', 'gbk.csv', encoded, true)
    expect(res.statusCode).toBe(200)
    expect(res.json()).toMatchObject({ created: 0, updated: 1 })
    const c = (await admin.get('/api/customers?q=XL-001')).json().items[0]
    expect(c).toMatchObject({ name: '深圳前海物流集团', tier: 'gold', kind: 'organisation', tags: ['物流'] })
  })

  it('imports contacts for existing customers by number, with row errors for unknown customers and bad phones', async () => {
    const file = csv([
      '客户编号,客户名称,联系人姓名,手机,邮箱,微信号,职务,主要联系人',
      'XL-001,,赵敏,+86 139 1111 2222,zhaomin@qh.example.com,zhaomin_qh,采购经理,是',
      ',王先生,王先生,13700001111,,,,',
      'NOPE-1,,钱七,13700002222,,,,',
      'XL-001,,孙八,12345,,,,',
    ])
    const preview = (await importFile(admin, 'contacts', 'contacts.csv', file)).json()
    expect(preview.errors.map((e: { row: number; field: string; code: string }) => [e.row, e.field, e.code])).toEqual([
      [4, 'customerCode', 'unknown_customer'],
      [5, 'mobile', 'invalid'],
    ])
    const good = csv(file.trim().split('\r\n').slice(0, 3))
    const res = await importFile(admin, 'contacts', 'contacts.csv', good, true)
    expect(res.json()).toMatchObject({ committed: true, created: 2 })
    const id = (await admin.get('/api/customers?q=XL-001')).json().items[0].id
    const revealed = (await admin.post(`/api/customers/${id}/reveal`)).json()
    expect(revealed.contacts[0]).toMatchObject({ name: '赵敏', mobile: '13911112222', isPrimary: true, wechatId: 'zhaomin_qh' })
  })

  it('refuses an export to roles without customers.pii; the export is audited', async () => {
    const l1 = await loginAs(rt, tenant, 'agent_l1')
    expect((await l1.get('/api/customers/export?format=csv')).statusCode).toBe(403)
    const res = await admin.get('/api/customers/export?format=csv')
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/csv')
    expect(res.headers['content-disposition']).toContain("filename*=UTF-8''%E5%AE%A2%E6%88%B7.csv")
    expect(res.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]))
    const audit = await rt.database.query("select 1 from audit_log where tenant_id = $1 and action = 'customers.exported'", [tenant.id])
    expect(audit).toHaveLength(1)
  })

  it('round-trips: what one tenant exports, another imports and exports identically (CSV and Excel)', async () => {
    await admin.post('/api/customers', {
      code: 'RT-1',
      name: '=危险公式公司',
      tags: ['a', 'b'],
      contacts: [{ name: '周九', mobile: '+4915123456789', email: 'zhou@example.com' }],
    })
    for (const format of ['csv', 'xlsx'] as const) {
      const other = await buildTenant(rt)
      // the account managers' emails exist in the other tenant too
      for (const email of ['manager.import@example.com']) await buildUser(rt, other, 'supervisor', { email })
      const otherAdmin = await signIn(rt, other, await buildUser(rt, other, 'admin'))
      for (const kind of ['customers', 'contacts'] as const) {
        const exported = await admin.get(`/api/customers/export?kind=${kind}&format=${format}`)
        expect(exported.statusCode).toBe(200)
        const res = await importFile(otherAdmin, kind, `${kind}.${format}`, exported.rawPayload, true)
        expect(res.statusCode, res.body).toBe(200)
        expect(res.json().errors).toEqual([])
        const again = await otherAdmin.get(`/api/customers/export?kind=${kind}&format=${format}`)
        if (format === 'csv') expect(again.rawPayload.toString('utf8')).toBe(exported.rawPayload.toString('utf8'))
        else expect(await sheetValues(again.rawPayload)).toEqual(await sheetValues(exported.rawPayload))
      }
      if (format === 'csv') {
        const text = (await otherAdmin.get('/api/customers/export?format=csv')).rawPayload.toString('utf8')
        // a formula-like cell is written inert and read back as typed
        expect(text).toContain("'=危险公式公司")
        expect((await otherAdmin.get(`/api/customers?q=RT-1`)).json().items[0].name).toBe('=危险公式公司')
      }
    }
  })

  it('serves an empty template with the Chinese headers', async () => {
    const res = await admin.get('/api/customers/import-template?kind=contacts&format=xlsx')
    expect(res.statusCode).toBe(200)
    expect(await sheetValues(res.rawPayload)).toEqual([
      ['客户编号', '客户名称', '联系人姓名', '手机', '邮箱', '微信号', '职务', '主要联系人'],
    ])
  })
})

async function sheetValues(bytes: Buffer): Promise<string[][]> {
  const wb = new ExcelJS.Workbook()
  await wb.xlsx.load(bytes as unknown as ArrayBuffer)
  const rows: string[][] = []
  wb.worksheets[0]!.eachRow((row) => rows.push((row.values as unknown[]).slice(1).map((v) => String(v ?? ''))))
  return rows
}

/** GBK bytes for a text, through iconv-lite (a dependency of the mail stack). */
async function encodeGbk(text: string): Promise<Buffer> {
  const iconv = (await import('iconv-lite')).default
  return iconv.encode(text, 'gbk')
}
