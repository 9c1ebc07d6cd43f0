import { and, asc, count, desc, eq, gte, ilike, inArray, isNull, lt, lte, or, sql, type SQL } from 'drizzle-orm'
import type { DeviceListQuery } from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { keysetAfter, sortKeyText, type KeysetPosition, type SortKeyKind } from '../../platform/http/pagination.ts'
import {
  deviceReportCodes,
  devices,
  products,
  serviceContractDevices,
  serviceContracts,
  type ContractRow,
  type DeviceRow,
  type ProductRow,
  type ReportCodeRow,
} from './devices.tables.ts'

const like = (q: string) => `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** An active contract covers the device on `day`. */
const coveredOn = (day: string) =>
  sql`exists (select 1 from ${serviceContractDevices} scd join ${serviceContracts} sc on sc.id = scd.contract_id
    where scd.device_id = ${devices.id} and sc.starts_on <= ${day} and sc.ends_on >= ${day})`

const deviceSort = {
  serialNumber: devices.serialNumber,
  warrantyEndsOn: devices.warrantyEndsOn,
  createdAt: devices.createdAt,
} as const
const deviceSortKinds: Record<keyof typeof deviceSort, SortKeyKind> = {
  serialNumber: 'text',
  warrantyEndsOn: 'date',
  createdAt: 'timestamp',
}

export const productRepository = {
  async findById(db: DbOrTx, id: string): Promise<ProductRow | undefined> {
    const [row] = await db.select().from(products).where(eq(products.id, id)).limit(1)
    return row
  },
  async findByIds(db: DbOrTx, ids: readonly string[]): Promise<ProductRow[]> {
    return ids.length
      ? db
          .select()
          .from(products)
          .where(inArray(products.id, [...ids]))
      : []
  },
  async findByModel(db: DbOrTx, model: string): Promise<ProductRow | undefined> {
    const [row] = await db
      .select()
      .from(products)
      .where(sql`lower(${products.model}) = lower(${model})`)
      .limit(1)
    return row
  },
  async list(db: DbOrTx, f: { q?: string; category?: string; limit: number; offset: number }) {
    const where: SQL[] = []
    if (f.q) where.push(or(ilike(products.model, like(f.q)), ilike(products.name, like(f.q)))!)
    if (f.category) where.push(eq(products.category, f.category))
    const cond = where.length ? and(...where) : undefined
    const items = await db
      .select({ product: products, deviceCount: sql<number>`(select count(*)::int from ${devices} d where d.product_id = ${products.id})` })
      .from(products)
      .where(cond)
      .orderBy(asc(products.category), asc(products.model))
      .limit(f.limit)
      .offset(f.offset)
    const [total] = await db.select({ n: count() }).from(products).where(cond)
    return { items, total: total?.n ?? 0 }
  },
  async countDevices(db: DbOrTx, productId: string): Promise<number> {
    const [row] = await db.select({ n: count() }).from(devices).where(eq(devices.productId, productId))
    return row?.n ?? 0
  },
  async insert(db: DbOrTx, values: typeof products.$inferInsert): Promise<ProductRow> {
    const [row] = await db.insert(products).values(values).returning()
    return row!
  },
  async update(db: DbOrTx, id: string, values: Partial<typeof products.$inferInsert>): Promise<ProductRow> {
    const [row] = await db.update(products).set(values).where(eq(products.id, id)).returning()
    return row!
  },
  async delete(db: DbOrTx, id: string): Promise<void> {
    await db.delete(products).where(eq(products.id, id))
  },
  async all(db: DbOrTx): Promise<ProductRow[]> {
    return db.select().from(products).orderBy(asc(products.model))
  },
}

export const deviceRepository = {
  async findById(db: DbOrTx, id: string, opts: { forUpdate?: boolean } = {}): Promise<DeviceRow | undefined> {
    const q = db.select().from(devices).where(eq(devices.id, id)).limit(1)
    const [row] = opts.forUpdate ? await q.for('update') : await q
    return row
  },
  async findByIds(db: DbOrTx, ids: readonly string[]): Promise<DeviceRow[]> {
    return ids.length
      ? db
          .select()
          .from(devices)
          .where(inArray(devices.id, [...ids]))
      : []
  },
  async findBySerial(db: DbOrTx, serialNumber: string): Promise<DeviceRow | undefined> {
    const [row] = await db
      .select()
      .from(devices)
      .where(sql`lower(${devices.serialNumber}) = lower(${serialNumber})`)
      .limit(1)
    return row
  },
  /**
   * The tenant and device of a scanned QR code. A scan arrives without a tenant, so this runs
   * on the owner connection (like the login lookup); it returns ids only.
   */
  async locateQrCode(owner: DbOrTx, qrCode: string): Promise<{ tenantId: string; id: string } | undefined> {
    const [row] = await owner
      .select({ tenantId: devices.tenantId, id: devices.id })
      .from(devices)
      .where(eq(devices.qrCode, qrCode))
      .limit(1)
    return row
  },
  /** How a cursor's sort key is read back for this sort. */
  sortKind: (sort: DeviceListQuery['sort']): SortKeyKind => deviceSortKinds[sort.replace(/^-/, '') as keyof typeof deviceSort],
  /** `limit + 1` rows with their sort key when paging by cursor (`after`), so the caller knows whether more follow. */
  async list(db: DbOrTx, f: DeviceListQuery & { day: string; customerIds?: string[]; after?: KeysetPosition }) {
    const where: SQL[] = []
    if (f.q) {
      const byText = [ilike(devices.serialNumber, like(f.q)), ilike(products.model, like(f.q)), ilike(products.name, like(f.q))]
      if (f.customerIds?.length) byText.push(inArray(devices.customerId, f.customerIds))
      where.push(or(...byText)!)
    }
    if (f.customerId) where.push(eq(devices.customerId, f.customerId))
    if (f.productId) where.push(eq(devices.productId, f.productId))
    switch (f.warrantyState) {
      case 'under_contract':
        where.push(coveredOn(f.day))
        break
      case 'in_warranty':
        where.push(sql`not ${coveredOn(f.day)}`, gte(devices.warrantyEndsOn, f.day))
        break
      case 'expired':
        where.push(sql`not ${coveredOn(f.day)}`, lt(devices.warrantyEndsOn, f.day))
        break
      case 'unknown':
        where.push(sql`not ${coveredOn(f.day)}`, isNull(devices.warrantyEndsOn))
        break
      case undefined:
        break
    }
    const cond = where.length ? and(...where) : undefined
    const descending = f.sort.startsWith('-')
    const sortField = f.sort.replace(/^-/, '') as keyof typeof deviceSort
    const column = deviceSort[sortField]
    const rows = await db
      .select({ row: devices, sortKey: sortKeyText(column) })
      .from(devices)
      .innerJoin(products, eq(products.id, devices.productId))
      .where(f.after ? and(cond, keysetAfter(column, devices.id, { descending, kind: deviceSortKinds[sortField] }, f.after)) : cond)
      .orderBy(descending ? sql`${column} desc nulls last` : sql`${column} asc nulls last`, asc(devices.id))
      .limit(f.limit + 1)
      .offset(f.after ? 0 : f.offset)
    const [total] = await db.select({ n: count() }).from(devices).innerJoin(products, eq(products.id, devices.productId)).where(cond)
    return { rows, total: total?.n ?? 0 }
  },
  async all(db: DbOrTx): Promise<DeviceRow[]> {
    return db.select().from(devices).orderBy(asc(devices.serialNumber))
  },
  async ofProduct(db: DbOrTx, productId: string): Promise<DeviceRow[]> {
    return db.select().from(devices).where(eq(devices.productId, productId))
  },
  async ofCustomer(db: DbOrTx, customerId: string): Promise<DeviceRow[]> {
    return db.select().from(devices).where(eq(devices.customerId, customerId)).orderBy(asc(devices.serialNumber))
  },
  async insert(db: DbOrTx, values: typeof devices.$inferInsert): Promise<DeviceRow> {
    const [row] = await db.insert(devices).values(values).returning()
    return row!
  },
  async update(db: DbOrTx, id: string, values: Partial<typeof devices.$inferInsert>): Promise<DeviceRow> {
    const [row] = await db.update(devices).set(values).where(eq(devices.id, id)).returning()
    return row!
  },
  async delete(db: DbOrTx, id: string): Promise<void> {
    await db.delete(devices).where(eq(devices.id, id))
  },
}

export const contractRepository = {
  async findById(db: DbOrTx, id: string, opts: { forUpdate?: boolean } = {}): Promise<ContractRow | undefined> {
    const q = db.select().from(serviceContracts).where(eq(serviceContracts.id, id)).limit(1)
    const [row] = opts.forUpdate ? await q.for('update') : await q
    return row
  },
  async findByCode(db: DbOrTx, code: string): Promise<ContractRow | undefined> {
    const [row] = await db
      .select()
      .from(serviceContracts)
      .where(sql`lower(${serviceContracts.code}) = lower(${code})`)
      .limit(1)
    return row
  },
  async list(
    db: DbOrTx,
    f: { customerId?: string; status?: 'upcoming' | 'active' | 'expired'; day: string; limit: number; offset: number },
  ) {
    const where: SQL[] = []
    if (f.customerId) where.push(eq(serviceContracts.customerId, f.customerId))
    if (f.status === 'upcoming') where.push(sql`${serviceContracts.startsOn} > ${f.day}`)
    if (f.status === 'active') where.push(lte(serviceContracts.startsOn, f.day), gte(serviceContracts.endsOn, f.day))
    if (f.status === 'expired') where.push(lt(serviceContracts.endsOn, f.day))
    const cond = where.length ? and(...where) : undefined
    const items = await db
      .select()
      .from(serviceContracts)
      .where(cond)
      .orderBy(desc(serviceContracts.endsOn), asc(serviceContracts.id))
      .limit(f.limit)
      .offset(f.offset)
    const [total] = await db.select({ n: count() }).from(serviceContracts).where(cond)
    return { items, total: total?.n ?? 0 }
  },
  async insert(db: DbOrTx, values: typeof serviceContracts.$inferInsert): Promise<ContractRow> {
    const [row] = await db.insert(serviceContracts).values(values).returning()
    return row!
  },
  async update(db: DbOrTx, id: string, values: Partial<typeof serviceContracts.$inferInsert>): Promise<ContractRow> {
    const [row] = await db.update(serviceContracts).set(values).where(eq(serviceContracts.id, id)).returning()
    return row!
  },
  async delete(db: DbOrTx, id: string): Promise<void> {
    await db.delete(serviceContracts).where(eq(serviceContracts.id, id))
  },
  async setDevices(db: DbOrTx, tenantId: string, contractId: string, deviceIds: readonly string[]): Promise<void> {
    await db.delete(serviceContractDevices).where(eq(serviceContractDevices.contractId, contractId))
    if (deviceIds.length) await db.insert(serviceContractDevices).values(deviceIds.map((deviceId) => ({ tenantId, contractId, deviceId })))
  },
  /** Device ids per contract. */
  async deviceIdsOf(db: DbOrTx, contractIds: readonly string[]): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>(contractIds.map((id) => [id, []]))
    if (!contractIds.length) return out
    const rows = await db
      .select()
      .from(serviceContractDevices)
      .where(inArray(serviceContractDevices.contractId, [...contractIds]))
    for (const r of rows) out.get(r.contractId)?.push(r.deviceId)
    return out
  },
  /** Every contract covering any of the devices (any period), by device id. */
  async ofDevices(db: DbOrTx, deviceIds: readonly string[]): Promise<{ deviceId: string; contract: ContractRow }[]> {
    if (!deviceIds.length) return []
    return db
      .select({ deviceId: serviceContractDevices.deviceId, contract: serviceContracts })
      .from(serviceContractDevices)
      .innerJoin(serviceContracts, eq(serviceContracts.id, serviceContractDevices.contractId))
      .where(inArray(serviceContractDevices.deviceId, [...deviceIds]))
      .orderBy(desc(serviceContracts.endsOn))
  },
}

export const reportCodeRepository = {
  async insert(db: DbOrTx, values: typeof deviceReportCodes.$inferInsert): Promise<ReportCodeRow> {
    const [row] = await db.insert(deviceReportCodes).values(values).returning()
    return row!
  },
  async findById(db: DbOrTx, id: string, opts: { forUpdate?: boolean } = {}): Promise<ReportCodeRow | undefined> {
    const q = db.select().from(deviceReportCodes).where(eq(deviceReportCodes.id, id)).limit(1)
    const [row] = opts.forUpdate ? await q.for('update') : await q
    return row
  },
  /** The newest unverified code sent for this device to this contact. */
  async latestOpen(db: DbOrTx, deviceId: string, contactId: string): Promise<ReportCodeRow | undefined> {
    const [row] = await db
      .select()
      .from(deviceReportCodes)
      .where(
        and(eq(deviceReportCodes.deviceId, deviceId), eq(deviceReportCodes.contactId, contactId), isNull(deviceReportCodes.verifiedAt)),
      )
      .orderBy(desc(deviceReportCodes.createdAt))
      .limit(1)
      .for('update')
    return row
  },
  async countSince(db: DbOrTx, deviceId: string, since: Date): Promise<number> {
    const [row] = await db
      .select({ n: count() })
      .from(deviceReportCodes)
      .where(and(eq(deviceReportCodes.deviceId, deviceId), gte(deviceReportCodes.createdAt, since)))
    return row?.n ?? 0
  },
  async update(db: DbOrTx, id: string, values: Partial<typeof deviceReportCodes.$inferInsert>): Promise<void> {
    await db.update(deviceReportCodes).set(values).where(eq(deviceReportCodes.id, id))
  },
}
