// First-run demo data across modules: the identity seed (tenant + one user per role), then a
// few customer organisations, the customer contact linked to the first one.
import type { CustomerTier } from '@aftercare/contracts'
import type { Modules } from './modules.ts'
import { seedDemo, type DemoSeedResult } from './seed.ts'

const demoCustomers: { name: string; tier: CustomerTier; tags: string[] }[] = [
  { name: '华东精密制造有限公司', tier: 'strategic', tags: ['制造业', '华东'] },
  { name: '星河连锁酒店管理集团', tier: 'gold', tags: ['酒店'] },
  { name: '南山区第一人民医院', tier: 'silver', tags: ['医疗'] },
  { name: '陈先生', tier: 'standard', tags: ['个人客户'] },
]

export async function seedDemoTenant(modules: Modules): Promise<DemoSeedResult> {
  return seedDemo(modules, {
    async seedCustomers({ tenantId, users }) {
      const ids = await modules.deps.database.withTenant(tenantId, async (tx) => {
        const created: string[] = []
        for (const c of demoCustomers) {
          const row = await modules.customers.service.createAsSystem(tx, tenantId, {
            name: c.name,
            tier: c.tier,
            tags: c.tags,
            kind: c.name === '陈先生' ? 'individual' : 'organisation',
            ...(users.supervisor ? { accountManagerId: users.supervisor } : {}),
          })
          created.push(row.id)
        }
        return created
      })
      if (users.customer_contact && ids[0]) await modules.identity.setCustomerOrg(tenantId, users.customer_contact, ids[0])
    },
  })
}
