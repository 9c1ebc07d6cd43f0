// System: the audit log and dead letters as tenant administrators see them.
import type { ModuleDeps } from '../../modules.ts'
import { systemRoutes } from './system.routes.ts'
import { createSystemService } from './system.service.ts'

export function createSystemModule(deps: ModuleDeps) {
  const service = createSystemService(deps)
  return { service, routes: systemRoutes(service) }
}
