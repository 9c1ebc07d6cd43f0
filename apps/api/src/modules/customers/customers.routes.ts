import { CreateCustomerBody, Customer, CustomerList, CustomerListQuery, IdParams } from '@aftercare/contracts'
import type { App } from '../../app.ts'
import { contextOf } from '../../platform/http/access.ts'
import { setEtag } from '../../platform/http/concurrency.ts'
import type { CustomerService } from './customers.service.ts'
import type { CustomerRow } from './customers.tables.ts'

export function toCustomerDto(row: CustomerRow): Customer {
  return {
    id: row.id,
    kind: row.kind,
    name: row.name,
    tier: row.tier,
    accountManagerId: row.accountManagerId,
    tags: row.tags,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    version: row.version,
  }
}

export function customerRoutes(customers: CustomerService) {
  return (app: App) => {
    app.get(
      '/customers',
      { config: { access: { permission: 'customers.read' } }, schema: { tags: ['customers'], querystring: CustomerListQuery, response: { 200: CustomerList } } },
      async (req) => {
        const { items, total } = await customers.list(contextOf(req), req.query)
        return { items: items.map(toCustomerDto), total }
      },
    )
    app.post(
      '/customers',
      { config: { access: { permission: 'customers.write' } }, schema: { tags: ['customers'], body: CreateCustomerBody, response: { 201: Customer } } },
      async (req, reply) => {
        const row = await customers.create(contextOf(req), req.body)
        setEtag(reply, row.version)
        return reply.status(201).send(toCustomerDto(row))
      },
    )
    app.get(
      '/customers/:id',
      { config: { access: { authenticated: true } }, schema: { tags: ['customers'], params: IdParams, response: { 200: Customer } } },
      async (req, reply) => {
        const row = await customers.get(contextOf(req), req.params.id)
        setEtag(reply, row.version)
        return toCustomerDto(row)
      },
    )
  }
}
