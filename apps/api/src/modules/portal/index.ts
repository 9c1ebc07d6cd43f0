// Portal: what customers use without the staff app — the web form a company embeds in its own
// website. (Portal sign-in lives in identity; the portal's ticket pages use the tickets API.)
import type { RoutesPlugin } from '../../app.ts'
import type { ModuleDeps } from '../../modules.ts'
import { embedScriptRoute, webFormRoutes } from './webform.routes.ts'
import { createWebFormService, type WebFormPorts } from './webform.service.ts'

export type { WebFormPorts } from './webform.service.ts'

export function createPortalModule(deps: ModuleDeps, ports: WebFormPorts) {
  const forms = createWebFormService(deps, ports)
  const routes: RoutesPlugin = webFormRoutes(forms)
  /** Routes outside /api: the embed script other websites load. */
  const rootRoutes: RoutesPlugin[] = [embedScriptRoute]
  return { forms, routes, rootRoutes }
}

export type PortalModule = ReturnType<typeof createPortalModule>
