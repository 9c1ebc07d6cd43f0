// /api/customers: customers, their contacts and addresses, the audited reveal, import and export.
import {
  Address,
  Contact,
  CreateAddressBody,
  CreateContactBody,
  CreateCustomerBody,
  CustomerDetail,
  CustomerList,
  CustomerListQuery,
  ExportQuery,
  IdParams,
  ImportBody,
  ImportResult,
  Ok,
  UpdateAddressBody,
  UpdateContactBody,
  UpdateCustomerBody,
} from '@aftercare/contracts'
import { z } from 'zod'
import type { App } from '../../app.ts'
import { contextOf } from '../../platform/http/access.ts'
import { ifMatchVersion, setEtag } from '../../platform/http/concurrency.ts'
import type { ContactService } from './contacts.service.ts'
import type { CustomerService } from './customers.service.ts'
import type { CustomerTransfer } from './customers.transfer.ts'
import { attachment, sheetContentType } from './spreadsheet.ts'

const tags = ['customers']
const ContactParams = z.object({ id: z.uuid(), contactId: z.uuid() })
const AddressParams = z.object({ id: z.uuid(), addressId: z.uuid() })
const TransferKind = z.object({ kind: z.enum(['customers', 'contacts']).default('customers') })
/** Imports carry the file base64 in JSON: 10 MB of file is about 14 MB of body. */
export const importBodyLimit = 15 * 1024 * 1024

export function customerRoutes(customers: CustomerService, contacts: ContactService, transfer: CustomerTransfer) {
  return (app: App) => {
    app.get(
      '/customers',
      {
        config: { access: { permission: 'customers.read' } },
        schema: {
          tags,
          summary: 'Search customers (phones and addresses masked); page by `offset`, or by `cursor` from the previous `nextCursor`',
          querystring: CustomerListQuery,
          response: { 200: CustomerList },
        },
      },
      async (req) => customers.list(contextOf(req), req.query),
    )
    app.post(
      '/customers',
      {
        config: { access: { permission: 'customers.write' } },
        schema: { tags, body: CreateCustomerBody, response: { 201: CustomerDetail } },
      },
      async (req, reply) => {
        const c = await customers.create(contextOf(req), req.body)
        setEtag(reply, c.version)
        return reply.status(201).send(c)
      },
    )
    app.get(
      '/customers/import-template',
      {
        config: { access: { permission: 'customers.write' } },
        schema: { tags, summary: 'An empty import file with the Chinese headers', querystring: TransferKind.extend(ExportQuery.shape) },
      },
      async (req, reply) => {
        const { kind, format } = req.query
        const file = await transfer.template(kind, format)
        return reply
          .header('content-type', sheetContentType[format])
          .header(
            'content-disposition',
            attachment(`${kind === 'customers' ? '客户' : '联系人'}导入模板.${format}`, `${kind}-template.${format}`),
          )
          .send(file)
      },
    )
    app.post(
      '/customers/import',
      {
        bodyLimit: importBodyLimit,
        config: { access: { permission: 'customers.write' } },
        schema: {
          tags,
          summary: 'Preview (commit: false) or import (commit: true) customers or contacts from CSV / Excel; all rows or none',
          querystring: TransferKind,
          body: ImportBody,
          response: { 200: ImportResult },
        },
      },
      async (req) => transfer.importFile(contextOf(req), req.query.kind, req.body),
    )
    app.get(
      '/customers/export',
      {
        config: { access: { permission: 'customers.pii' }, expensive: { kind: 'export', atOnce: 2 } },
        schema: { tags, summary: 'All customers or contacts, unmasked (audited)', querystring: TransferKind.extend(ExportQuery.shape) },
      },
      async (req, reply) => {
        const { kind, format } = req.query
        const file = await transfer.exportFile(contextOf(req), kind, format)
        return reply
          .header('content-type', sheetContentType[format])
          .header('content-disposition', attachment(`${kind === 'customers' ? '客户' : '联系人'}.${format}`, `${kind}.${format}`))
          .send(file)
      },
    )
    app.get(
      '/customers/:id',
      {
        config: { access: { authenticated: true } },
        schema: { tags, summary: 'One customer with contacts and addresses (masked)', params: IdParams, response: { 200: CustomerDetail } },
      },
      async (req, reply) => {
        const c = await customers.get(contextOf(req), req.params.id)
        setEtag(reply, c.version)
        return c
      },
    )
    app.post(
      '/customers/:id/reveal',
      {
        config: { access: { permission: 'customers.pii' } },
        schema: {
          tags,
          summary: 'The customer with phones, emails and streets in full; written to the audit log',
          params: IdParams,
          response: { 200: CustomerDetail },
        },
      },
      async (req, reply) => {
        const c = await customers.reveal(contextOf(req), req.params.id)
        setEtag(reply, c.version)
        return c
      },
    )
    app.patch(
      '/customers/:id',
      {
        config: { access: { permission: 'customers.write' } },
        schema: {
          tags,
          summary: 'Change a customer; send If-Match with the ETag you read (412 when stale)',
          params: IdParams,
          body: UpdateCustomerBody,
          response: { 200: CustomerDetail },
        },
      },
      async (req, reply) => {
        const c = await customers.update(contextOf(req), req.params.id, req.body, ifMatchVersion(req))
        setEtag(reply, c.version)
        return c
      },
    )
    app.delete(
      '/customers/:id',
      {
        config: { access: { permission: 'customers.write' } },
        schema: { tags, summary: 'Delete a customer without devices or contracts', params: IdParams, response: { 200: Ok } },
      },
      async (req) => {
        await customers.remove(contextOf(req), req.params.id, ifMatchVersion(req))
        return { ok: true as const }
      },
    )

    app.post(
      '/customers/:id/contacts',
      {
        config: { access: { permission: 'customers.write' } },
        schema: { tags, params: IdParams, body: CreateContactBody, response: { 201: Contact } },
      },
      async (req, reply) => {
        const c = await contacts.addContact(contextOf(req), req.params.id, req.body)
        setEtag(reply, c.version)
        return reply.status(201).send(c)
      },
    )
    app.patch(
      '/customers/:id/contacts/:contactId',
      {
        config: { access: { permission: 'customers.write' } },
        schema: { tags, params: ContactParams, body: UpdateContactBody, response: { 200: Contact } },
      },
      async (req, reply) => {
        const c = await contacts.updateContact(contextOf(req), req.params.id, req.params.contactId, req.body, ifMatchVersion(req))
        setEtag(reply, c.version)
        return c
      },
    )
    app.delete(
      '/customers/:id/contacts/:contactId',
      { config: { access: { permission: 'customers.write' } }, schema: { tags, params: ContactParams, response: { 200: Ok } } },
      async (req) => {
        await contacts.removeContact(contextOf(req), req.params.id, req.params.contactId, ifMatchVersion(req))
        return { ok: true as const }
      },
    )
    app.post(
      '/customers/:id/addresses',
      {
        config: { access: { permission: 'customers.write' } },
        schema: { tags, params: IdParams, body: CreateAddressBody, response: { 201: Address } },
      },
      async (req, reply) => {
        const a = await contacts.addAddress(contextOf(req), req.params.id, req.body)
        setEtag(reply, a.version)
        return reply.status(201).send(a)
      },
    )
    app.patch(
      '/customers/:id/addresses/:addressId',
      {
        config: { access: { permission: 'customers.write' } },
        schema: { tags, params: AddressParams, body: UpdateAddressBody, response: { 200: Address } },
      },
      async (req, reply) => {
        const a = await contacts.updateAddress(contextOf(req), req.params.id, req.params.addressId, req.body, ifMatchVersion(req))
        setEtag(reply, a.version)
        return a
      },
    )
    app.delete(
      '/customers/:id/addresses/:addressId',
      { config: { access: { permission: 'customers.write' } }, schema: { tags, params: AddressParams, response: { 200: Ok } } },
      async (req) => {
        await contacts.removeAddress(contextOf(req), req.params.id, req.params.addressId, ifMatchVersion(req))
        return { ok: true as const }
      },
    )
  }
}
