// Composition root: the one file that knows every module. Wired by hand, no container.
import type { FastifyBaseLogger } from 'fastify'
import type { RoutesPlugin } from './app.ts'
import { createAuditLog, type AuditLog } from './platform/audit/audit-log.ts'
import type { Clock } from './platform/clock.ts'
import type { Config } from './platform/config.ts'
import type { Database } from './platform/db/index.ts'
import { createOutbox, type Outbox } from './platform/events/outbox.ts'
import type { EventListener } from './platform/events/types.ts'
import { createFileStorage, type FileStorage } from './platform/files/index.ts'
import type { JobDefinition, Jobs } from './platform/jobs/types.ts'
import type { RealtimePublisher, TopicAuthorizer } from './platform/realtime/types.ts'
import { createCustomersModule, findContactsBy, findCustomerSummaries, findCustomerSummary } from './modules/customers/index.ts'
import { createDevicesModule, findDeviceSummary } from './modules/devices/index.ts'
import { createDispatchModule } from './modules/dispatch/index.ts'
import { createIdentityModule } from './modules/identity/index.ts'
import { createPortalModule } from './modules/portal/index.ts'
import { createTicketsModule, ticketFacts } from './modules/tickets/index.ts'
import { createNotificationsModule } from './modules/notifications/index.ts'
import { createWebhooksModule } from './modules/webhooks/index.ts'
import { createSlaModule } from './modules/sla/index.ts'
import { createSystemModule } from './modules/system/index.ts'

export interface PlatformDeps {
  config: Config
  database: Database
  clock: Clock
  log: FastifyBaseLogger
  /** The job queue (started by the runtime; sending works in every process). */
  jobs: Jobs
  /** Realtime fan-out to WebSocket clients on every server. */
  realtime: RealtimePublisher
}

/** What every module's factory receives. */
export interface ModuleDeps extends PlatformDeps {
  audit: AuditLog
  outbox: Outbox
  /** Where uploaded files and generated documents live (STORAGE_URL). */
  files: FileStorage
}

export function createModules(platform: PlatformDeps) {
  const deps: ModuleDeps = {
    ...platform,
    audit: createAuditLog(),
    outbox: createOutbox(),
    files: createFileStorage(platform.config.STORAGE_URL),
  }
  const identity = createIdentityModule(deps, { portalContacts: (tx, by) => findContactsBy(tx, by) })
  const customers = createCustomersModule(deps, identity)
  const dispatch = createDispatchModule(deps)
  const tickets = createTicketsModule(deps, {
    findCustomer: (tx, _tenantId, id) => findCustomerSummary(tx, id, { withManager: false }),
    findCustomers: (tx, _tenantId, ids) => findCustomerSummaries(tx, ids),
    findDevice: (tx, _tenantId, id) => findDeviceSummary(tx, id, deps.clock.now()),
  })
  const devices = createDevicesModule(deps, {
    tickets,
    serviceHistory: async (ctx, deviceId) =>
      (await tickets.service.list(ctx, { deviceId, sort: 'createdAt', order: 'desc', limit: 200 })).items,
  })
  const notifications = createNotificationsModule(deps, { tickets: ticketFacts })
  const webhooks = createWebhooksModule(deps, { createTicket: (tx, tenantId, input) => tickets.createTicket(tx, tenantId, input) })
  const sla = createSlaModule(deps, {
    contractTier: async (tx, _tenantId, t) =>
      t.deviceId ? ((await findDeviceSummary(tx, t.deviceId, deps.clock.now()))?.activeContract?.slaTier ?? null) : null,
    ticketActions: tickets.systemActions,
  })
  const system = createSystemModule(deps)
  const portal = createPortalModule(deps, {
    findTenantBySlug: (slug) => identity.findTenantBySlug(slug),
    findTenantById: (id) => identity.findTenantById(id),
    findContacts: (tx, by) => findContactsBy(tx, by),
    createCustomer: (tx, tenantId, { name, contact }) =>
      customers.service.createAsSystem(tx, tenantId, { name, kind: 'individual', contacts: [{ ...contact, isPrimary: true }] }),
    createTicket: (tx, tenantId, input, author) => tickets.createTicket(tx, tenantId, input, author),
  })
  const routes: RoutesPlugin[] = [
    identity.routes,
    customers.routes,
    devices.routes,
    dispatch.routes,
    notifications.routes,
    webhooks.routes,
    portal.routes,
    tickets.routes,
    ...sla.routes,
    system.routes,
  ]
  /** Reactions to domain events, run by the worker (see platform/events). */
  const listeners: EventListener[] = [...tickets.listeners, ...notifications.listeners, ...webhooks.listeners, ...sla.listeners]
  /** Jobs each module declares, run by the worker (see platform/jobs). */
  const jobs: JobDefinition[] = [...notifications.jobs, ...webhooks.jobs, ...sla.jobs]
  /** Who may subscribe to which realtime topics (see platform/realtime). */
  const topics: TopicAuthorizer[] = [...tickets.topics]
  return {
    deps,
    identity,
    customers,
    devices,
    tickets,
    notifications,
    webhooks,
    sla,
    authenticator: identity.authenticator,
    routes,
    /** Routes outside /api (the embeddable form's script). */
    rootRoutes: portal.rootRoutes,
    listeners,
    jobs,
    topics,
  }
}

export type Modules = ReturnType<typeof createModules>
