// Demo data: tenant `demo` with one user per role, so a fresh `npm start` can be tried at once.
// Idempotent: when the tenant exists, nothing is done.
import type { Role } from '@aftercare/contracts'
import type { IdentityModule } from './modules/identity/index.ts'
import { ConflictError } from './platform/errors.ts'

export const DEMO_TENANT = { slug: 'demo', name: '演示企业' } as const
/** The documented demo password (change it, or run with SEED_DEMO=never, before real use). */
export const DEMO_PASSWORD = 'Aftercare#2026'

export const demoUsers: { role: Role; email: string; name: string; phone: string }[] = [
  { role: 'admin', email: 'admin@demo.aftercare.local', name: '管理员 王敏', phone: '+86 138 0000 0001' },
  { role: 'supervisor', email: 'supervisor@demo.aftercare.local', name: '主管 李强', phone: '+86 138 0000 0002' },
  { role: 'agent_l1', email: 'agent1@demo.aftercare.local', name: '一线客服 张丽', phone: '+86 138 0000 0003' },
  { role: 'agent_l2', email: 'agent2@demo.aftercare.local', name: '二线支持 刘洋', phone: '+86 138 0000 0004' },
  { role: 'dispatcher', email: 'dispatcher@demo.aftercare.local', name: '调度员 陈静', phone: '+86 138 0000 0005' },
  { role: 'engineer', email: 'engineer@demo.aftercare.local', name: '工程师 赵伟', phone: '+86 138 0000 0006' },
  { role: 'warehouse_keeper', email: 'warehouse@demo.aftercare.local', name: '仓管员 孙芳', phone: '+86 138 0000 0007' },
  { role: 'provider_admin', email: 'provider@demo.aftercare.local', name: '服务商管理员 周杰', phone: '+86 138 0000 0008' },
  { role: 'customer_contact', email: 'customer@demo.aftercare.local', name: '客户联系人 吴娜', phone: '+86 138 0000 0009' },
]

export interface DemoLogin {
  role: Role
  email: string
  name: string
  password: string
}

export interface DemoSeedResult {
  /** False when the demo tenant already existed (nothing was changed). */
  created: boolean
  tenant: { id: string; slug: string; name: string }
  logins: DemoLogin[]
}

/**
 * Hooks for modules that add demo data of their own once the users exist. The customers
 * module will create a few customer organisations here and link the customer contact to one
 * (`identity.setCustomerOrg`); until it does, the contact has no organisation. No fake data.
 */
export interface DemoSeedHooks {
  seedCustomers?: (ctx: { tenantId: string; users: Record<Role, string | undefined> }) => Promise<void>
}

/** Creates the demo tenant and its users; does nothing when tenant `demo` exists. */
export async function seedDemo(
  source: { identity: IdentityModule } | { modules: { identity: IdentityModule } },
  hooks: DemoSeedHooks = {},
): Promise<DemoSeedResult> {
  const identity = 'modules' in source ? source.modules.identity : source.identity
  const logins = demoUsers.map((u) => ({ role: u.role, email: u.email, name: u.name, password: DEMO_PASSWORD }))
  const existing = await identity.findTenantBySlug(DEMO_TENANT.slug)
  if (existing) return { created: false, tenant: existing, logins }
  let tenant: DemoSeedResult['tenant']
  try {
    tenant = await identity.createTenant(DEMO_TENANT)
  } catch (e) {
    // Another process seeded at the same moment: theirs stands.
    const now = await identity.findTenantBySlug(DEMO_TENANT.slug)
    if (e instanceof ConflictError && now) return { created: false, tenant: now, logins }
    throw e
  }
  const ids = {} as Record<Role, string | undefined>
  for (const u of demoUsers) {
    const user = await identity.createUser(tenant.id, {
      email: u.email,
      name: u.name,
      phone: u.phone,
      password: DEMO_PASSWORD,
      roles: [u.role],
      locale: 'zh-CN',
    })
    ids[u.role] = user.id
  }
  await hooks.seedCustomers?.({ tenantId: tenant.id, users: ids })
  return { created: true, tenant, logins }
}

/** The lines `npm start` prints after a first-run seed. */
export function formatDemoLogins(result: DemoSeedResult): string {
  const width = Math.max(...result.logins.map((l) => l.email.length))
  return [
    `Demo tenant "${result.tenant.name}" (${result.tenant.slug}) — password for every demo user: ${DEMO_PASSWORD}`,
    ...result.logins.map((l) => `  ${l.email.padEnd(width)}  ${l.role.padEnd(16)}  ${l.name}`),
  ].join('\n')
}
