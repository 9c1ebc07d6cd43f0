// Cursor pagination of the public list endpoints (/api/customers, /api/devices): every row exactly
// once across the pages, also while rows are inserted; a bad cursor answers 400 naming `cursor`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildTenant, loginAs, type Client, type TestTenant } from '../../test/factories.ts'
import { createTestRuntime, type TestRuntime } from '../../test/harness.ts'

let rt: TestRuntime
let tenant: TestTenant
let admin: Client
let customerIds: string[]
let deviceIds: string[]

interface Page {
  items: { id: string }[]
  total: number
  nextCursor: string | null
}

async function page(client: Client, url: string): Promise<Page> {
  const res = await client.get(url)
  expect(res.statusCode, res.body).toBe(200)
  return res.json() as Page
}

/** Follows nextCursor to the end; `between` runs after each page (to insert rows mid-walk). */
async function walk(client: Client, path: string, between?: (n: number) => Promise<void>) {
  const seen: string[] = []
  let url = path
  for (let n = 0; n < 100; n++) {
    const p = await page(client, url)
    seen.push(...p.items.map((i) => i.id))
    if (!p.nextCursor) return { seen, pages: n + 1 }
    await between?.(n)
    url = `${path}&cursor=${p.nextCursor}`
  }
  throw new Error('more than 100 pages')
}

const badRequestOn = async (client: Client, url: string, field: string) => {
  const res = await client.get(url)
  expect(res.statusCode, res.body).toBe(400)
  expect(res.json()).toMatchObject({ code: 'invalid_input', issues: [expect.objectContaining({ path: field })] })
}

beforeAll(async () => {
  rt = await createTestRuntime()
  tenant = await buildTenant(rt)
  admin = await loginAs(rt, tenant, 'admin')
  // 450 customers: every name three times (ties broken by id), creation times a microsecond apart
  // (a cursor rounded to milliseconds would skip or repeat rows), every tier.
  customerIds = (
    await rt.database.query<{ id: string }>(
      `insert into customers (tenant_id, name, tier, created_at, updated_at)
       select $1, '分页客户' || lpad((g % 150)::text, 3, '0'),
              (array['standard','silver','gold','strategic'])[1 + g % 4],
              timestamptz '2026-01-01 00:00:00+00' + (g % 300) * interval '1 microsecond', now()
       from generate_series(1, 450) g returning id`,
      [tenant.id],
    )
  ).map((r) => r.id)
  const [product] = await rt.database.query<{ id: string }>(
    `insert into products (tenant_id, model, name, category, warranty_months, created_at, updated_at)
     values ($1, 'PG-1', '分页测试机', '测试', 12, now(), now()) returning id`,
    [tenant.id],
  )
  // 450 devices: a third without a warranty end (sorted last), the rest on 30 distinct days.
  deviceIds = (
    await rt.database.query<{ id: string }>(
      `insert into devices (tenant_id, serial_number, product_id, customer_id, warranty_ends_on, qr_code, created_at, updated_at)
       select $1, 'SN-' || lpad(g::text, 4, '0'), $2, $3,
              case when g % 3 = 0 then null else date '2027-01-01' + (g % 30) end,
              'pg' || substr(md5(random()::text || g), 1, 12),
              timestamptz '2026-01-01 00:00:00+00' + (g % 200) * interval '1 microsecond', now()
       from generate_series(1, 450) g returning id`,
      [tenant.id, product!.id, customerIds[0]],
    )
  ).map((r) => r.id)
})
afterAll(() => rt?.close())

describe('cursor pagination of /api/customers', () => {
  for (const sort of ['name', '-name', 'createdAt', '-createdAt', 'tier', '-tier']) {
    it(`walks all 450 customers sorted by ${sort}, each exactly once`, async () => {
      const { seen, pages } = await walk(admin, `/api/customers?sort=${sort}&limit=37`)
      expect(pages).toBe(13)
      expect(new Set(seen).size).toBe(seen.length)
      expect([...seen].sort()).toEqual([...customerIds].sort())
    })
  }

  it('stays exact while customers are added before and after the position', async () => {
    const added: string[] = []
    const { seen } = await walk(admin, '/api/customers?sort=name&limit=50', async (n) => {
      for (const name of [`分页客户000-新${n}`, `分页客户999-新${n}`, `A-新${n}`]) {
        const res = await admin.post('/api/customers', { name })
        expect(res.statusCode, res.body).toBe(201)
        added.push(res.json().id)
      }
    })
    expect(new Set(seen).size).toBe(seen.length)
    expect(customerIds.filter((id) => !seen.includes(id))).toEqual([])
    // rows added after the walk passed their place are not seen; those ahead of it are
    expect(seen.filter((id) => added.includes(id)).length).toBeGreaterThan(0)
    await rt.database.query('delete from customers where id = any($1)', [added])
  })

  it('gives the web its offset pages and total as before, with a cursor to continue', async () => {
    const first = await page(admin, '/api/customers?sort=name&limit=20&offset=40')
    expect(first.total).toBe(450)
    expect(first.items).toHaveLength(20)
    const next = await page(admin, `/api/customers?sort=name&limit=20&cursor=${first.nextCursor}`)
    const byOffset = await page(admin, '/api/customers?sort=name&limit=20&offset=60')
    expect(next.items.map((c) => c.id)).toEqual(byOffset.items.map((c) => c.id))
    const last = await page(admin, '/api/customers?sort=name&limit=20&offset=440')
    expect(last.items).toHaveLength(10)
    expect(last.nextCursor).toBeNull()
  })

  it('answers 400 naming cursor for a cursor it did not make, of another sort, or with an offset', async () => {
    const { nextCursor } = await page(admin, '/api/customers?sort=name&limit=5')
    await badRequestOn(admin, '/api/customers?cursor=not-a-cursor!', 'querystring.cursor')
    await badRequestOn(admin, '/api/customers?cursor=bm9wZQ', 'querystring.cursor')
    const forged = Buffer.from(JSON.stringify({ s: 'createdAt', k: 'yesterday', i: customerIds[0] })).toString('base64url')
    await badRequestOn(admin, `/api/customers?sort=createdAt&cursor=${forged}`, 'querystring.cursor')
    await badRequestOn(admin, `/api/customers?sort=-name&cursor=${nextCursor}`, 'querystring.cursor')
    await badRequestOn(admin, `/api/customers?sort=name&offset=5&cursor=${nextCursor}`, 'querystring.cursor')
    await badRequestOn(admin, '/api/customers?limit=201', 'querystring.limit')
  })

  it("keeps another tenant's customers out of every page", async () => {
    const outsider = await loginAs(rt, await buildTenant(rt), 'admin')
    const { nextCursor } = await page(admin, '/api/customers?sort=name&limit=5')
    const res = await page(outsider, `/api/customers?sort=name&limit=5&cursor=${nextCursor}`)
    expect(res.items).toEqual([])
  })
})

describe('cursor pagination of /api/devices', () => {
  for (const sort of ['serialNumber', '-serialNumber', 'warrantyEndsOn', '-warrantyEndsOn', 'createdAt', '-createdAt']) {
    it(`walks all 450 devices sorted by ${sort}, each exactly once`, async () => {
      const { seen } = await walk(admin, `/api/devices?sort=${sort}&limit=200`)
      expect(new Set(seen).size).toBe(seen.length)
      expect([...seen].sort()).toEqual([...deviceIds].sort())
    })
  }

  it('walks small pages across the devices without a warranty end (sorted last)', async () => {
    const { seen, pages } = await walk(admin, '/api/devices?sort=-warrantyEndsOn&limit=45')
    expect(pages).toBe(10)
    expect([...seen].sort()).toEqual([...deviceIds].sort())
  })

  it('answers 400 naming cursor for a bad cursor', async () => {
    await badRequestOn(admin, '/api/devices?cursor=%7B%7D', 'querystring.cursor')
    const forged = Buffer.from(JSON.stringify({ s: 'warrantyEndsOn', k: '2027-13', i: deviceIds[0] })).toString('base64url')
    await badRequestOn(admin, `/api/devices?sort=warrantyEndsOn&cursor=${forged}`, 'querystring.cursor')
  })
})

describe('the OpenAPI document', () => {
  it('shows cursor and limit on both lists and nextCursor in their answers', async () => {
    const res = await rt.app.inject({ method: 'GET', url: '/api/docs/json' })
    expect(res.statusCode).toBe(200)
    const doc = res.json() as {
      paths: Record<string, { get: { parameters: { name: string; in: string }[]; responses: Record<string, unknown> } }>
    }
    for (const path of ['/api/customers', '/api/devices']) {
      const op = doc.paths[path]!.get
      const names = op.parameters.filter((p) => p.in === 'query').map((p) => p.name)
      expect(names).toEqual(expect.arrayContaining(['cursor', 'limit', 'offset']))
      expect(JSON.stringify(op.responses['200'])).toContain('nextCursor')
    }
  })
})
