// /api/products, /api/devices, /api/contracts: the device archive, its QR labels, import and export.
import {
  ContractList,
  ContractListQuery,
  CreateContractBody,
  CreateDeviceBody,
  CreateProductBody,
  Device,
  DeviceDetail,
  DeviceList,
  DeviceListQuery,
  DeviceQr,
  DeviceQrQuery,
  ExportQuery,
  IdParams,
  ImportBody,
  ImportResult,
  Ok,
  Product,
  ProductList,
  ProductListQuery,
  QrLabelQuery,
  ServiceContract,
  UpdateContractBody,
  UpdateDeviceBody,
  UpdateProductBody,
} from '@aftercare/contracts'
import type { App } from '../../app.ts'
import { contextOf } from '../../platform/http/access.ts'
import { ifMatchVersion, setEtag } from '../../platform/http/concurrency.ts'
import { attachment, importBodyLimit, sheetContentType } from '../customers/index.ts'
import type { ContractService } from './contracts.service.ts'
import type { DeviceService } from './devices.service.ts'
import type { DeviceTransfer } from './devices.transfer.ts'
import type { ProductService } from './products.service.ts'
import type { QrService } from './qr.service.ts'

const ok = { ok: true as const }

export function productRoutes(products: ProductService) {
  const tags = ['products']
  return (app: App) => {
    app.get(
      '/products',
      {
        config: { access: { permission: 'devices.read' } },
        schema: { tags, querystring: ProductListQuery, response: { 200: ProductList } },
      },
      async (req) => products.list(contextOf(req), req.query),
    )
    app.post(
      '/products',
      { config: { access: { permission: 'devices.write' } }, schema: { tags, body: CreateProductBody, response: { 201: Product } } },
      async (req, reply) => {
        const p = await products.create(contextOf(req), req.body)
        setEtag(reply, p.version)
        return reply.status(201).send(p)
      },
    )
    app.get(
      '/products/:id',
      { config: { access: { permission: 'devices.read' } }, schema: { tags, params: IdParams, response: { 200: Product } } },
      async (req, reply) => {
        const p = await products.get(contextOf(req), req.params.id)
        setEtag(reply, p.version)
        return p
      },
    )
    app.patch(
      '/products/:id',
      {
        config: { access: { permission: 'devices.write' } },
        schema: {
          tags,
          summary: 'A new warranty length moves the computed warranty end of its devices',
          params: IdParams,
          body: UpdateProductBody,
          response: { 200: Product },
        },
      },
      async (req, reply) => {
        const p = await products.update(contextOf(req), req.params.id, req.body, ifMatchVersion(req))
        setEtag(reply, p.version)
        return p
      },
    )
    app.delete(
      '/products/:id',
      { config: { access: { permission: 'devices.write' } }, schema: { tags, params: IdParams, response: { 200: Ok } } },
      async (req) => {
        await products.remove(contextOf(req), req.params.id, ifMatchVersion(req))
        return ok
      },
    )
  }
}

export function deviceRoutes(devices: DeviceService, transfer: DeviceTransfer, qr: QrService) {
  const tags = ['devices']
  return (app: App) => {
    app.get(
      '/devices',
      {
        config: { access: { permission: 'devices.read' } },
        schema: {
          tags,
          summary: 'Search devices; warrantyState filters on today; page by `offset`, or by `cursor` from the previous `nextCursor`',
          querystring: DeviceListQuery,
          response: { 200: DeviceList },
        },
      },
      async (req) => devices.list(contextOf(req), req.query),
    )
    app.post(
      '/devices',
      { config: { access: { permission: 'devices.write' } }, schema: { tags, body: CreateDeviceBody, response: { 201: Device } } },
      async (req, reply) => {
        const d = await devices.create(contextOf(req), req.body)
        setEtag(reply, d.version)
        return reply.status(201).send(d)
      },
    )
    app.get(
      '/devices/import-template',
      {
        config: { access: { permission: 'devices.write' } },
        schema: { tags, summary: 'An empty import file with the Chinese headers', querystring: ExportQuery },
      },
      async (req, reply) =>
        reply
          .header('content-type', sheetContentType[req.query.format])
          .header('content-disposition', attachment(`设备导入模板.${req.query.format}`, `devices-template.${req.query.format}`))
          .send(await transfer.template(req.query.format)),
    )
    app.post(
      '/devices/import',
      {
        bodyLimit: importBodyLimit,
        config: { access: { permission: 'devices.write' } },
        schema: {
          tags,
          summary: 'Preview (commit: false) or import (commit: true) devices from CSV / Excel; all rows or none',
          body: ImportBody,
          response: { 200: ImportResult },
        },
      },
      async (req) => transfer.importFile(contextOf(req), req.body),
    )
    app.get(
      '/devices/export',
      {
        config: { access: { permission: 'customers.pii' }, expensive: { kind: 'export', atOnce: 2 } },
        schema: { tags, summary: 'Every device with its installation place (audited)', querystring: ExportQuery },
      },
      async (req, reply) =>
        reply
          .header('content-type', sheetContentType[req.query.format])
          .header('content-disposition', attachment(`设备.${req.query.format}`, `devices.${req.query.format}`))
          .send(await transfer.exportFile(contextOf(req), req.query.format)),
    )
    app.get(
      '/devices/qr-labels.pdf',
      {
        config: { access: { permission: 'devices.read' }, expensive: { kind: 'pdf', atOnce: 2 } },
        schema: { tags, summary: 'A printable A4 sheet of QR labels for many devices (PDF)', querystring: QrLabelQuery },
      },
      async (req, reply) =>
        reply
          .header('content-type', 'application/pdf')
          .header('content-disposition', attachment('设备二维码标签.pdf', 'device-labels.pdf'))
          .send(await qr.labelSheet(contextOf(req), req.query)),
    )
    app.get(
      '/devices/:id',
      {
        config: { access: { permission: 'devices.read' } },
        schema: {
          tags,
          summary: 'One device with its contracts and service history (street masked)',
          params: IdParams,
          response: { 200: DeviceDetail },
        },
      },
      async (req, reply) => {
        const d = await devices.get(contextOf(req), req.params.id)
        setEtag(reply, d.version)
        return d
      },
    )
    app.post(
      '/devices/:id/reveal',
      {
        config: { access: { permission: 'customers.pii' } },
        schema: {
          tags,
          summary: 'The device with its installation street in full; written to the audit log',
          params: IdParams,
          response: { 200: DeviceDetail },
        },
      },
      async (req, reply) => {
        const d = await devices.reveal(contextOf(req), req.params.id)
        setEtag(reply, d.version)
        return d
      },
    )
    app.patch(
      '/devices/:id',
      {
        config: { access: { permission: 'devices.write' } },
        schema: {
          tags,
          summary: 'Change a device; warrantyEndsOn: a date overrides, null goes back to the computed end',
          params: IdParams,
          body: UpdateDeviceBody,
          response: { 200: Device },
        },
      },
      async (req, reply) => {
        const d = await devices.update(contextOf(req), req.params.id, req.body, ifMatchVersion(req))
        setEtag(reply, d.version)
        return d
      },
    )
    app.delete(
      '/devices/:id',
      { config: { access: { permission: 'devices.write' } }, schema: { tags, params: IdParams, response: { 200: Ok } } },
      async (req) => {
        await devices.remove(contextOf(req), req.params.id, ifMatchVersion(req))
        return ok
      },
    )
    app.get(
      '/devices/:id/qr',
      {
        config: { access: { permission: 'devices.read' } },
        schema: {
          tags,
          summary: 'The signed URL of the device label',
          params: IdParams,
          querystring: DeviceQrQuery,
          response: { 200: DeviceQr },
        },
      },
      async (req) => qr.link(contextOf(req), req.params.id, req.query.expiresInDays),
    )
    for (const format of ['png', 'svg'] as const)
      app.get(
        `/devices/:id/qr.${format}`,
        {
          config: { access: { permission: 'devices.read' } },
          schema: { tags, summary: `The device label's QR code as ${format.toUpperCase()}`, params: IdParams, querystring: DeviceQrQuery },
        },
        async (req, reply) => {
          const image = await qr.image(contextOf(req), req.params.id, format, req.query.expiresInDays)
          return reply
            .header('content-type', format === 'png' ? 'image/png' : 'image/svg+xml')
            .header('content-disposition', `inline; filename="qr-${req.params.id}.${format}"`)
            .header('cache-control', 'private, max-age=300')
            .send(image)
        },
      )
  }
}

export function contractRoutes(contracts: ContractService) {
  const tags = ['contracts']
  return (app: App) => {
    app.get(
      '/contracts',
      {
        config: { access: { permission: 'customers.read' } },
        schema: { tags, querystring: ContractListQuery, response: { 200: ContractList } },
      },
      async (req) => contracts.list(contextOf(req), req.query),
    )
    app.post(
      '/contracts',
      {
        config: { access: { permission: 'customers.write' } },
        schema: { tags, body: CreateContractBody, response: { 201: ServiceContract } },
      },
      async (req, reply) => {
        const c = await contracts.create(contextOf(req), req.body)
        setEtag(reply, c.version)
        return reply.status(201).send(c)
      },
    )
    app.get(
      '/contracts/:id',
      { config: { access: { permission: 'customers.read' } }, schema: { tags, params: IdParams, response: { 200: ServiceContract } } },
      async (req, reply) => {
        const c = await contracts.get(contextOf(req), req.params.id)
        setEtag(reply, c.version)
        return c
      },
    )
    app.patch(
      '/contracts/:id',
      {
        config: { access: { permission: 'customers.write' } },
        schema: { tags, params: IdParams, body: UpdateContractBody, response: { 200: ServiceContract } },
      },
      async (req, reply) => {
        const c = await contracts.update(contextOf(req), req.params.id, req.body, ifMatchVersion(req))
        setEtag(reply, c.version)
        return c
      },
    )
    app.delete(
      '/contracts/:id',
      { config: { access: { permission: 'customers.write' } }, schema: { tags, params: IdParams, response: { 200: Ok } } },
      async (req) => {
        await contracts.remove(contextOf(req), req.params.id, ifMatchVersion(req))
        return ok
      },
    )
  }
}
