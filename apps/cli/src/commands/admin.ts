import { Role } from '@aftercare/contracts'
import { migrate } from '@aftercare/api/platform/db/index'
import type { Command } from 'commander'
import { withDatabase, withModules } from '../shared/runtime.ts'

async function passwordFrom(option: string | undefined): Promise<string> {
  const password = option ?? process.env.AFTERCARE_PASSWORD
  if (!password) throw new Error('Give --password or set AFTERCARE_PASSWORD')
  return password
}

export function registerAdminCommands(program: Command) {
  program
    .command('migrate')
    .description('Apply pending database migrations (DATABASE_URL, or the embedded database in DATA_DIR)')
    .action(async () => {
      const applied = await withDatabase((db) => migrate(db))
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.')
    })

  program
    .command('seed')
    .description('Create the demo tenant with one user per role and a few customers (does nothing when it exists)')
    .action(async () => {
      await withModules(async (rt) => {
        const { seedDemoTenant } = await import('@aftercare/api/demo')
        const { formatDemoLogins } = await import('@aftercare/api/seed')
        const demo = await seedDemoTenant(rt.modules)
        console.log(demo.created ? 'Demo tenant created.' : 'The demo tenant already exists; nothing changed.')
        console.log(formatDemoLogins(demo))
      })
    })

  const tenant = program.command('tenant').description('Manage tenants (companies running their service on this installation)')
  tenant
    .command('create')
    .description('Create a tenant and, optionally, its first administrator')
    .requiredOption('--slug <slug>', 'short name used at login, 2–63 lower-case letters, digits, dashes')
    .requiredOption('--name <name>', 'display name, e.g. 华东精密制造')
    .option('--admin-email <email>', 'create an administrator with this email')
    .option('--admin-name <name>', 'the administrator’s name', '管理员')
    .option('--admin-password <password>', 'the administrator’s password (or AFTERCARE_PASSWORD)')
    .action(async (o: { slug: string; name: string; adminEmail?: string; adminName: string; adminPassword?: string }) => {
      const password = o.adminEmail ? await passwordFrom(o.adminPassword) : undefined
      await withModules(async (rt) => {
        const t = await rt.modules.identity.createTenant({ slug: o.slug, name: o.name })
        console.log(`Tenant ${t.slug} created (${t.id})`)
        if (o.adminEmail && password) {
          const u = await rt.modules.identity.createUser(t.id, { email: o.adminEmail, name: o.adminName, password, roles: ['admin'] })
          console.log(`Administrator ${u.email} created (${u.id})`)
        }
      })
    })

  program
    .command('create-user')
    .description('Create a user in a tenant')
    .requiredOption('--tenant <slug>', 'tenant slug, e.g. demo')
    .requiredOption('--email <email>', 'login email')
    .requiredOption('--name <name>', 'display name')
    .requiredOption('--role <role...>', `one or more of: ${Role.options.join(', ')}`)
    .option('--password <password>', 'initial password, 10+ characters (or AFTERCARE_PASSWORD)')
    .option('--locale <locale>', 'zh-CN or en-US', 'zh-CN')
    .action(async (o: { tenant: string; email: string; name: string; role: string[]; password?: string; locale: string }) => {
      const roles = o.role.map((r) => {
        const parsed = Role.safeParse(r)
        if (!parsed.success) throw new Error(`Unknown role "${r}"; use one of: ${Role.options.join(', ')}`)
        return parsed.data
      })
      const password = await passwordFrom(o.password)
      await withModules(async (rt) => {
        const t = await rt.modules.identity.findTenantBySlug(o.tenant)
        if (!t) throw new Error(`No tenant "${o.tenant}"`)
        const u = await rt.modules.identity.createUser(t.id, {
          email: o.email,
          name: o.name,
          password,
          roles,
          locale: o.locale === 'en-US' ? 'en-US' : 'zh-CN',
        })
        console.log(`User ${u.email} created in ${t.slug} with roles ${u.roles.join(', ')} (${u.id})`)
      })
    })
}
