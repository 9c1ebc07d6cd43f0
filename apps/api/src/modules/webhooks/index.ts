// Webhooks (R14): outgoing subscriptions to domain events (signed, retried, switched off after
// persistent failure, logged with replay) and signed inbound webhooks that create tickets.
import type { RoutesPlugin } from '../../app.ts'
import type { EventListener } from '../../platform/events/types.ts'
import type { JobDefinition } from '../../platform/jobs/types.ts'
import type { ModuleDeps } from '../../modules.ts'
import { createSecretBox } from '../identity/index.ts'
import { createInbound, type TicketCreator } from './inbound.ts'
import { createOutgoing, DELIVER_WEBHOOKS_JOB } from './outgoing.ts'
import { createSubscriptionService } from './subscriptions.service.ts'
import { webhookRoutes } from './webhooks.routes.ts'

export type { TicketCreator } from './inbound.ts'
export { FAILURES_BEFORE_DISABLE, matchesPattern } from './outgoing.ts'

export function createWebhooksModule(deps: ModuleDeps, opts: { createTicket?: TicketCreator } = {}) {
  const box = createSecretBox(deps.config.SECRET_KEY, 'webhook-secret')
  const outgoing = createOutgoing(deps, box)
  const subscriptions = createSubscriptionService(deps, box, outgoing)
  const inbound = createInbound(deps, box, opts.createTicket)
  const listeners: EventListener[] = [outgoing.listener]
  const jobs: JobDefinition[] = [
    {
      name: DELIVER_WEBHOOKS_JOB,
      async handler(data) {
        const ids = Array.isArray(data.ids) ? data.ids.filter((x): x is string => typeof x === 'string') : undefined
        await outgoing.deliverDue({ ids })
      },
    },
    {
      name: 'webhooks.sweep',
      cron: '* * * * *',
      async handler() {
        await outgoing.recoverInterrupted()
        await outgoing.deliverDue()
      },
    },
  ]
  const routes: RoutesPlugin = webhookRoutes(subscriptions, inbound)
  return { routes, listeners, jobs, subscriptions, inbound, outgoing }
}

export type WebhooksModule = ReturnType<typeof createWebhooksModule>
