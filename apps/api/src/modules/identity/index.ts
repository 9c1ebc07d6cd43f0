// Identity: users, teams, sessions, API tokens, two-factor, and who may do what.
import type { DbOrTx } from '../../platform/db/index.ts'
import type { Authenticator } from '../../platform/http/access.ts'
import type { RoutesPlugin } from '../../app.ts'
import type { ModuleDeps } from '../../modules.ts'
import { createAccountService, type AccountService } from './account.service.ts'
import { authRoutes } from './auth.routes.ts'
import { createAuthService, type AuthService } from './auth.service.ts'
import { createSecretBox } from './credentials.ts'
import { identityRepository } from './identity.repository.ts'
import { portalOtpRoutes } from './portal-otp.routes.ts'
import { createPortalOtpService, type PortalContactLookup, type PortalOtpService } from './portal-otp.service.ts'
import { userRoutes } from './users.routes.ts'
import { createTokenCache } from './token-cache.ts'
import { createUsersService, type UsersService } from './users.service.ts'

export { permissionsOf, rolePermissions, lockoutRule } from './identity.policy.ts'
export { createSecretBox, type SecretBox } from './credentials.ts'
export type { NewUser } from './users.service.ts'
export type { PortalContact, PortalContactLookup } from './portal-otp.service.ts'

export interface IdentityModule {
  authenticator: Authenticator
  routes: RoutesPlugin
  auth: AuthService
  account: AccountService
  users: UsersService
  /** Portal sign-in with a one-time code sent to a contact's mobile or email. */
  portalOtp: PortalOtpService
  /** Creates a tenant; 409 `tenant_exists` when the slug is taken. */
  createTenant: UsersService['createTenant']
  findTenantBySlug: UsersService['findTenantBySlug']
  findTenantById(id: string): Promise<{ id: string; slug: string; name: string } | undefined>
  /** Creates a user as the system actor (CLI `create-user`, seed). */
  createUser: UsersService['createUser']
  findUserByEmail: UsersService['findUserByEmail']
  verifyCredentials: UsersService['verifyCredentials']
  setCustomerOrg: UsersService['setCustomerOrg']
}

/** What other modules may know about a user (inside their own tenant transaction). */
export interface UserSummary {
  id: string
  name: string
  email: string
  roles: string[]
  status: 'active' | 'disabled'
  customerOrgId: string | null
}

/**
 * A user by id in the caller's tenant transaction, or undefined. Other modules call this
 * (e.g. tickets checking an assignee is an active agent) instead of reading identity tables.
 */
export async function findUserSummary(tx: DbOrTx, tenantId: string, userId: string): Promise<UserSummary | undefined> {
  const u = await identityRepository.findUserById(tx, tenantId, userId)
  return u ? { id: u.id, name: u.name, email: u.email, roles: u.roles, status: u.status, customerOrgId: u.customerOrgId } : undefined
}

/** A user as notifications address them: where to write and in which language. */
export interface UserAddress {
  id: string
  name: string
  email: string
  phone: string | null
  locale: 'zh-CN' | 'en-US'
  roles: string[]
  status: 'active' | 'disabled'
  customerOrgId: string | null
}

/** Users by id, plus the active users holding any of `roles` (at most 500 per role), each once. */
export async function findUserAddresses(tx: DbOrTx, tenantId: string, by: { ids?: string[]; roles?: string[] }): Promise<UserAddress[]> {
  const found = new Map<string, UserAddress>()
  const add = (u: Awaited<ReturnType<typeof identityRepository.findUserById>>) => {
    if (u)
      found.set(u.id, {
        id: u.id,
        name: u.name,
        email: u.email,
        phone: u.phone,
        locale: u.locale,
        roles: u.roles,
        status: u.status,
        customerOrgId: u.customerOrgId,
      })
  }
  for (const id of new Set(by.ids ?? [])) add(await identityRepository.findUserById(tx, tenantId, id))
  for (const role of by.roles ?? [])
    for (const u of await identityRepository.listUsers(tx, tenantId, { role, status: 'active', limit: 500 })) add(u)
  return [...found.values()]
}

/** True when the user exists in the tenant, is active and holds at least one of the roles. */
export async function isActiveWithRole(tx: DbOrTx, tenantId: string, userId: string, roles: readonly string[]): Promise<boolean> {
  const u = await findUserSummary(tx, tenantId, userId)
  return Boolean(u && u.status === 'active' && u.roles.some((r) => roles.includes(r)))
}

export interface IdentityOptions {
  /** How the portal finds a customer's contacts by mobile or email (the customers module). */
  portalContacts?: PortalContactLookup
}

export function createIdentityModule(deps: ModuleDeps, opts: IdentityOptions = {}): IdentityModule {
  const identityDeps = { ...deps, totpBox: createSecretBox(deps.config.SECRET_KEY, 'totp-secret'), tokenCache: createTokenCache() }
  const auth = createAuthService(identityDeps)
  const account = createAccountService(identityDeps)
  const users = createUsersService(identityDeps)
  const authPlugin = authRoutes(auth, account, deps.config)
  const usersPlugin = userRoutes(users)
  const portalOtp = createPortalOtpService(identityDeps, users, opts.portalContacts)
  const portalPlugin = portalOtpRoutes(portalOtp, deps.config)
  return {
    authenticator: auth.authenticator,
    routes: (app) => {
      authPlugin(app)
      usersPlugin(app)
      portalPlugin(app)
    },
    auth,
    account,
    users,
    portalOtp,
    createTenant: users.createTenant,
    findTenantBySlug: users.findTenantBySlug,
    findTenantById: (id) => identityRepository.findTenantById(deps.database.db, id),
    createUser: users.createUser,
    findUserByEmail: users.findUserByEmail,
    verifyCredentials: users.verifyCredentials,
    setCustomerOrg: users.setCustomerOrg,
  }
}
