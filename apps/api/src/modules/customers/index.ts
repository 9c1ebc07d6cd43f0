import type { ModuleDeps } from '../../modules.ts'
import { customerRoutes } from './customers.routes.ts'
import { createCustomerService } from './customers.service.ts'

export type { CustomerService, CreateCustomerInput } from './customers.service.ts'

export function createCustomersModule(deps: ModuleDeps) {
  const service = createCustomerService(deps)
  return { service, routes: customerRoutes(service) }
}

export type CustomersModule = ReturnType<typeof createCustomersModule>
