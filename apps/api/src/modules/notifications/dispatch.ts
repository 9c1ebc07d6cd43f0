// The listener: one domain event → in-app notifications and queued deliveries, in one transaction.
// Every row carries a dedupe key (event, recipient, channel), so hearing an event twice adds nothing.
import {
  NotificationEventType,
  OtpRequestedEvent,
  Uuid,
  groupChannels,
  type Locale,
  type NotificationChannel,
  type PersonalChannel,
  type TemplateAudience,
} from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import type { DeliveredEvent, EventListener } from '../../platform/events/types.ts'
import type { ModuleDeps } from '../../modules.ts'
import { findCustomerSummary } from '../customers/index.ts'
import { findUserAddresses, type UserAddress } from '../identity/index.ts'
import { attemptsAllowed } from './backoff.ts'
import { defaultTemplate, formatTime, labelOf, type TemplateText } from './catalog.ts'
import { DELIVER_JOB } from './delivery.ts'
import { notificationRepository as repo } from './notifications.repository.ts'
import type { ChannelRow, NewDelivery, TemplateRow } from './notifications.tables.ts'
import { effectivePreferences, isCustomerUser, type EffectivePreferences } from './preferences.ts'
import { quietUntil } from './quiet-hours.ts'
import { planRecipients, type TicketFacts, type TicketMessageFacts, type TicketReader } from './recipients.ts'
import { render, renderParams, type TemplateValues } from './render.ts'

/** Events this listener hears. */
export const heardEvents = NotificationEventType.options

const DEFAULT_LOCALE: Locale = 'zh-CN'

interface Facts {
  ticket: TicketFacts | undefined
  message: TicketMessageFacts | undefined
  customerName: string | null
  actorName: string | null
  assigneeName: string | null
}

export function createDispatcher(deps: ModuleDeps, tickets: () => TicketReader | undefined) {
  const { database, clock, config, log, realtime, jobs } = deps
  const appUrl = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '')

  /**
   * What the events of one tenant's transaction share, read once however many events it plans: the
   * templates, the channels, and the people and customers they name (the same actor, customer or
   * assignee recurs across a batch). Nothing here is written by the listener.
   */
  function batchReadsOf(tx: DbOrTx, tenantId: string) {
    let templates: Promise<TemplateRow[]> | undefined
    let channels: Promise<ChannelRow[]> | undefined
    const users = new Map<string, Promise<UserAddress | undefined>>()
    const customers = new Map<string, Promise<{ name: string } | undefined>>()
    const ticketsById = new Map<string, Promise<TicketFacts | undefined>>()
    /** Reads the tickets not read yet in one statement. */
    const readTickets = (ids: readonly string[]) => {
      const reader = tickets()
      // an id that is not a UUID finds nothing (and must not fail the batch's statement)
      const missing = [...new Set(ids)].filter((id) => !ticketsById.has(id) && Uuid.safeParse(id).success)
      if (!reader || !missing.length) return
      const found = reader.findTickets(tx, missing).then((rows) => new Map(rows.map((t) => [t.id, t])))
      for (const id of missing)
        ticketsById.set(
          id,
          found.then((m) => m.get(id)),
        )
    }
    const user = (id: string) => {
      if (!users.has(id))
        users.set(
          id,
          findUserAddresses(tx, tenantId, { ids: [id] }).then(([u]) => u),
        )
      return users.get(id)!
    }
    return {
      templates: () => (templates ??= repo.listTemplates(tx)),
      channels: () => (channels ??= repo.enabledChannels(tx)),
      /** Users by id (missing ones left out), in the order asked. */
      async users(ids: readonly string[]): Promise<UserAddress[]> {
        const found: UserAddress[] = []
        for (const id of new Set(ids)) {
          const u = await user(id)
          if (u) found.push(u)
        }
        return found
      },
      /** The tickets of a batch's events, read together before the events are planned. */
      prefetchTickets: readTickets,
      ticket(id: string): Promise<TicketFacts | undefined> {
        readTickets([id])
        return ticketsById.get(id) ?? Promise.resolve(undefined)
      },
      customer(id: string) {
        if (!customers.has(id)) customers.set(id, findCustomerSummary(tx, id))
        return customers.get(id)!
      },
    }
  }
  type BatchReads = ReturnType<typeof batchReadsOf>

  async function gatherFacts(tx: DbOrTx, e: DeliveredEvent, reads: BatchReads): Promise<Facts> {
    const p = e.payload
    const ticketId = typeof p.ticketId === 'string' ? p.ticketId : null
    const reader = tickets()
    const ticket = ticketId ? await reads.ticket(ticketId) : undefined
    const message = ticketId && reader && typeof p.messageId === 'string' ? await reader.findMessage(tx, ticketId, p.messageId) : undefined
    const customerId = ticket?.customerId ?? (typeof p.customerId === 'string' ? p.customerId : null)
    const customer = customerId ? await reads.customer(customerId) : undefined
    const assigneeId = ticket?.assigneeId ?? (typeof p.assigneeId === 'string' ? p.assigneeId : null)
    const people = await reads.users([e.actorId, assigneeId].filter((x): x is string => !!x))
    const nameOf = (id: string | null) => (id ? (people.find((u) => u.id === id)?.name ?? null) : null)
    return { ticket, message, customerName: customer?.name ?? null, actorName: nameOf(e.actorId), assigneeName: nameOf(assigneeId) }
  }

  /** The variables of an event for one language (labels are translated). */
  function valuesOf(e: DeliveredEvent, f: Facts, locale: Locale, audience: TemplateAudience): Record<string, string> {
    const p = e.payload
    const t = f.ticket
    const ticketId = t?.id ?? (typeof p.ticketId === 'string' ? p.ticketId : null)
    const str = (v: unknown) => (typeof v === 'string' || typeof v === 'number' ? String(v) : '')
    const v: Record<string, string> = {
      'app.url': appUrl,
      'event.time': formatTime(e.createdAt),
      'ticket.number': t?.number ?? str(p.number),
      'ticket.subject': t?.subject ?? '',
      'ticket.description': t?.description ?? '',
      'ticket.priority': t?.priority ?? str(p.priority),
      'ticket.status': labelOf(locale, t?.status ?? str(p.status)),
      'ticket.url': ticketId ? `${appUrl}${audience === 'customer' ? '/portal' : ''}/tickets/${ticketId}` : '',
      'customer.name': f.customerName ?? '',
      'actor.name': f.actorName ?? '',
      'assignee.name': f.assigneeName ?? '',
      'message.body': f.message?.body ?? '',
      'message.author': f.message?.authorName ?? f.actorName ?? '',
      'status.from': labelOf(locale, str(p.from)),
      'status.to': labelOf(locale, str(p.to)),
      'status.reason': str(p.reason),
      'sla.target': labelOf(locale, str(p.target)),
      'sla.dueAt': formatTime(str(p.dueAt)),
      'webhook.name': str(p.name),
      'webhook.url': str(p.url),
      'webhook.failures': str(p.failures),
      'webhook.error': str(p.lastError),
    }
    if (e.type === 'notification.otp_requested') {
      const otp = OtpRequestedEvent.safeParse(p)
      if (otp.success) Object.assign(v, { 'otp.code': otp.data.code, 'otp.minutes': String(otp.data.ttlMinutes) })
    }
    return v
  }

  interface Target {
    key: string
    kind: 'user' | 'address' | 'group'
    id: string | null
    name: string
    locale: Locale
    audience: TemplateAudience
  }

  /** What an event's transaction leaves for after commit. */
  interface Planned {
    inApp: string[]
    due: string[]
    later: { id: string; nextAttemptAt: Date | null }[]
    urgent: boolean
  }

  /** One event's notifications and deliveries, inserted in the caller's tenant transaction. */
  async function plan(tx: DbOrTx, e: DeliveredEvent, type: NotificationEventType, now: Date, reads: BatchReads): Promise<Planned> {
    const facts = await gatherFacts(tx, e, reads)
    const own = new Map(
      (await reads.templates()).filter((r) => r.eventType === type).map((r) => [`${r.channel}|${r.locale}|${r.audience}`, r]),
    )
    /** The tenant's template (undefined when switched off), else the built-in one. */
    const templateFor = (
      channel: NotificationChannel,
      locale: Locale,
      audience: TemplateAudience,
    ): (TemplateText & { externalId: string | null }) | undefined => {
      const row: TemplateRow | undefined = own.get(`${channel}|${locale}|${audience}`)
      if (row) return row.active ? { subject: row.subject, body: row.body, params: row.params, externalId: row.externalId } : undefined
      const d = defaultTemplate(type, channel, locale, audience)
      return d && { ...d, externalId: null }
    }
    const channels = await reads.channels()
    const firstOf = (kind: ChannelRow['kind']) => channels.find((c) => c.kind === kind)
    const valuesCache = new Map<string, Record<string, string>>()
    const values = (t: Target): TemplateValues => {
      const k = `${t.locale}|${t.audience}`
      if (!valuesCache.has(k)) valuesCache.set(k, valuesOf(e, facts, t.locale, t.audience))
      return { ...valuesCache.get(k)!, 'recipient.name': t.name }
    }
    const ticketId = facts.ticket?.id ?? (typeof e.payload.ticketId === 'string' ? e.payload.ticketId : null)
    const deliveries: NewDelivery[] = []
    const inApp: string[] = []

    const queue = (
      t: Target,
      channel: Exclude<NotificationChannel, 'in_app'>,
      channelRow: ChannelRow | undefined,
      address: string | null,
      at: Date,
    ) => {
      const tpl = templateFor(channel, t.locale, t.audience)
      if (!tpl) return
      // SMS and WeChat cannot send without the vendor-approved template id
      if ((channel === 'sms' || channel === 'wechat_mp') && !tpl.externalId) return
      const v = values(t)
      const otp = type === 'notification.otp_requested'
      deliveries.push({
        tenantId: e.tenantId,
        eventId: e.id,
        eventType: type,
        channel,
        channelId: channelRow?.id ?? null,
        recipientKind: t.kind,
        recipientId: t.id,
        address,
        locale: t.locale,
        subject: render(tpl.subject, v).text,
        body: render(tpl.body, v).text,
        payload: {
          params: renderParams(tpl.params, v).params,
          externalId: tpl.externalId,
          ticketId,
          link: v['ticket.url'] || null,
          redacted: otp,
        },
        dedupeKey: `${e.id}:${channel}:${t.key}`,
        status: 'queued',
        attempts: 0,
        // a one-time code is useless after a few minutes: few, quick attempts
        maxAttempts: attemptsAllowed(channel, otp),
        nextAttemptAt: at,
        createdAt: now,
        updatedAt: now,
      })
    }

    // ── people
    const plan = planRecipients(type, e.payload, facts.ticket, e.actorId)
    const byRole = plan.staffRoles.length ? await findUserAddresses(tx, e.tenantId, { roles: plan.staffRoles }) : []
    const staff = [...new Map([...(await reads.users(plan.staffIds)), ...byRole].map((u) => [u.id, u])).values()].filter(
      (u) => u.status === 'active' && !isCustomerUser(u) && u.id !== e.actorId,
    )
    const users: { user: UserAddress; audience: TemplateAudience }[] = staff.map((user) => ({ user, audience: 'staff' }))
    const t = facts.ticket
    const addressTargets: { target: Target; email: string | null; phone: string | null; forced?: PersonalChannel }[] = []
    if (plan.customer && t) {
      const [requester] = t.requesterId ? await reads.users([t.requesterId]) : []
      // a customer who opened the ticket still gets the confirmation that it was received
      const ownAction = requester?.id === e.actorId && type !== 'ticket.created'
      if (requester && requester.status === 'active' && isCustomerUser(requester) && !ownAction)
        users.push({ user: requester, audience: 'customer' })
      else if (!requester && (t.requesterEmail || t.requesterPhone))
        addressTargets.push({
          target: {
            key: `address:${t.requesterEmail ?? t.requesterPhone}`,
            kind: 'address',
            id: null,
            name: t.requesterName ?? '',
            locale: DEFAULT_LOCALE,
            audience: 'customer',
          },
          email: t.requesterEmail,
          phone: t.requesterPhone,
        })
    }
    if (type === 'notification.otp_requested') {
      const otp = OtpRequestedEvent.safeParse(e.payload)
      if (!otp.success) {
        log.warn({ eventId: e.id, issues: otp.error.issues }, 'notification.otp_requested with an unreadable payload: nothing sent')
      } else {
        const o = otp.data
        addressTargets.push({
          target: {
            key: `address:${o.recipientId ?? o.to}`,
            kind: 'address',
            id: o.recipientId,
            name: '',
            locale: o.locale,
            audience: 'customer',
          },
          email: o.channel === 'email' ? o.to : null,
          phone: o.channel === 'sms' ? o.to : null,
          forced: o.channel,
        })
      }
    }

    const prefs = new Map(
      (
        await repo.findPreferences(
          tx,
          users.map((u) => u.user.id),
        )
      ).map((p) => [p.userId, p]),
    )
    for (const { user, audience } of users) {
      const p: EffectivePreferences = effectivePreferences(prefs.get(user.id), audience === 'customer')
      const target: Target = { key: `user:${user.id}`, kind: 'user', id: user.id, name: user.name, locale: user.locale, audience }
      const wait = quietUntil(now, p.quietHours) ?? now
      for (const channel of p.events[type]) {
        if (channel === 'in_app') {
          const tpl = templateFor('in_app', user.locale, audience)
          if (!tpl) continue
          const v = values(target)
          const row = await repo.insertNotification(tx, {
            tenantId: e.tenantId,
            userId: user.id,
            eventId: e.id,
            eventType: type,
            title: render(tpl.subject, v).text,
            body: render(tpl.body, v).text,
            link: ticketId ? `${audience === 'customer' ? '/portal' : ''}/tickets/${ticketId}` : null,
            ticketId,
            dedupeKey: `${e.id}:in_app:user:${user.id}`,
            createdAt: now,
          })
          if (row) inApp.push(user.id)
        } else if (channel === 'email') {
          if (firstOf('email') || config.SMTP_URL) queue(target, 'email', firstOf('email'), user.email, wait)
        } else if (channel === 'sms') {
          if (user.phone && firstOf('sms')) queue(target, 'sms', firstOf('sms'), user.phone, wait)
        } else if (channel === 'wechat_mp') {
          if (p.wechatOpenId && firstOf('wechat_mp')) queue(target, 'wechat_mp', firstOf('wechat_mp'), p.wechatOpenId, wait)
        }
      }
    }
    for (const a of addressTargets) {
      const wanted: PersonalChannel[] = a.forced ? [a.forced] : ['email', 'sms']
      if (wanted.includes('email') && a.email && (firstOf('email') || config.SMTP_URL))
        queue(a.target, 'email', firstOf('email'), a.email, now)
      if (wanted.includes('sms') && a.phone && firstOf('sms')) queue(a.target, 'sms', firstOf('sms'), a.phone, now)
    }

    // ── groups (robots, webhooks) subscribed to this event: staff text, no quiet hours
    for (const c of channels) {
      if (!(groupChannels as readonly string[]).includes(c.kind) || !c.events.includes(type)) continue
      queue(
        { key: `channel:${c.id}`, kind: 'group', id: null, name: c.name, locale: DEFAULT_LOCALE, audience: 'staff' },
        c.kind,
        c,
        null,
        now,
      )
    }

    const inserted = await repo.insertDeliveries(tx, deliveries)
    return {
      inApp,
      due: inserted.filter((d) => d.nextAttemptAt && d.nextAttemptAt <= now).map((d) => d.id),
      later: inserted.filter((d) => d.nextAttemptAt && d.nextAttemptAt > now),
      urgent: type === 'notification.otp_requested',
    }
  }

  async function handle(e: DeliveredEvent) {
    await handleMany([e])
  }

  /**
   * Events of several tenants: one transaction per tenant; after commit the bell rings and the new
   * messages go out without waiting for the sweep; a one-time code goes ahead of queued
   * notifications (someone is waiting on the sign-in page).
   */
  async function handleMany(events: readonly DeliveredEvent[]) {
    const now = clock.now()
    for (const tenantId of new Set(events.map((e) => e.tenantId))) {
      const planned = await database.withTenant(tenantId, async (tx) => {
        const reads = batchReadsOf(tx, tenantId)
        reads.prefetchTickets(
          events.flatMap((e) => (e.tenantId === tenantId && typeof e.payload.ticketId === 'string' ? [e.payload.ticketId] : [])),
        )
        const out: Planned[] = []
        for (const e of events) {
          const type = NotificationEventType.safeParse(e.type)
          if (e.tenantId === tenantId && type.success) out.push(await plan(tx, e, type.data, now, reads))
        }
        return out
      })
      await pushUnread(tenantId, [...new Set(planned.flatMap((p) => p.inApp))], 'notification.created')
      for (const urgent of [true, false]) {
        const due = planned.filter((p) => p.urgent === urgent).flatMap((p) => p.due)
        if (due.length) await jobs.send(DELIVER_JOB, { ids: due }, urgent ? { priority: 10 } : {}).catch(() => undefined)
      }
      for (const d of planned.flatMap((p) => p.later))
        await jobs
          .send(DELIVER_JOB, { ids: [d.id] }, { startAfter: d.nextAttemptAt!, singletonKey: `delivery:${d.id}` })
          .catch(() => undefined)
    }
  }

  /** Tells each user's browsers their new unread count (best effort: the REST API is the truth). */
  async function pushUnread(
    tenantId: string,
    userIds: string[],
    type: 'notification.created' | 'notification.read',
    notificationId: string | null = null,
  ) {
    if (!userIds.length) return
    const counts = await database.withTenant(tenantId, async (tx) =>
      Promise.all(userIds.map(async (id) => [id, await repo.unreadCount(tx, id)] as const)),
    )
    await realtime
      .publishMany(
        tenantId,
        counts.map(([userId, unread]) => ({ topic: `user:${userId}`, message: { type, notificationId, unread } })),
      )
      .catch((err: unknown) => {
        log.debug({ err: err instanceof Error ? err.message : String(err) }, 'realtime push of the unread count failed')
      })
  }

  const listener: EventListener = { name: 'notifications.dispatch', events: heardEvents, handle, handleMany }
  return { listener, handle, pushUnread }
}

export type Dispatcher = ReturnType<typeof createDispatcher>
