// The notification center's use cases: the bell (list, unread, mark read), personal preferences,
// templates (list, edit, preview), the delivery log (list, replay), channel tests and SMS receipts.
import {
  NotificationChannel,
  NotificationEventType,
  type Delivery,
  type DeliveryListQuery,
  type InAppNotification,
  type InAppNotificationList,
  type Locale,
  type NotificationTemplate,
  type PreviewTemplateBody,
  type TemplateAudience,
  type TemplatePreview,
  type UpdatePreferencesBody,
  type UpsertTemplateBody,
} from '@aftercare/contracts'
import { randomUUID } from 'node:crypto'
import type { z } from 'zod'
import type { DbOrTx } from '../../platform/db/index.ts'
import { AppError, ConflictError, NotFoundError, PreconditionFailedError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import type { ModuleDeps } from '../../modules.ts'
import { maskEmail, maskPhone, maskText } from '../customers/index.ts'
import { parseSmsReport, smsReportAck } from './adapters/aliyun-sms.ts'
import { audiencesOf, defaultTemplate, sampleValues, variablesOf } from './catalog.ts'
import type { ChannelService } from './channels.service.ts'
import type { DeliveryLoop } from './delivery.ts'
import type { Dispatcher } from './dispatch.ts'
import { decodeCursor, encodeCursor, notificationRepository as repo } from './notifications.repository.ts'
import type { DeliveryRow, NotificationRow, TemplateRow } from './notifications.tables.ts'
import { effectivePreferences, isCustomerUser } from './preferences.ts'
import { isTimeZone } from './quiet-hours.ts'
import { placeholdersOf, render, renderParams } from './render.ts'

const toNotificationDto = (n: NotificationRow): InAppNotification => ({
  id: n.id,
  eventType: n.eventType,
  title: n.title,
  body: n.body,
  link: n.link,
  ticketId: n.ticketId,
  readAt: n.readAt?.toISOString() ?? null,
  createdAt: n.createdAt.toISOString(),
})

function maskAddress(row: DeliveryRow): string | null {
  if (!row.address) return null
  if (row.channel === 'email') return maskEmail(row.address)
  if (row.channel === 'sms') return maskPhone(row.address)
  return maskText(row.address)
}

const HIDDEN = '（一次性验证码已隐藏 / one-time code hidden）'

export function toDeliveryDto(row: DeliveryRow): Delivery {
  return {
    id: row.id,
    eventId: row.eventId,
    eventType: row.eventType,
    channel: row.channel,
    channelId: row.channelId,
    recipientKind: row.recipientKind,
    recipientId: row.recipientId,
    address: maskAddress(row),
    subject: row.subject,
    body: row.payload.redacted ? HIDDEN : row.body,
    status: row.status,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    nextAttemptAt: row.nextAttemptAt?.toISOString() ?? null,
    lastError: row.lastError,
    providerRef: row.providerRef,
    receipt: row.receipt,
    sentAt: row.sentAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

/** Every template key that makes sense: events × channels × languages × the event's audiences. */
function allKeys() {
  const keys: { eventType: NotificationEventType; channel: NotificationChannel; locale: Locale; audience: TemplateAudience }[] = []
  for (const eventType of NotificationEventType.options)
    for (const audience of audiencesOf(eventType))
      for (const channel of NotificationChannel.options)
        for (const locale of ['zh-CN', 'en-US'] as const) keys.push({ eventType, channel, locale, audience })
  return keys
}

export function createNotificationService(
  deps: ModuleDeps,
  parts: { dispatcher: Dispatcher; loop: DeliveryLoop; channels: ChannelService },
) {
  const { database, clock, audit, outbox } = deps
  const { dispatcher, loop, channels } = parts
  const by = (ctx: RequestContext) => ({
    actorType: ctx.actor.kind === 'token' ? ('token' as const) : ('user' as const),
    actorId: ctx.actor.userId,
    requestId: ctx.requestId,
    ip: ctx.ip,
  })

  function templateDto(key: ReturnType<typeof allKeys>[number], row: TemplateRow | undefined): NotificationTemplate | undefined {
    const d = defaultTemplate(key.eventType, key.channel, key.locale, key.audience)
    if (!row && !d) return undefined
    return {
      id: row?.id ?? null,
      ...key,
      subject: row?.subject ?? d!.subject,
      body: row?.body ?? d!.body,
      externalId: row?.externalId ?? null,
      params: row?.params ?? d!.params,
      active: row?.active ?? true,
      isDefault: !row,
      variables: variablesOf(key.eventType),
      version: row?.version ?? 0,
      updatedAt: row?.updatedAt.toISOString() ?? null,
    }
  }

  /** Every placeholder must name a variable of the event: a typo would send an empty gap to customers. */
  function checkPlaceholders(input: z.output<typeof UpsertTemplateBody>) {
    const known = new Set(variablesOf(input.eventType))
    const fields: [string, string][] = [
      ['subject', input.subject],
      ['body', input.body],
      ...Object.entries(input.params).map(([k, v]): [string, string] => [`params.${k}`, v]),
    ]
    for (const [path, text] of fields) {
      const unknown = placeholdersOf(text).filter((p) => !known.has(p))
      if (unknown.length)
        throw ValidationError.field(path, `unknown variable ${unknown.map((u) => `{{${u}}}`).join(', ')} for ${input.eventType}`)
    }
  }

  async function pushRead(ctx: RequestContext) {
    await dispatcher.pushUnread(ctx.actor.tenantId, [ctx.actor.userId], 'notification.read')
  }

  return {
    // ── the bell
    async list(ctx: RequestContext, q: { unreadOnly: boolean; limit: number; cursor?: string }): Promise<InAppNotificationList> {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const found = await repo.listNotifications(tx, ctx.actor.userId, {
          unreadOnly: q.unreadOnly,
          after: decodeCursor(q.cursor),
          limit: q.limit + 1,
        })
        const page = found.slice(0, q.limit)
        const last = page.at(-1)
        return {
          items: page.map(toNotificationDto),
          nextCursor: found.length > q.limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null,
          unread: await repo.unreadCount(tx, ctx.actor.userId),
        }
      })
    },

    async unread(ctx: RequestContext) {
      return { unread: await database.withTenant(ctx.actor.tenantId, (tx) => repo.unreadCount(tx, ctx.actor.userId)) }
    },

    /** Marks the caller's notifications read (ids of others are ignored). */
    async markRead(ctx: RequestContext, body: { ids?: string[]; all?: boolean }) {
      const result = await database.withTenant(ctx.actor.tenantId, async (tx) => {
        const updated = await repo.markRead(tx, ctx.actor.userId, body.all ? 'all' : (body.ids ?? []), clock.now())
        return { updated, unread: await repo.unreadCount(tx, ctx.actor.userId) }
      })
      if (result.updated) await pushRead(ctx)
      return result
    },

    // ── preferences
    async preferences(ctx: RequestContext) {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const [row] = await repo.findPreferences(tx, [ctx.actor.userId])
        return effectivePreferences(row, isCustomerUser({ roles: ctx.actor.roles, customerOrgId: ctx.actor.customerOrgId }))
      })
    },

    /** Changes the caller's preferences; events not given keep their current channels. */
    async updatePreferences(ctx: RequestContext, body: z.output<typeof UpdatePreferencesBody>, ifMatch?: number) {
      if (body.quietHours && !isTimeZone(body.quietHours.timeZone))
        throw ValidationError.field('quietHours.timeZone', 'is not a time zone (e.g. Asia/Shanghai)')
      const isCustomer = isCustomerUser({ roles: ctx.actor.roles, customerOrgId: ctx.actor.customerOrgId })
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const [row] = await repo.findPreferences(tx, [ctx.actor.userId])
        if (ifMatch !== undefined && ifMatch !== (row?.version ?? 0)) throw new PreconditionFailedError()
        const current = effectivePreferences(row, isCustomer)
        const events = { ...(row?.events ?? {}) }
        for (const [event, list] of Object.entries(body.events ?? {})) events[event] = [...new Set(list)]
        const quiet = body.quietHours === undefined ? current.quietHours : body.quietHours
        const saved = await repo.upsertPreferences(tx, {
          tenantId: ctx.actor.tenantId,
          userId: ctx.actor.userId,
          events,
          quietStart: quiet?.start ?? null,
          quietEnd: quiet?.end ?? null,
          quietTimeZone: quiet?.timeZone ?? null,
          wechatOpenId: body.wechatOpenId === undefined ? current.wechatOpenId : body.wechatOpenId,
          updatedAt: clock.now(),
          version: (row?.version ?? 0) + 1,
        })
        await audit.record(tx, {
          ...by(ctx),
          tenantId: ctx.actor.tenantId,
          action: 'notification_preferences.updated',
          entityType: 'user',
          entityId: ctx.actor.userId,
          after: { events: saved.events, quietHours: quiet, wechatBound: saved.wechatOpenId !== null },
        })
        return effectivePreferences(saved, isCustomer)
      })
    },

    // ── templates
    async templates(ctx: RequestContext, f: { eventType?: string; channel?: string; locale?: string; audience?: string }) {
      const own = await database.withTenant(ctx.actor.tenantId, (tx) => repo.listTemplates(tx))
      const byKey = new Map(own.map((r) => [`${r.eventType}|${r.channel}|${r.locale}|${r.audience}`, r]))
      const items = allKeys()
        .filter((k) => (!f.eventType || k.eventType === f.eventType) && (!f.channel || k.channel === f.channel))
        .filter((k) => (!f.locale || k.locale === f.locale) && (!f.audience || k.audience === f.audience))
        .map((k) => templateDto(k, byKey.get(`${k.eventType}|${k.channel}|${k.locale}|${k.audience}`)))
        .filter((t): t is NotificationTemplate => t !== undefined)
      return { items }
    },

    /** Creates or replaces the tenant's template for a key (If-Match: the version read). */
    async upsertTemplate(ctx: RequestContext, input: z.output<typeof UpsertTemplateBody>, ifMatch?: number) {
      if (!audiencesOf(input.eventType).includes(input.audience))
        throw ValidationError.field(
          'audience',
          `${input.eventType} has no ${input.audience} notifications (${audiencesOf(input.eventType).join(', ')})`,
        )
      checkPlaceholders(input)
      if (input.channel === 'email' && !input.subject.trim()) throw ValidationError.field('subject', 'an email needs a subject')
      const now = clock.now()
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const existing = await repo.findTemplate(tx, input)
        if (ifMatch !== undefined && ifMatch !== (existing?.version ?? 0)) throw new PreconditionFailedError()
        const fields = {
          subject: input.subject,
          body: input.body,
          externalId: input.externalId || null,
          params: input.params,
          active: input.active,
        }
        const row = existing
          ? await repo.updateTemplate(tx, existing.id, { ...fields, updatedAt: now, version: existing.version + 1 })
          : await repo.insertTemplate(tx, { tenantId: ctx.actor.tenantId, ...input, ...fields, createdAt: now, updatedAt: now, version: 1 })
        await audit.record(tx, {
          ...by(ctx),
          tenantId: ctx.actor.tenantId,
          action: existing ? 'notification_template.updated' : 'notification_template.created',
          entityType: 'notification_template',
          entityId: row.id,
          before: existing
            ? {
                subject: existing.subject,
                body: existing.body,
                externalId: existing.externalId,
                params: existing.params,
                active: existing.active,
              }
            : undefined,
          after: fields,
        })
        await outbox.publish(tx, {
          tenantId: ctx.actor.tenantId,
          type: 'notification_template.changed',
          aggregateType: 'notification_template',
          aggregateId: row.id,
          payload: { templateId: row.id, eventType: row.eventType, channel: row.channel, locale: row.locale, audience: row.audience },
          actorId: ctx.actor.userId,
        })
        return templateDto(input, row)!
      })
    },

    /** Removes the tenant's template: the built-in default applies again. */
    async resetTemplate(ctx: RequestContext, id: string) {
      await database.withTenant(ctx.actor.tenantId, async (tx) => {
        const row = (await repo.listTemplates(tx)).find((r) => r.id === id)
        if (!row) throw new NotFoundError('template', id)
        await repo.deleteTemplate(tx, id)
        await audit.record(tx, {
          ...by(ctx),
          tenantId: ctx.actor.tenantId,
          action: 'notification_template.reset',
          entityType: 'notification_template',
          entityId: id,
          before: { subject: row.subject, body: row.body },
        })
      })
    },

    preview(input: z.output<typeof PreviewTemplateBody>): TemplatePreview {
      const known = new Set(variablesOf(input.eventType))
      const values = { ...sampleValues[input.locale], ...Object.fromEntries(Object.entries(input.values).filter(([k]) => known.has(k))) }
      const visible = Object.fromEntries(Object.entries(values).filter(([k]) => known.has(k)))
      const subject = render(input.subject, visible)
      const body = render(input.body, visible)
      const params = renderParams(input.params, visible)
      return {
        subject: subject.text,
        body: body.text,
        params: params.params,
        unknownVariables: [...new Set([...subject.unknown, ...body.unknown, ...params.unknown])],
      }
    },

    // ── delivery log
    async deliveries(ctx: RequestContext, q: z.output<typeof DeliveryListQuery>) {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const found = await repo.listDeliveries(tx, { ...q, after: decodeCursor(q.cursor), limit: q.limit + 1 })
        const page = found.slice(0, q.limit)
        const last = page.at(-1)
        return {
          items: page.map(toDeliveryDto),
          nextCursor: found.length > q.limit && last ? encodeCursor({ at: last.createdAt, id: last.id }) : null,
        }
      })
    },

    async delivery(ctx: RequestContext, id: string) {
      const row = await database.withTenant(ctx.actor.tenantId, (tx) => repo.findDelivery(tx, id))
      if (!row) throw new NotFoundError('delivery', id)
      return toDeliveryDto(row)
    },

    /** Sends a failed or dead message again, as a new delivery that points at the old one; tries it at once. */
    async replay(ctx: RequestContext, id: string) {
      const now = clock.now()
      const copy = await database.withTenant(ctx.actor.tenantId, async (tx) => {
        const row = await repo.findDelivery(tx, id)
        if (!row) throw new NotFoundError('delivery', id)
        if (row.status !== 'failed' && row.status !== 'dead')
          throw new ConflictError('not_replayable', `Only failed or dead deliveries are replayed; this one is ${row.status}`, [
            'failed',
            'dead',
          ])
        if (row.payload.redacted) throw new ConflictError('not_replayable', 'A one-time code is not sent again; ask for a new one')
        const { id: _id, ...rest } = row
        const [inserted] = await repo.insertDeliveries(tx, [
          {
            ...rest,
            dedupeKey: `${row.dedupeKey}:replay:${randomUUID()}`,
            status: 'queued',
            attempts: 0,
            nextAttemptAt: now,
            leaseUntil: null,
            lastAttemptAt: null,
            lastError: null,
            providerRef: null,
            receipt: null,
            receiptAt: null,
            sentAt: null,
            createdAt: now,
            updatedAt: now,
          },
        ])
        await audit.record(tx, {
          ...by(ctx),
          tenantId: ctx.actor.tenantId,
          action: 'notification_delivery.replayed',
          entityType: 'notification_delivery',
          entityId: id,
          after: { replayId: inserted!.id },
        })
        return inserted!
      })
      await loop.deliverDue({ ids: [copy.id] })
      return this.delivery(ctx, copy.id)
    },

    /** Sends a test message through a channel now (logged like any other). */
    async testChannel(ctx: RequestContext, channelId: string, to: string | undefined) {
      const now = clock.now()
      const row = await database.withTenant(ctx.actor.tenantId, async (tx) => {
        const channel = await repo.findChannel(tx, channelId)
        if (!channel) throw new NotFoundError('channel', channelId)
        const group = channel.kind === 'wecom_robot' || channel.kind === 'dingtalk_robot' || channel.kind === 'webhook'
        if (!group && !to) throw ValidationError.field('to', `a ${channel.kind} test needs an address to send to`)
        const zh = ctx.actor.locale !== 'en-US'
        const [inserted] = await repo.insertDeliveries(tx, [
          {
            tenantId: ctx.actor.tenantId,
            eventId: null,
            eventType: 'channel.test',
            channel: channel.kind,
            channelId,
            recipientKind: group ? 'group' : 'address',
            recipientId: null,
            address: group ? null : (to ?? null),
            locale: zh ? 'zh-CN' : 'en-US',
            subject: zh ? 'Aftercare 测试消息' : 'Aftercare test message',
            body: zh ? `这是来自“${channel.name}”的测试消息。` : `This is a test message from "${channel.name}".`,
            payload: {},
            dedupeKey: `test:${randomUUID()}`,
            status: 'queued',
            attempts: 0,
            // a test reports its outcome at once: no retries
            maxAttempts: 1,
            nextAttemptAt: now,
            createdAt: now,
            updatedAt: now,
          },
        ])
        return inserted!
      })
      await loop.deliverDue({ ids: [row.id] })
      const after = await database.withTenant(ctx.actor.tenantId, (tx) => repo.findDelivery(tx, row.id))
      return {
        ok: after?.status === 'sent',
        providerRef: after?.providerRef ?? null,
        error: after?.status === 'sent' ? null : (after?.lastError ?? 'not sent'),
      }
    },

    /**
     * An Alibaba SmsReport push for the channel whose secret path is `token`. Records the carrier's
     * verdict on each message; a send recorded as interrupted that the carrier delivered becomes sent.
     */
    async smsReceipts(token: string, body: unknown) {
      const channel = await channels.findByReceiptToken(token)
      if (!channel) throw new NotFoundError('receipt endpoint')
      let receipts: ReturnType<typeof parseSmsReport>
      try {
        receipts = parseSmsReport(body)
      } catch {
        throw new AppError(400, 'invalid_input', 'body: an SmsReport JSON array was expected', {
          issues: [{ path: 'body', message: 'not an SmsReport array' }],
        })
      }
      const now = clock.now()
      await database.withTenant(channel.tenantId, async (tx: DbOrTx) => {
        for (const r of receipts) {
          const row = await repo.findDeliveryForReceipt(tx, r)
          if (!row) continue
          const receipt = r.delivered ? `delivered (${r.code})` : `failed: ${r.code} ${r.message}`.trim()
          await repo.updateDelivery(tx, row.id, {
            receipt,
            receiptAt: now,
            providerRef: row.providerRef ?? r.bizId,
            ...(r.delivered && row.status === 'failed' ? { status: 'sent' as const, sentAt: row.sentAt ?? now, lastError: null } : {}),
            updatedAt: now,
          })
        }
      })
      return smsReportAck
    },
  }
}

export type NotificationService = ReturnType<typeof createNotificationService>
