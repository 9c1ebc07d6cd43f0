// The agents directory: the service desk as agents see each other (assignee picker, @mentions).
// Names, tiers and queues only: an L1 agent may not read the user administration, and needs no
// one's email or phone to hand a ticket over.
import type { SupportTier, TicketAgent } from '@aftercare/contracts'
import { ForbiddenError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import { findUserAddresses } from '../identity/index.ts'
import { assignableRoles, staffRoles } from './create.ts'
import { ticketConfigRepository as config } from './ticket-config.repository.ts'
import type { TicketDeps } from './ticket-writes.ts'
import { isStaff } from './tickets.policy.ts'

const tierOfRole: Record<string, SupportTier> = { agent_l1: 'L1', agent_l2: 'L2', agent_l3: 'L3' }

/** The highest support tier among a user's roles, or null for staff outside the tiers. */
export function tierOf(roles: readonly string[]): SupportTier | null {
  const tiers = roles.map((r) => tierOfRole[r]).filter((t): t is SupportTier => t !== undefined)
  return tiers.sort().at(-1) ?? null
}

export function createTicketAgents({ database }: TicketDeps) {
  return {
    /** Active staff of the tenant, by name (customer contacts are refused). */
    async list(ctx: RequestContext): Promise<TicketAgent[]> {
      if (!isStaff(ctx.actor)) throw new ForbiddenError('The agents directory is for staff')
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const users = await findUserAddresses(tx, ctx.actor.tenantId, { roles: staffRoles })
        const queues = await config.listQueues(tx)
        return users
          .filter((u) => u.status === 'active' && u.customerOrgId === null)
          .map((u) => ({
            id: u.id,
            name: u.name,
            tier: tierOf(u.roles),
            queueIds: queues.filter((q) => q.active && q.memberIds.includes(u.id)).map((q) => q.id),
            assignable: u.roles.some((r) => assignableRoles.includes(r)),
          }))
          .sort((a, b) => a.name.localeCompare(b.name, 'zh-CN'))
      })
    },
  }
}
