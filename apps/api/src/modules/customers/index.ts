// Customers (R9): organisations and individuals, contacts, addresses, import and export.
// Other modules (tickets, SLA, devices, channels) read customers only through the functions below.
import type { CustomerTier } from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import type { ModuleDeps } from '../../modules.ts'
import { findUserSummary } from '../identity/index.ts'
import { createContactService } from './contacts.service.ts'
import { customerRepository } from './customers.repository.ts'
import { customerRoutes } from './customers.routes.ts'
import { createCustomerService } from './customers.service.ts'
import { createCustomerTransfer, type IdentityLookup } from './customers.transfer.ts'
import type { ContactRow } from './customers.tables.ts'

export type { CustomerService, CreateCustomerInput, Who } from './customers.service.ts'
export { who, systemActor, assertVersion } from './customers.service.ts'
export { maskEmail, maskName, maskPhone, maskStreet, maskText } from './masking.ts'
export { checkRegion, isRegionProblem, regionFromText, regionLabel, resolveRegion, type Region } from './area.ts'
export { attachment, readSheet, sheetContentType, writeSheet, type SheetColumn, type SheetRow } from './spreadsheet.ts'
export { cell, choice, dateCell, numberCell, required, runImport, type ImportSpec, type Issues } from './imports.ts'
export { customerFinder, placeCell, placeColumns, type PlaceValue } from './customers.transfer.ts'
export { importBodyLimit } from './customers.routes.ts'

/** What tickets, SLA and the workbench need to know about a customer. */
export interface CustomerSummary {
  id: string
  code: string | null
  name: string
  kind: 'organisation' | 'individual'
  tier: CustomerTier
  tags: string[]
  accountManager: { id: string; name: string } | null
}

/**
 * A customer by id in the caller's tenant transaction, or undefined. `withManager: false` skips the
 * account manager's name (one query less, for callers that only need the customer itself).
 */
export async function findCustomerSummary(
  tx: DbOrTx,
  id: string,
  opts: { withManager?: boolean } = {},
): Promise<CustomerSummary | undefined> {
  const c = await customerRepository.findById(tx, id)
  if (!c) return undefined
  const manager = c.accountManagerId && opts.withManager !== false ? await findUserSummary(tx, c.tenantId, c.accountManagerId) : undefined
  return {
    id: c.id,
    code: c.code,
    name: c.name,
    kind: c.kind,
    tier: c.tier,
    tags: c.tags,
    accountManager: manager ? { id: manager.id, name: manager.name } : null,
  }
}

/** Summaries of several customers at once (lists of devices, tickets), by id. */
export async function findCustomerSummaries(
  tx: DbOrTx,
  ids: readonly string[],
): Promise<Map<string, Omit<CustomerSummary, 'accountManager'>>> {
  const rows = await customerRepository.findByIds(tx, [...new Set(ids)])
  return new Map(rows.map((c) => [c.id, { id: c.id, code: c.code, name: c.name, kind: c.kind, tier: c.tier, tags: c.tags }]))
}

/** Ids of customers whose name, number, tag or contact matches a search text (at most 200). */
export async function searchCustomerIds(tx: DbOrTx, q: string): Promise<string[]> {
  const { rows } = await customerRepository.list(tx, { q, sort: 'name', limit: 200, offset: 0 })
  return rows.slice(0, 200).map((r) => r.row.id)
}

/** A contact with its personal data in full: callers decide what to show (mask with maskPhone / maskEmail). */
export interface ContactSummary {
  id: string
  customerId: string
  name: string
  mobile: string | null
  email: string | null
  wechatId: string | null
  title: string | null
  isPrimary: boolean
}

const contactSummary = (c: ContactRow): ContactSummary => ({
  id: c.id,
  customerId: c.customerId,
  name: c.name,
  mobile: c.mobile,
  email: c.email,
  wechatId: c.wechatId,
  title: c.title,
  isPrimary: c.isPrimary,
})

export async function findContact(tx: DbOrTx, id: string): Promise<ContactSummary | undefined> {
  const c = await customerRepository.findContact(tx, id)
  return c && contactSummary(c)
}

/** A customer's contacts, the primary one first. */
export async function listContacts(tx: DbOrTx, customerId: string): Promise<ContactSummary[]> {
  return (await customerRepository.contactsOf(tx, [customerId])).map(contactSummary)
}

/**
 * Contacts with this mobile number or email (caller ID, inbound email, portal sign-in by code).
 * The mobile is normalised like the API stores it (`+86 138-1234-5678` → `13812345678`).
 */
export async function findContactsBy(tx: DbOrTx, by: { mobile?: string; email?: string }): Promise<ContactSummary[]> {
  const mobile = by.mobile?.replace(/[\s-]/g, '').replace(/^(?:\+86|0086)(?=1\d{10}$)/, '')
  return (await customerRepository.findContactsBy(tx, { mobile, email: by.email })).map(contactSummary)
}

export function createCustomersModule(deps: ModuleDeps, identity: IdentityLookup) {
  const service = createCustomerService(deps)
  const contacts = createContactService(deps, service)
  const transfer = createCustomerTransfer(deps, service, contacts, identity)
  return { service, contacts, transfer, routes: customerRoutes(service, contacts, transfer) }
}

export type CustomersModule = ReturnType<typeof createCustomersModule>
