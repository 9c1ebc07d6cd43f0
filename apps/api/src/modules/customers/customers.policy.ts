import type { Actor } from '../../platform/http/access.ts'
import type { CustomerRow } from './customers.tables.ts'

/** Staff with customers.read see every customer of the tenant; a customer contact only their own organisation. */
export function canReadCustomer(actor: Actor, customer: Pick<CustomerRow, 'id'>): boolean {
  if (actor.permissions.has('customers.read')) return true
  return actor.customerOrgId === customer.id
}
