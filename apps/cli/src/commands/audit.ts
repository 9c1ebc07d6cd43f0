import { verifyAuditChain, sealAuditLog, type AuditVerification } from '@aftercare/api/platform/audit/chain'
import { systemClock } from '@aftercare/api/platform/clock'
import type { Database } from '@aftercare/api/platform/db/index'
import type { Command } from 'commander'
import { withDatabase } from '../shared/runtime.ts'

async function tenantIdOf(database: Database, slug: string | undefined) {
  if (!slug) return undefined
  const [t] = await database.query<{ id: string }>('select id from tenants where slug = $1', [slug])
  if (!t) throw new Error(`No tenant "${slug}"`)
  return t.id
}

/** Prints each tenant's chain, then OK or the first broken entry; returns whether the chains hold. */
export function printVerification(result: AuditVerification): boolean {
  for (const c of result.tenants) {
    const head = c.head ? `head ${c.head.seq} ${c.head.hash.slice(0, 16)}…` : 'no entries sealed yet'
    console.log(`Tenant ${c.slug}: ${c.sealed} entries sealed, ${c.pending} pending, ${head}`)
  }
  if (result.ok) {
    console.log(`Audit chain OK (${result.tenants.length} tenant${result.tenants.length === 1 ? '' : 's'}).`)
    return true
  }
  const b = result.broken
  const where = [b.seq === null ? null : `entry ${b.seq}`, b.id === null ? null : `audit_log id ${b.id}`].filter(Boolean).join(', ')
  console.error(`Audit chain BROKEN in tenant ${b.slug}${where ? ` at ${where}` : ''}: ${b.reason}`)
  return false
}

function addVerify(parent: Command) {
  parent
    .command('verify')
    .description('Verify the audit hash chains: prints OK, or the first entry that was changed, deleted, inserted or moved (exit code 1)')
    .option('--tenant <slug>', 'only this tenant, e.g. demo')
    .action(async (o: { tenant?: string }) => {
      const ok = await withDatabase(async (database) =>
        printVerification(await verifyAuditChain(database, await tenantIdOf(database, o.tenant))),
      )
      if (!ok) process.exitCode = 1
    })
}

export function registerAuditCommands(program: Command) {
  const audit = program.command('audit').description('The tamper-evident audit log (one hash chain per tenant)')
  addVerify(audit)
  audit
    .command('seal')
    .description('Seal pending entries into the chains now (a running worker does this continuously)')
    .option('--tenant <slug>', 'only this tenant')
    .action(async (o: { tenant?: string }) => {
      const sealed = await withDatabase(async (database) => {
        const tenantId = await tenantIdOf(database, o.tenant)
        let total = 0
        for (;;) {
          const n = await sealAuditLog(database, systemClock, tenantId ? { tenantIds: [tenantId] } : {})
          if (!n) return total
          total += n
        }
      })
      console.log(`Sealed ${sealed} entr${sealed === 1 ? 'y' : 'ies'}.`)
    })

  // The same under `aftercare admin audit verify`, next to the other administration commands.
  const admin =
    program.commands.find((c) => c.name() === 'admin') ?? program.command('admin').description('Administration commands (aliases)')
  addVerify(admin.command('audit').description('The tamper-evident audit log'))
}
