// Placeholder until the identity module lands (issue 2): anonymous only, no routes.
import type { Authenticator } from '../../platform/http/access.ts'
import type { RoutesPlugin } from '../../app.ts'
import type { ModuleDeps } from '../../modules.ts'

export interface IdentityModule {
  authenticator: Authenticator
  routes: RoutesPlugin
}

export function createIdentityModule(_deps: ModuleDeps): IdentityModule {
  return { authenticator: { authenticate: async () => null }, routes: () => {} }
}
