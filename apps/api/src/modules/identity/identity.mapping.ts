// Rows → API shapes. Hashes, sealed secrets and lockout counters never leave this module.
import type { ApiToken, Me, Permission, Role, Session, User } from '@aftercare/contracts'
import { permissionsOf, sortedPermissions } from './identity.policy.ts'
import type { ApiTokenRow, SessionRow, UserRow } from './identity.tables.ts'

const iso = (d: Date | null) => (d ? d.toISOString() : null)

export function toUserDto(u: UserRow, teamIds: string[]): User {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    phone: u.phone,
    roles: u.roles as Role[],
    teamIds,
    status: u.status,
    locale: u.locale,
    totpEnabled: u.totpSecret !== null,
    lastLoginAt: iso(u.lastLoginAt),
    createdAt: u.createdAt.toISOString(),
    version: u.version,
  }
}

export function toMe(u: UserRow, tenantName: string, teamIds: string[], permissions?: ReadonlySet<Permission>): Me {
  return {
    id: u.id,
    tenantId: u.tenantId,
    tenantName,
    email: u.email,
    name: u.name,
    roles: u.roles as Role[],
    permissions: sortedPermissions(permissions ?? permissionsOf(u.roles)),
    locale: u.locale,
    totpEnabled: u.totpSecret !== null,
    teamIds,
    customerOrgId: u.customerOrgId,
  }
}

export function toSessionDto(s: SessionRow, currentId: string | undefined): Session {
  return {
    id: s.id,
    userId: s.userId,
    createdAt: s.createdAt.toISOString(),
    lastSeenAt: s.lastSeenAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    ip: s.ip,
    userAgent: s.userAgent,
    current: s.id === currentId,
  }
}

export function toTokenDto(t: ApiTokenRow): ApiToken {
  return {
    id: t.id,
    userId: t.userId,
    name: t.name,
    prefix: t.prefix,
    scopes: t.scopes as Permission[],
    createdAt: t.createdAt.toISOString(),
    expiresAt: iso(t.expiresAt),
    lastUsedAt: iso(t.lastUsedAt),
    revokedAt: iso(t.revokedAt),
  }
}

/** What the audit log may show of a user: no hash, no secret, no counters. */
export function auditView(u: UserRow, teamIds?: string[]) {
  return {
    email: u.email,
    name: u.name,
    phone: u.phone,
    roles: u.roles,
    status: u.status,
    locale: u.locale,
    totpEnabled: u.totpSecret !== null,
    customerOrgId: u.customerOrgId,
    ...(teamIds ? { teamIds } : {}),
  }
}
