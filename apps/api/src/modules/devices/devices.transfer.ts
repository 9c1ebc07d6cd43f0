// Import and export of the device archive (CSV / Excel, Chinese headers). A row whose serial
// number exists updates that device; empty cells leave a field unchanged. The products must
// exist (by model) and the owner is named by customer number, else by exact name.
import {
  SerialNumber,
  type CreateDeviceBody,
  type ImportBody,
  type ImportResult,
  type SheetFormat,
  type UpdateDeviceBody,
} from '@aftercare/contracts'
import { z } from 'zod'
import type { DbOrTx } from '../../platform/db/index.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import type { ModuleDeps } from '../../modules.ts'
import {
  cell,
  customerFinder,
  dateCell,
  findCustomerSummaries,
  placeCell,
  placeColumns,
  required,
  runImport,
  who,
  writeSheet,
  type ImportSpec,
  type Issues,
  type SheetColumn,
  type Who,
} from '../customers/index.ts'
import { deviceRepository as repo, productRepository } from './devices.repository.ts'
import type { DeviceService } from './devices.service.ts'
import type { DeviceRow, ProductRow } from './devices.tables.ts'

const installHeaders: Record<string, string> = { province: '安装省份', city: '安装城市', district: '安装区县', address: '安装地址' }

export const deviceColumns: SheetColumn[] = [
  { key: 'serialNumber', header: '序列号', aliases: ['serial number', 'serial', 'sn', '设备序列号'], required: true, width: 22 },
  { key: 'model', header: '产品型号', aliases: ['model', '型号'], required: true, width: 18 },
  { key: 'customerCode', header: '客户编号', aliases: ['customer code'] },
  { key: 'customerName', header: '客户名称', aliases: ['customer', 'owner', '客户'], width: 30 },
  { key: 'purchasedOn', header: '购买日期', aliases: ['purchased on', 'purchase date'] },
  { key: 'installedOn', header: '安装日期', aliases: ['installed on', 'installation date'] },
  { key: 'warrantyEndsOn', header: '保修截止(手工指定)', aliases: ['保修截止', 'warranty ends on', 'warranty override'], width: 20 },
  ...placeColumns.map((c) =>
    installHeaders[c.key] ? { ...c, header: installHeaders[c.key]!, aliases: [c.header, ...(c.aliases ?? [])] } : c,
  ),
  { key: 'notes', header: '备注', aliases: ['notes'], width: 30 },
]

interface DeviceImportValue {
  existing: DeviceRow | undefined
  fields: Omit<CreateDeviceBody, 'installPlace'> & { installPlace?: CreateDeviceBody['installPlace'] }
}

export function createDeviceTransfer({ database, audit }: ModuleDeps, devices: DeviceService) {
  function spec(tenantId: string, by: Who, fileName: string): ImportSpec<DeviceImportValue> {
    return {
      kind: 'devices',
      columns: deviceColumns,
      begin(tx) {
        const findCustomer = customerFinder(tx)
        const productByModel = new Map<string, ProductRow | undefined>()
        const serials = new Set<string>()
        return {
          async check({ values: v }) {
            const issues: Issues = []
            const serialNumber = cell(issues, 'serialNumber', required(issues, 'serialNumber', v.serialNumber!) ?? '', SerialNumber)
            const model = required(issues, 'model', v.model!)
            let product: ProductRow | undefined
            if (model) {
              const key = model.toLowerCase()
              if (!productByModel.has(key)) productByModel.set(key, await productRepository.findByModel(tx, model))
              product = productByModel.get(key)
              if (!product)
                issues.push({
                  field: 'model',
                  code: 'unknown_product',
                  message: `no product has the model ${model}; add it under Products first`,
                })
            }
            const existing = serialNumber ? await repo.findBySerial(tx, serialNumber) : undefined
            const owner =
              v.customerCode || v.customerName || !existing ? await findCustomer(issues, v.customerCode!, v.customerName!) : undefined
            const purchasedOn = dateCell(issues, 'purchasedOn', v.purchasedOn!)
            const installedOn = dateCell(issues, 'installedOn', v.installedOn!)
            const warrantyEndsOn = dateCell(issues, 'warrantyEndsOn', v.warrantyEndsOn!)
            const place = placeCell(issues, v)
            const notes = cell(issues, 'notes', v.notes!, z.string().max(2000))
            if (serialNumber && serials.has(serialNumber.toLowerCase()))
              issues.push({ field: 'serialNumber', code: 'duplicate_in_file', message: 'an earlier row has the same serial number' })
            if (issues.length || !serialNumber || !product) return { ok: false, issues }
            serials.add(serialNumber.toLowerCase())
            const installPlace = place && {
              provinceCode: place.region.provinceCode,
              cityCode: place.region.cityCode,
              districtCode: place.region.districtCode,
              detail: place.detail,
              ...(place.latitude !== null && place.longitude !== null ? { latitude: place.latitude, longitude: place.longitude } : {}),
            }
            const fields = {
              serialNumber,
              productId: product.id,
              customerId: owner?.id ?? existing!.customerId,
              purchasedOn,
              installedOn,
              warrantyEndsOn,
              installPlace,
              notes,
            }
            return { ok: true, update: Boolean(existing), value: { existing, fields } }
          },
          async apply(values) {
            for (const { existing, fields } of values) {
              if (!existing) await devices.insertDevice(tx, tenantId, fields, by)
              else {
                const patch: UpdateDeviceBody = Object.fromEntries(Object.entries(fields).filter(([, val]) => val !== undefined))
                await devices.changeDevice(tx, tenantId, (await repo.findById(tx, existing.id, { forUpdate: true }))!, patch, by)
              }
            }
            const updated = values.filter((v) => v.existing).length
            await audit.record(tx, {
              ...by,
              tenantId,
              action: 'devices.imported',
              entityType: 'device',
              entityId: null,
              after: { fileName, created: values.length - updated, updated },
            })
          },
        }
      },
    }
  }

  async function rows(tx: DbOrTx): Promise<Record<string, string>[]> {
    const all = await repo.all(tx)
    const products = new Map((await productRepository.all(tx)).map((p) => [p.id, p]))
    const owners = await findCustomerSummaries(
      tx,
      all.map((d) => d.customerId),
    )
    return all.map((d) => ({
      serialNumber: d.serialNumber,
      model: products.get(d.productId)?.model ?? '',
      customerCode: owners.get(d.customerId)?.code ?? '',
      customerName: owners.get(d.customerId)?.name ?? '',
      purchasedOn: d.purchasedOn ?? '',
      installedOn: d.installedOn ?? '',
      warrantyEndsOn: d.warrantyOverridden ? (d.warrantyEndsOn ?? '') : '',
      province: d.installProvinceName ?? '',
      city: d.installCityName ?? '',
      district: d.installDistrictName ?? '',
      address: d.installDetail ?? '',
      longitude: d.longitude == null ? '' : String(d.longitude),
      latitude: d.latitude == null ? '' : String(d.latitude),
      notes: d.notes ?? '',
    }))
  }

  return {
    template: (format: SheetFormat) => writeSheet(format, '设备', deviceColumns, []),

    importFile(ctx: RequestContext, body: ImportBody): Promise<ImportResult> {
      return runImport(database, ctx.actor.tenantId, spec(ctx.actor.tenantId, who(ctx), body.fileName), body)
    },

    /** Every device with its unmasked installation place (the export is audited). */
    async exportFile(ctx: RequestContext, format: SheetFormat): Promise<Buffer> {
      const tenantId = ctx.actor.tenantId
      const list = await database.withTenant(tenantId, async (tx) => {
        const out = await rows(tx)
        await audit.record(tx, {
          ...who(ctx),
          tenantId,
          action: 'devices.exported',
          entityType: 'device',
          entityId: null,
          after: { rows: out.length, format },
        })
        return out
      })
      return writeSheet(format, '设备', deviceColumns, list)
    },
  }
}

export type DeviceTransfer = ReturnType<typeof createDeviceTransfer>
