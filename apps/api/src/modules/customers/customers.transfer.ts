// Import and export of customers and contacts (CSV / Excel, Chinese headers). An import row
// that names an existing customer (by customer number, else by its exact name) updates it;
// a contact is matched within its customer by name. Empty cells leave a field unchanged.
import {
  ContactEmail,
  CustomerCode,
  CustomerKind,
  CustomerTier,
  Line,
  Mobile,
  WechatId,
  type ImportBody,
  type ImportResult,
  type SheetFormat,
} from '@aftercare/contracts'
import { z } from 'zod'
import type { DbOrTx } from '../../platform/db/index.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import type { ModuleDeps } from '../../modules.ts'
import { findUserSummary } from '../identity/index.ts'
import { isRegionProblem, regionFromText, type Region } from './area.ts'
import type { ContactService } from './contacts.service.ts'
import { customerRepository as repo } from './customers.repository.ts'
import { who, type CustomerService, type Who } from './customers.service.ts'
import type { ContactRow, CustomerRow } from './customers.tables.ts'
import { choice, numberCell, required, runImport, cell, yesNo, type ImportSpec, type Issues } from './imports.ts'
import type { SheetColumn, SheetRow } from './spreadsheet.ts'
import { writeSheet } from './spreadsheet.ts'

export const kindLabels: Record<z.infer<typeof CustomerKind>, string> = { organisation: '企业', individual: '个人' }
export const tierLabels: Record<z.infer<typeof CustomerTier>, string> = {
  standard: '标准',
  silver: '银牌',
  gold: '金牌',
  strategic: '战略',
}

/** Place columns shared by customers (default address) and devices (installation place). */
export const placeColumns: SheetColumn[] = [
  { key: 'province', header: '省份', aliases: ['省', 'province'] },
  { key: 'city', header: '城市', aliases: ['市', 'city'] },
  { key: 'district', header: '区县', aliases: ['区', '区/县', 'district'] },
  { key: 'address', header: '详细地址', aliases: ['地址', 'address', 'street'] },
  { key: 'longitude', header: '经度', aliases: ['longitude', 'lng'] },
  { key: 'latitude', header: '纬度', aliases: ['latitude', 'lat'] },
]

export const customerColumns: SheetColumn[] = [
  { key: 'code', header: '客户编号', aliases: ['code', 'customer code'] },
  { key: 'name', header: '客户名称', aliases: ['name', 'customer'], required: true, width: 30 },
  { key: 'kind', header: '客户类型', aliases: ['kind', 'type'] },
  { key: 'tier', header: '客户等级', aliases: ['tier'] },
  { key: 'accountManager', header: '客户经理邮箱', aliases: ['account manager', 'accountmanager'], width: 28 },
  { key: 'tags', header: '标签', aliases: ['tags'] },
  ...placeColumns,
  { key: 'notes', header: '备注', aliases: ['notes'], width: 30 },
]

export const contactColumns: SheetColumn[] = [
  { key: 'customerCode', header: '客户编号', aliases: ['customer code', 'code'] },
  { key: 'customerName', header: '客户名称', aliases: ['customer', 'customer name'], width: 30 },
  { key: 'name', header: '联系人姓名', aliases: ['联系人', '姓名', 'name', 'contact'], required: true },
  { key: 'mobile', header: '手机', aliases: ['手机号', '手机号码', 'mobile', 'phone'] },
  { key: 'email', header: '邮箱', aliases: ['email', 'e-mail'], width: 28 },
  { key: 'wechatId', header: '微信号', aliases: ['wechat', 'wechat id', 'wechatid'] },
  { key: 'title', header: '职务', aliases: ['title', 'position'] },
  { key: 'isPrimary', header: '主要联系人', aliases: ['primary', 'isprimary'] },
]

export interface PlaceValue {
  region: Region
  detail: string
  latitude: number | null
  longitude: number | null
}

/** The place columns of a row: all four of province / city / district / street, or none. */
export function placeCell(issues: Issues, v: Record<string, string>): PlaceValue | undefined {
  const given = ['province', 'city', 'district', 'address'].filter((k) => v[k])
  if (given.length === 0) return undefined
  for (const k of ['province', 'city', 'district', 'address'])
    if (!v[k]) issues.push({ field: k, code: 'required', message: 'is required with the other address columns' })
  if (given.length < 4) return undefined
  const region = regionFromText(v.province!, v.city!, v.district!)
  const fieldOf = { provinceCode: 'province', cityCode: 'city', districtCode: 'district' } as const
  if (isRegionProblem(region)) {
    issues.push({ field: fieldOf[region.field], code: 'unknown_region', message: region.message })
    return undefined
  }
  const detail = cell(issues, 'address', v.address!, Line(200))
  const longitude = numberCell(issues, 'longitude', v.longitude ?? '', -180, 180)
  const latitude = numberCell(issues, 'latitude', v.latitude ?? '', -90, 90)
  if ((latitude === undefined) !== (longitude === undefined) && !issues.some((i) => i.field === 'latitude' || i.field === 'longitude'))
    issues.push({
      field: latitude === undefined ? 'latitude' : 'longitude',
      code: 'required',
      message: 'give longitude and latitude together',
    })
  return detail ? { region, detail, latitude: latitude ?? null, longitude: longitude ?? null } : undefined
}

/** Finds the customer a row names (number first, else exact name), with a per-import cache. */
export function customerFinder(tx: DbOrTx) {
  const cache = new Map<string, CustomerRow | 'ambiguous' | undefined>()
  return async (issues: Issues, code: string, name: string): Promise<CustomerRow | undefined> => {
    if (!code && !name) {
      issues.push({ field: 'customerCode', code: 'required', message: 'give the customer number or the customer name' })
      return undefined
    }
    const key = code ? `c:${code.toLowerCase()}` : `n:${name}`
    if (!cache.has(key)) {
      if (code) cache.set(key, await repo.findByCode(tx, code))
      else {
        const found = await repo.findByName(tx, name)
        cache.set(key, found.length > 1 ? 'ambiguous' : found[0])
      }
    }
    const hit = cache.get(key)
    if (hit === 'ambiguous')
      issues.push({ field: 'customerName', code: 'ambiguous', message: 'several customers have this name; give the customer number' })
    else if (!hit)
      issues.push(
        code
          ? { field: 'customerCode', code: 'unknown_customer', message: `no customer has the number ${code}` }
          : { field: 'customerName', code: 'unknown_customer', message: `no customer is named ${name}` },
      )
    return hit === 'ambiguous' ? undefined : hit
  }
}

const splitTags = (raw: string) => [
  ...new Set(
    raw
      .split(/[;；,，、|]/)
      .map((t) => t.trim())
      .filter(Boolean),
  ),
]

export interface IdentityLookup {
  findUserByEmail(tenantId: string, email: string): Promise<{ id: string; status: string; roles: string[] } | undefined>
}

interface ContactImportValue {
  customer: CustomerRow
  existing: ContactRow | undefined
  fields: { name: string; mobile?: string; email?: string; wechatId?: string; title?: string; isPrimary?: boolean }
}

interface CustomerImportValue {
  existing: CustomerRow | undefined
  fields: {
    code?: string
    name: string
    kind?: CustomerRow['kind']
    tier?: CustomerRow['tier']
    accountManagerId?: string
    tags?: string[]
    notes?: string
  }
  place: PlaceValue | undefined
}

export function createCustomerTransfer(deps: ModuleDeps, customers: CustomerService, contacts: ContactService, identity: IdentityLookup) {
  const { database, audit, clock } = deps

  /** One audit entry for the whole import, in the import's transaction. */
  async function recordImport(
    tx: DbOrTx,
    tenantId: string,
    by: Who,
    kind: 'customers' | 'contacts',
    fileName: string,
    values: { existing: unknown }[],
  ) {
    const updated = values.filter((v) => v.existing).length
    await audit.record(tx, {
      ...by,
      tenantId,
      action: `${kind}.imported`,
      entityType: kind === 'customers' ? 'customer' : 'contact',
      entityId: null,
      after: { fileName, created: values.length - updated, updated },
    })
  }

  function customerSpec(tenantId: string, by: Who, fileName: string): ImportSpec<CustomerImportValue> {
    const managers = new Map<string, string | null>()
    return {
      kind: 'customers',
      columns: customerColumns,
      async prepare(rows: readonly SheetRow[]) {
        for (const email of new Set(rows.map((r) => r.values.accountManager?.toLowerCase() ?? '').filter(Boolean))) {
          const u = await identity.findUserByEmail(tenantId, email)
          managers.set(email, u && u.status === 'active' && u.roles.some((r) => r !== 'customer_contact') ? u.id : null)
        }
      },
      begin(tx) {
        const codes = new Set<string>()
        const names = new Set<string>()
        return {
          async check({ values: v }) {
            const issues: Issues = []
            const name = cell(issues, 'name', required(issues, 'name', v.name!) ?? '', Line(200))
            const code = cell(issues, 'code', v.code!, CustomerCode)
            const kind = choice(issues, 'kind', v.kind!, kindLabels)
            const tier = choice(issues, 'tier', v.tier!, tierLabels)
            const tags = v.tags ? splitTags(v.tags) : undefined
            if (tags?.some((t) => t.length > 50))
              issues.push({ field: 'tags', code: 'invalid', message: 'a tag is longer than 50 characters' })
            const notes = cell(issues, 'notes', v.notes!, z.string().max(2000))
            let accountManagerId: string | undefined
            if (v.accountManager) {
              accountManagerId = managers.get(v.accountManager.toLowerCase()) ?? undefined
              if (!accountManagerId)
                issues.push({
                  field: 'accountManager',
                  code: 'unknown_user',
                  message: `no active staff user has the email ${v.accountManager}`,
                })
            }
            const place = placeCell(issues, v)
            if (code && codes.has(code.toLowerCase()))
              issues.push({ field: 'code', code: 'duplicate_in_file', message: 'an earlier row has the same customer number' })
            if (!code && name && names.has(name))
              issues.push({ field: 'name', code: 'duplicate_in_file', message: 'an earlier row has the same name and no customer number' })
            let existing: CustomerRow | undefined
            if (code) existing = await repo.findByCode(tx, code)
            else if (name) {
              const byName = await repo.findByName(tx, name)
              if (byName.length > 1)
                issues.push({ field: 'name', code: 'ambiguous', message: 'several customers have this name; give the customer number' })
              existing = byName.length === 1 && !byName[0]!.code ? byName[0] : undefined
            }
            if (issues.length || !name) return { ok: false, issues }
            if (code) codes.add(code.toLowerCase())
            names.add(name)
            return {
              ok: true,
              update: Boolean(existing),
              value: { existing, fields: { code, name, kind, tier, accountManagerId, tags, notes }, place },
            }
          },
          async apply(values) {
            for (const { existing, fields, place } of values) {
              const address = place
                ? { ...place.region, detail: place.detail, latitude: place.latitude, longitude: place.longitude }
                : undefined
              if (!existing) {
                await customers.createAsSystem(
                  tx,
                  tenantId,
                  {
                    ...fields,
                    addresses: address
                      ? [
                          {
                            ...address,
                            latitude: address.latitude ?? undefined,
                            longitude: address.longitude ?? undefined,
                            isDefault: true,
                          },
                        ]
                      : [],
                  },
                  by,
                )
                continue
              }
              const patch = Object.fromEntries(Object.entries(fields).filter(([, val]) => val !== undefined))
              await customers.updateAsSystem(tx, tenantId, existing, patch, by)
              if (address) {
                const [current] = await repo.addressesOf(tx, [existing.id])
                const now = clock.now()
                if (current) await repo.updateAddress(tx, current.id, { ...address, updatedAt: now, version: current.version + 1 })
                else
                  await repo.insertAddress(tx, {
                    tenantId,
                    customerId: existing.id,
                    ...address,
                    isDefault: true,
                    createdAt: now,
                    updatedAt: now,
                    version: 1,
                  })
              }
            }
            await recordImport(tx, tenantId, by, 'customers', fileName, values)
          },
        }
      },
    }
  }

  function contactSpec(tenantId: string, by: Who, fileName: string): ImportSpec<ContactImportValue> {
    return {
      kind: 'contacts',
      columns: contactColumns,
      begin(tx) {
        const findCustomer = customerFinder(tx)
        const seen = new Set<string>()
        const primaries = new Set<string>()
        const contactsOf = new Map<string, ContactRow[]>()
        return {
          async check({ values: v }) {
            const issues: Issues = []
            const customer = await findCustomer(issues, v.customerCode!, v.customerName!)
            const name = cell(issues, 'name', required(issues, 'name', v.name!) ?? '', Line(100))
            const mobile = cell(issues, 'mobile', v.mobile!, Mobile)
            const email = cell(issues, 'email', v.email!, ContactEmail)
            const wechatId = cell(issues, 'wechatId', v.wechatId!, WechatId)
            const title = cell(issues, 'title', v.title!, Line(100))
            const primary = choice(issues, 'isPrimary', v.isPrimary!, yesNo)
            if (!v.mobile && !v.email && !v.wechatId)
              issues.push({ field: 'mobile', code: 'required', message: 'give at least one of mobile, email or WeChat id' })
            if (!customer || !name || issues.length) return { ok: false, issues }
            const key = `${customer.id}:${name}`
            if (seen.has(key))
              issues.push({ field: 'name', code: 'duplicate_in_file', message: 'an earlier row has the same contact for this customer' })
            if (primary === 'yes' && primaries.has(customer.id))
              issues.push({
                field: 'isPrimary',
                code: 'duplicate_in_file',
                message: 'an earlier row already makes a primary contact for this customer',
              })
            if (!contactsOf.has(customer.id)) contactsOf.set(customer.id, await repo.contactsOf(tx, [customer.id]))
            const same = contactsOf.get(customer.id)!.filter((c) => c.name === name)
            if (same.length > 1)
              issues.push({ field: 'name', code: 'ambiguous', message: 'the customer has several contacts with this name' })
            if (issues.length) return { ok: false, issues }
            seen.add(key)
            if (primary === 'yes') primaries.add(customer.id)
            const fields = { name, mobile, email, wechatId, title, isPrimary: primary === undefined ? undefined : primary === 'yes' }
            return { ok: true, update: same.length === 1, value: { customer, existing: same[0], fields } }
          },
          async apply(values) {
            for (const { customer, existing, fields } of values) {
              if (existing) {
                const patch = Object.fromEntries(Object.entries(fields).filter(([, val]) => val !== undefined))
                // a contact stays primary until another one is made primary
                if (patch.isPrimary === false && existing.isPrimary) delete patch.isPrimary
                const fresh = (await repo.findContact(tx, existing.id))!
                await contacts.changeContact(tx, tenantId, fresh, patch, by)
              } else await contacts.insertContact(tx, tenantId, customer.id, { ...fields, isPrimary: fields.isPrimary ?? false }, by)
            }
            await recordImport(tx, tenantId, by, 'contacts', fileName, values)
          },
        }
      },
    }
  }

  async function customerRows(tx: DbOrTx, tenantId: string): Promise<Record<string, string>[]> {
    const all = await repo.all(tx)
    const addresses = await repo.addressesOf(
      tx,
      all.map((c) => c.id),
    )
    const emails = new Map<string, string>()
    for (const id of new Set(all.map((c) => c.accountManagerId).filter((x): x is string => Boolean(x))))
      emails.set(id, (await findUserSummary(tx, tenantId, id))?.email ?? '')
    return all.map((c) => {
      const a = addresses.find((x) => x.customerId === c.id)
      return {
        code: c.code ?? '',
        name: c.name,
        kind: kindLabels[c.kind],
        tier: tierLabels[c.tier],
        accountManager: c.accountManagerId ? (emails.get(c.accountManagerId) ?? '') : '',
        tags: c.tags.join(';'),
        province: a?.provinceName ?? '',
        city: a?.cityName ?? '',
        district: a?.districtName ?? '',
        address: a?.detail ?? '',
        longitude: a?.longitude == null ? '' : String(a.longitude),
        latitude: a?.latitude == null ? '' : String(a.latitude),
        notes: c.notes ?? '',
      }
    })
  }

  async function contactRows(tx: DbOrTx): Promise<Record<string, string>[]> {
    const all = await repo.all(tx)
    const byId = new Map(all.map((c) => [c.id, c]))
    const list = await repo.contactsOf(
      tx,
      all.map((c) => c.id),
    )
    return list
      .sort((a, b) => all.indexOf(byId.get(a.customerId)!) - all.indexOf(byId.get(b.customerId)!))
      .map((c) => ({
        customerCode: byId.get(c.customerId)?.code ?? '',
        customerName: byId.get(c.customerId)?.name ?? '',
        name: c.name,
        mobile: c.mobile ?? '',
        email: c.email ?? '',
        wechatId: c.wechatId ?? '',
        title: c.title ?? '',
        isPrimary: c.isPrimary ? yesNo.yes : yesNo.no,
      }))
  }

  const sheets = {
    customers: { columns: customerColumns, sheet: '客户', file: '客户' },
    contacts: { columns: contactColumns, sheet: '联系人', file: '联系人' },
  } as const

  return {
    /** An empty file with the Chinese headers. */
    template: (kind: 'customers' | 'contacts', format: SheetFormat) => writeSheet(format, sheets[kind].sheet, sheets[kind].columns, []),

    /** Previews, or with `commit` imports, a file of customers or contacts. */
    async importFile(ctx: RequestContext, kind: 'customers' | 'contacts', body: ImportBody): Promise<ImportResult> {
      const tenantId = ctx.actor.tenantId
      return kind === 'customers'
        ? runImport(database, tenantId, customerSpec(tenantId, who(ctx), body.fileName), body)
        : runImport(database, tenantId, contactSpec(tenantId, who(ctx), body.fileName), body)
    },

    /** Every customer or contact, unmasked (the export is audited). */
    async exportFile(ctx: RequestContext, kind: 'customers' | 'contacts', format: SheetFormat): Promise<Buffer> {
      const tenantId = ctx.actor.tenantId
      const rows = await database.withTenant(tenantId, async (tx) => {
        const out = kind === 'customers' ? await customerRows(tx, tenantId) : await contactRows(tx)
        await audit.record(tx, {
          ...who(ctx),
          tenantId,
          action: `${kind}.exported`,
          entityType: kind === 'customers' ? 'customer' : 'contact',
          entityId: null,
          after: { rows: out.length, format },
        })
        return out
      })
      return writeSheet(format, sheets[kind].sheet, sheets[kind].columns, rows)
    },
  }
}

export type CustomerTransfer = ReturnType<typeof createCustomerTransfer>
