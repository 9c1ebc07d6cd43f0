// Notification center (R14): events → templates → channels (in-app, email, SMS, WeChat, robots,
// webhooks), preferences, and a delivery log with retries. See docs/decisions/0009.
import type { RoutesPlugin } from '../../app.ts'
import type { EventListener } from '../../platform/events/types.ts'
import type { JobDefinition } from '../../platform/jobs/types.ts'
import type { ModuleDeps } from '../../modules.ts'
import { createChannelService } from './channels.service.ts'
import { createAdapters, createDeliveryLoop, DELIVER_JOB, type DeliveryHooks } from './delivery.ts'
import { createDispatcher } from './dispatch.ts'
import { notificationRoutes } from './notifications.routes.ts'
import { createNotificationService } from './notifications.service.ts'
import type { TicketReader } from './recipients.ts'

export type { TicketFacts, TicketMessageFacts, TicketReader } from './recipients.ts'
export { ticketIdFromMessageIds, threadRootId } from './adapters/email.ts'
export { MAX_RESPONSE_BYTES, TOTAL_DEADLINE_MS, request as postOut, type HttpResult } from './adapters/http.ts'
export { checkOutboundUrl, isPublicAddress, type OutboundPolicy } from './adapters/outbound-guard.ts'
export { DeliveryError } from './adapters/types.ts'
export { parseRetryAfter, webhookRetry, webhookRetryAt, webhookSlotEndMs } from './backoff.ts'
export { flatten, render, placeholdersOf } from './render.ts'
export {
  DELIVERY_HEADER,
  EVENT_HEADER,
  SIGNATURE_HEADER,
  SIGNATURE_TOLERANCE_SECONDS,
  TIMESTAMP_HEADER,
  signBody,
  signedHeaders,
  verifySignature,
} from './signing.ts'

export interface NotificationsOptions {
  /** How ticket facts are read (the tickets module's index); without it, events' payloads are all there is. */
  tickets?: TicketReader
  /** Test hooks of the delivery loop (a crash after sending). */
  hooks?: DeliveryHooks
}

export function createNotificationsModule(deps: ModuleDeps, opts: NotificationsOptions = {}) {
  const tickets = opts.tickets
  const channels = createChannelService(deps)
  const loop = createDeliveryLoop(
    deps,
    channels,
    createAdapters(() => deps.clock.now(), { allowPrivate: deps.config.WEBHOOK_ALLOW_PRIVATE }),
    opts.hooks,
  )
  const dispatcher = createDispatcher(deps, () => tickets)
  const service = createNotificationService(deps, { dispatcher, loop, channels })
  const listeners: EventListener[] = [dispatcher.listener]
  const jobs: JobDefinition[] = [
    {
      name: DELIVER_JOB,
      async handler(data) {
        const ids = Array.isArray(data.ids) ? data.ids.filter((x): x is string => typeof x === 'string') : undefined
        await loop.deliverDue({ ids })
      },
    },
    {
      // the safety net: interrupted sends, retries whose job was lost, quiet hours that ended
      name: 'notifications.sweep',
      cron: '* * * * *',
      async handler() {
        await loop.recoverInterrupted()
        await loop.deliverDue()
      },
    },
  ]
  const routes: RoutesPlugin = notificationRoutes(service, channels)
  return {
    routes,
    listeners,
    jobs,
    service,
    channels,
    loop,
    dispatcher,
  }
}

export type NotificationsModule = ReturnType<typeof createNotificationsModule>
