import { z } from 'zod'
import { Line, Locale } from './common.ts'

/** Staff and customer roles (REQUIREMENTS "Users"). */
export const Role = z.enum([
  'admin',
  'supervisor',
  'agent_l1',
  'agent_l2',
  'agent_l3',
  'dispatcher',
  'engineer',
  'warehouse_keeper',
  'provider_admin',
  'customer_contact',
])
export type Role = z.infer<typeof Role>

/** Actions a role may be granted; routes declare the one they need. */
export const Permission = z.enum([
  'users.read',
  'users.manage',
  'teams.manage',
  'tenant.manage',
  'audit.read',
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
  'parts.manage',
  'rma.read',
  'rma.manage',
  'knowledge.read',
  'knowledge.write',
  'reports.read',
  'sla.manage',
  'notifications.configure',
  'webhooks.manage',
  'portal.use',
  'field.use',
])
export type Permission = z.infer<typeof Permission>

export const Email = z
  .string()
  .trim()
  .max(254)
  .transform((s) => s.normalize('NFC'))
  .pipe(z.email())
  .transform((s) => {
    const at = s.lastIndexOf('@')
    return `${s.slice(0, at)}@${s.slice(at + 1).toLowerCase()}`
  })

/** Bounds of a new password: long passphrases welcome (ASVS 6.2). */
export const NEW_PASSWORD_LENGTH = { min: 10, max: 128 } as const
export const NewPassword = z.string().min(NEW_PASSWORD_LENGTH.min).max(NEW_PASSWORD_LENGTH.max)

export const LoginBody = z.object({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(256),
  /** 6-digit TOTP code, required when the user enrolled 2FA. */
  totp: z
    .string()
    .regex(/^\d{6}$/)
    .optional(),
  /** Tenant slug; optional when the installation has one tenant. */
  tenant: z.string().max(63).optional(),
})
export type LoginBody = z.infer<typeof LoginBody>

export const Me = z.object({
  id: z.uuid(),
  tenantId: z.uuid(),
  tenantName: z.string(),
  email: z.string(),
  name: z.string(),
  roles: z.array(Role),
  permissions: z.array(Permission),
  locale: Locale,
  totpEnabled: z.boolean(),
  teamIds: z.array(z.uuid()),
  customerOrgId: z.uuid().nullable(),
  /** Present for cookie sessions: send it as `x-csrf-token` on POST/PATCH/PUT/DELETE. */
  csrfToken: z.string().optional(),
})
export type Me = z.infer<typeof Me>

/** Returned by login: the session cookie is set; the CSRF token goes in `x-csrf-token` on unsafe requests. */
export const LoginResult = z.object({ user: Me, csrfToken: z.string() })
export type LoginResult = z.infer<typeof LoginResult>

export const UserStatus = z.enum(['active', 'disabled'])

export const User = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  phone: z.string().nullable(),
  roles: z.array(Role),
  teamIds: z.array(z.uuid()),
  status: UserStatus,
  locale: Locale,
  totpEnabled: z.boolean(),
  lastLoginAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  version: z.number().int(),
})
export type User = z.infer<typeof User>

export const CreateUserBody = z.object({
  email: Email,
  name: Line(100),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 -]{5,20}$/)
    .optional(),
  password: NewPassword,
  roles: z.array(Role).min(1),
  teamIds: z.array(z.uuid()).default([]),
  locale: Locale.default('zh-CN'),
})
export type CreateUserBody = z.infer<typeof CreateUserBody>

export const UpdateUserBody = z.object({
  name: Line(100).optional(),
  phone: z
    .string()
    .trim()
    .regex(/^\+?[0-9 -]{5,20}$/)
    .nullable()
    .optional(),
  roles: z.array(Role).min(1).optional(),
  teamIds: z.array(z.uuid()).optional(),
  status: UserStatus.optional(),
  locale: Locale.optional(),
})
export type UpdateUserBody = z.infer<typeof UpdateUserBody>

export const ResetPasswordBody = z.object({ password: NewPassword })
export const ChangePasswordBody = z.object({
  currentPassword: z.string().min(1).max(256),
  newPassword: NewPassword,
  /** Sign out the user's other sessions (default true); the current one stays. */
  signOutOtherSessions: z.boolean().default(true),
})
export const UpdateProfileBody = z.object({ name: Line(100).optional(), locale: Locale.optional() })

/** `GET /users` filters; `cursor` comes from the previous page's `nextCursor`. */
export const UserListQuery = z.object({
  q: z.string().trim().max(100).optional(),
  role: Role.optional(),
  status: UserStatus.optional(),
  teamId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(500).optional(),
})
export type UserListQuery = z.infer<typeof UserListQuery>
export const UserList = z.object({ items: z.array(User), nextCursor: z.string().nullable() })
export type UserList = z.infer<typeof UserList>

export const Team = z.object({ id: z.uuid(), name: z.string(), description: z.string().nullable(), memberCount: z.number().int() })
export type Team = z.infer<typeof Team>
export const CreateTeamBody = z.object({ name: Line(100), description: z.string().trim().max(500).optional() })
export const UpdateTeamBody = z.object({ name: Line(100).optional(), description: z.string().trim().max(500).nullable().optional() })

export const TotpEnrollment = z.object({ secret: z.string(), otpauthUrl: z.string(), qrDataUrl: z.string() })
/** Starting an enrolment asks for the password again (ASVS 7.5.1: a borrowed session cannot bind its own authenticator). */
export const TotpStartBody = z.object({ password: z.string().min(1).max(256) })
export const TotpConfirmBody = z.object({ code: z.string().regex(/^\d{6}$/) })
export const TotpDisableBody = z.object({ password: z.string().min(1).max(256), code: z.string().regex(/^\d{6}$/) })

export const Session = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  expiresAt: z.iso.datetime(),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  current: z.boolean(),
})
export type Session = z.infer<typeof Session>

export const ApiTokenScope = Permission
export const ApiToken = z.object({
  id: z.uuid(),
  userId: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(Permission),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
})
export type ApiToken = z.infer<typeof ApiToken>
export const CreateApiTokenBody = z.object({
  name: Line(100),
  scopes: z.array(Permission).min(1),
  /** Days until expiry, 1–365. */
  expiresInDays: z.number().int().min(1).max(365).default(90),
})
/** The plain token is shown once, at creation. */
export const CreatedApiToken = z.object({ token: z.string(), apiToken: ApiToken })
