// Who may do what: the role → permission matrix, as data, plus the pure rules around it.
// Routes declare the one permission they need (`config.access`); the authenticator gives
// every actor the union of its roles' permissions (a token: its scopes ∩ that union).
import { Permission, type Role } from '@aftercare/contracts'

const all = Permission.options

/**
 * The matrix. Reading guide:
 * - admin: the tenant's administrator — everything on the staff side (users, teams, tenant
 *   settings, audit log, SLA policies …) but not the customer portal or the field app,
 *   which belong to customer contacts and engineers.
 * - supervisor: runs the service desk — all ticket work, assignment, reports, SLA
 *   policies, knowledge editing, sees the user directory; does not manage users.
 * - agent_l1 / l2 / l3: first, second and third line. L1 handles tickets and customers;
 *   L2 also assigns, writes knowledge and manages RMAs; L3 also reads reports.
 * - dispatcher: plans field visits (dispatch.plan) and assigns tickets; reads every ticket, works
 *   (writes, replies) only on tickets assigned to them (tickets module policy).
 * - engineer: the field app (field.use), and reads / works on the tickets assigned to them.
 * - warehouse_keeper: spare parts and RMA logistics.
 * - provider_admin: a third-party service provider's administrator — plans its own
 *   engineers' visits (modules narrow this to the provider's jobs).
 * - customer_contact: the customer portal (plus, like everyone, their own profile, which routes
 *   declare as `authenticated`): create, read, reply to and confirm their own organisation's
 *   tickets — the tickets module narrows every query to the contact's organisation and hides
 *   internal notes.
 * - tickets.configure: types, categories and their forms, queues, priority matrix, ticket settings.
 * - customers.pii: phone numbers and street addresses in full (each reveal is audited); others see
 *   them masked. devices.read / devices.write: the device archive, products and QR codes.
 * `tokens.manage_own` lets a staff user create API tokens for the CLI and integrations.
 */
export const rolePermissions: Record<Role, readonly Permission[]> = {
  admin: all.filter((p) => p !== 'portal.use' && p !== 'field.use'),
  supervisor: [
    'users.read',
    'tokens.manage_own',
    'tickets.read',
    'tickets.write',
    'tickets.assign',
    'tickets.create',
    'tickets.reply',
    'tickets.confirm',
    'tickets.configure',
    'customers.read',
    'customers.write',
    'customers.pii',
    'devices.read',
    'devices.write',
    'dispatch.read',
    'dispatch.plan',
    'parts.read',
    'rma.read',
    'rma.manage',
    'knowledge.read',
    'knowledge.write',
    'reports.read',
    'sla.manage',
  ],
  agent_l1: [
    'tokens.manage_own',
    'tickets.read',
    'tickets.write',
    'tickets.create',
    'tickets.reply',
    'tickets.confirm',
    'customers.read',
    'customers.write',
    'devices.read',
    'devices.write',
    'dispatch.read',
    'parts.read',
    'rma.read',
    'knowledge.read',
  ],
  agent_l2: [
    'tokens.manage_own',
    'tickets.read',
    'tickets.write',
    'tickets.assign',
    'tickets.create',
    'tickets.reply',
    'tickets.confirm',
    'customers.read',
    'customers.write',
    'customers.pii',
    'devices.read',
    'devices.write',
    'dispatch.read',
    'parts.read',
    'rma.read',
    'rma.manage',
    'knowledge.read',
    'knowledge.write',
  ],
  agent_l3: [
    'tokens.manage_own',
    'tickets.read',
    'tickets.write',
    'tickets.assign',
    'tickets.create',
    'tickets.reply',
    'tickets.confirm',
    'customers.read',
    'customers.write',
    'customers.pii',
    'devices.read',
    'devices.write',
    'dispatch.read',
    'parts.read',
    'rma.read',
    'rma.manage',
    'knowledge.read',
    'knowledge.write',
    'reports.read',
  ],
  dispatcher: [
    'tokens.manage_own',
    'tickets.read',
    'tickets.write',
    'tickets.assign',
    'tickets.reply',
    'customers.read',
    'customers.pii',
    'devices.read',
    'dispatch.read',
    'dispatch.plan',
    'parts.read',
    'knowledge.read',
    'reports.read',
  ],
  engineer: [
    'field.use',
    'devices.read',
    'tickets.read',
    'tickets.write',
    'tickets.reply',
    'dispatch.read',
    'parts.read',
    'knowledge.read',
  ],
  warehouse_keeper: [
    'tokens.manage_own',
    'tickets.read',
    'devices.read',
    'parts.read',
    'parts.manage',
    'rma.read',
    'rma.manage',
    'knowledge.read',
    'reports.read',
  ],
  provider_admin: ['tokens.manage_own', 'tickets.read', 'dispatch.read', 'dispatch.plan', 'parts.read', 'knowledge.read', 'reports.read'],
  customer_contact: ['portal.use', 'tickets.read', 'tickets.create', 'tickets.reply', 'tickets.confirm'],
}

/** The permissions a set of roles grants (unknown role names grant nothing). */
export function permissionsOf(roles: readonly string[]): Set<Permission> {
  const out = new Set<Permission>()
  for (const role of roles) for (const p of rolePermissions[role as Role] ?? []) out.add(p)
  return out
}

/** What an API token may do: its scopes, never more than its owner may do now. */
export function tokenPermissions(scopes: readonly string[], ownerRoles: readonly string[]): Set<Permission> {
  const owner = permissionsOf(ownerRoles)
  return new Set([...owner].filter((p) => scopes.includes(p)))
}

/** Scopes a new token may not carry because the creating actor lacks them. */
export function scopesBeyond(scopes: readonly Permission[], granted: ReadonlySet<Permission>): Permission[] {
  return scopes.filter((s) => !granted.has(s))
}

/** Sorted, for stable API output. */
export function sortedPermissions(set: ReadonlySet<Permission>): Permission[] {
  return all.filter((p) => set.has(p))
}

// Lockout: after `threshold` consecutive failures the account is locked for `baseMs`,
// doubling with each further lockout up to `maxMs`; a successful login resets it all.
// The cap bounds what an attacker can do: a lock always expires, and an admin's password
// reset clears it at once.
export const lockoutRule = { threshold: 5, baseMs: 15 * 60_000, maxMs: 4 * 60 * 60_000 } as const

export interface LockoutState {
  failedLogins: number
  lockouts: number
  lockedUntil: Date | null
}

export function isLocked(s: LockoutState, now: Date): boolean {
  return s.lockedUntil !== null && s.lockedUntil.getTime() > now.getTime()
}

/**
 * Lockouts after which a known device no longer gets past a lock: its own wrong passwords count
 * like anyone's, so a stolen device cookie buys at most this many rounds of guesses.
 */
export const KNOWN_DEVICE_MAX_LOCKOUTS = 5

/**
 * Is the sign-in refused for the lock? A lock set off by strangers' guesses does not shut the owner
 * out of a browser they signed in from before (RELIABILITY C-BRUTE: no malicious lockout).
 */
export function lockedFor(s: LockoutState, now: Date, knownDevice: boolean): boolean {
  return isLocked(s, now) && !(knownDevice && s.lockouts < KNOWN_DEVICE_MAX_LOCKOUTS)
}

/** The state after one more failed attempt (password or 2FA code). */
export function afterFailedLogin(s: LockoutState, now: Date): LockoutState {
  const failed = s.failedLogins + 1
  if (failed < lockoutRule.threshold) return { ...s, failedLogins: failed }
  const ms = Math.min(lockoutRule.baseMs * 2 ** s.lockouts, lockoutRule.maxMs)
  return { failedLogins: 0, lockouts: s.lockouts + 1, lockedUntil: new Date(now.getTime() + ms) }
}

export const unlocked: LockoutState = { failedLogins: 0, lockouts: 0, lockedUntil: null }
