import type { ModuleDeps } from '../../modules.ts'
import { dispatchRoutes } from './dispatch.routes.ts'
import { createDispatchService } from './dispatch.service.ts'

export type { DispatchService } from './dispatch.service.ts'

export function createDispatchModule(_deps: ModuleDeps) {
  const service = createDispatchService()
  return { service, routes: dispatchRoutes(service) }
}

export type DispatchModule = ReturnType<typeof createDispatchModule>
