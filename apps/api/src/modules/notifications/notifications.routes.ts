// /api/notifications: the bell and preferences (every signed-in user), templates, channels and the
// delivery log (notifications.configure), and the public SMS receipt endpoint.
import {
  ChannelConfig,
  ChannelConfigList,
  CreateChannelBody,
  Delivery,
  DeliveryList,
  DeliveryListQuery,
  IdParams,
  InAppListQuery,
  InAppNotificationList,
  MarkReadBody,
  MarkReadResult,
  NotificationPreferences,
  NotificationTemplate,
  NotificationTemplateList,
  Ok,
  PreviewTemplateBody,
  SmsReportAck,
  TemplateKeyQuery,
  TemplatePreview,
  TestChannelBody,
  TestChannelResult,
  UnreadCount,
  UpdateChannelBody,
  UpdatePreferencesBody,
  UpsertTemplateBody,
} from '@aftercare/contracts'
import { z } from 'zod'
import type { App } from '../../app.ts'
import { contextOf } from '../../platform/http/access.ts'
import { ifMatchVersion, setEtag } from '../../platform/http/concurrency.ts'
import type { ChannelService } from './channels.service.ts'
import type { NotificationService } from './notifications.service.ts'

const tags = ['notifications']
const configure = { access: { permission: 'notifications.configure' as const } }
const signedIn = { access: { authenticated: true as const } }

export function notificationRoutes(service: NotificationService, channels: ChannelService) {
  return (app: App) => {
    app.get(
      '/notifications',
      {
        config: signedIn,
        schema: {
          tags,
          summary: "The caller's in-app notifications, newest first",
          querystring: InAppListQuery,
          response: { 200: InAppNotificationList },
        },
      },
      async (req) => service.list(contextOf(req), req.query),
    )
    app.get(
      '/notifications/unread-count',
      {
        config: signedIn,
        schema: {
          tags,
          summary: 'Unread in-app notifications (the bell badge; live on realtime topic user:<id>)',
          response: { 200: UnreadCount },
        },
      },
      async (req) => service.unread(contextOf(req)),
    )
    app.post(
      '/notifications/read',
      {
        config: signedIn,
        schema: { tags, summary: 'Mark notifications read: the given ids or all', body: MarkReadBody, response: { 200: MarkReadResult } },
      },
      async (req) => service.markRead(contextOf(req), req.body),
    )
    app.get(
      '/notifications/preferences',
      {
        config: signedIn,
        schema: { tags, summary: "The caller's channels per event and quiet hours", response: { 200: NotificationPreferences } },
      },
      async (req, reply) => {
        const p = await service.preferences(contextOf(req))
        setEtag(reply, p.version)
        return p
      },
    )
    app.patch(
      '/notifications/preferences',
      {
        config: signedIn,
        schema: {
          tags,
          summary: 'Change the caller’s preferences (If-Match honoured)',
          body: UpdatePreferencesBody,
          response: { 200: NotificationPreferences },
        },
      },
      async (req, reply) => {
        const p = await service.updatePreferences(contextOf(req), req.body, ifMatchVersion(req))
        setEtag(reply, p.version)
        return p
      },
    )

    // ── templates
    app.get(
      '/notifications/templates',
      {
        config: configure,
        schema: {
          tags,
          summary: 'Templates per event × channel × language × audience (defaults included)',
          querystring: TemplateKeyQuery,
          response: { 200: NotificationTemplateList },
        },
      },
      async (req) => service.templates(contextOf(req), req.query),
    )
    app.put(
      '/notifications/templates',
      {
        config: configure,
        schema: {
          tags,
          summary: "Create or replace the tenant's template for a key (If-Match honoured)",
          body: UpsertTemplateBody,
          response: { 200: NotificationTemplate },
        },
      },
      async (req, reply) => {
        const t = await service.upsertTemplate(contextOf(req), req.body, ifMatchVersion(req))
        setEtag(reply, t.version)
        return t
      },
    )
    app.delete(
      '/notifications/templates/:id',
      {
        config: configure,
        schema: { tags, summary: "Remove the tenant's template: the default applies again", params: IdParams, response: { 200: Ok } },
      },
      async (req) => {
        await service.resetTemplate(contextOf(req), req.params.id)
        return { ok: true as const }
      },
    )
    app.post(
      '/notifications/templates/preview',
      {
        config: configure,
        schema: { tags, summary: 'Render a template with sample values', body: PreviewTemplateBody, response: { 200: TemplatePreview } },
      },
      async (req) => service.preview(req.body),
    )

    // ── channels
    app.get(
      '/notifications/channels',
      {
        config: configure,
        schema: { tags, summary: 'Configured channels (secrets never returned)', response: { 200: ChannelConfigList } },
      },
      async (req) => ({ items: await channels.list(contextOf(req)) }),
    )
    app.post(
      '/notifications/channels',
      {
        config: configure,
        schema: { tags, summary: 'Add a channel; secrets are sealed at rest', body: CreateChannelBody, response: { 201: ChannelConfig } },
      },
      async (req, reply) => {
        const c = await channels.create(contextOf(req), req.body)
        setEtag(reply, c.version)
        return reply.status(201).send(c)
      },
    )
    app.get(
      '/notifications/channels/:id',
      { config: configure, schema: { tags, params: IdParams, response: { 200: ChannelConfig } } },
      async (req, reply) => {
        const c = await channels.get(contextOf(req), req.params.id)
        setEtag(reply, c.version)
        return c
      },
    )
    app.patch(
      '/notifications/channels/:id',
      {
        config: configure,
        schema: {
          tags,
          summary: 'Change a channel (If-Match honoured); given secrets replace stored ones',
          params: IdParams,
          body: UpdateChannelBody,
          response: { 200: ChannelConfig },
        },
      },
      async (req, reply) => {
        const c = await channels.update(contextOf(req), req.params.id, req.body, ifMatchVersion(req))
        setEtag(reply, c.version)
        return c
      },
    )
    app.delete(
      '/notifications/channels/:id',
      { config: configure, schema: { tags, params: IdParams, response: { 200: Ok } } },
      async (req) => {
        await channels.remove(contextOf(req), req.params.id)
        return { ok: true as const }
      },
    )
    app.post(
      '/notifications/channels/:id/test',
      {
        config: configure,
        schema: { tags, summary: 'Send a test message now', params: IdParams, body: TestChannelBody, response: { 200: TestChannelResult } },
      },
      async (req) => service.testChannel(contextOf(req), req.params.id, req.body.to),
    )

    // ── delivery log
    app.get(
      '/notifications/deliveries',
      {
        config: configure,
        schema: {
          tags,
          summary: 'The delivery log (addresses masked, one-time codes hidden)',
          querystring: DeliveryListQuery,
          response: { 200: DeliveryList },
        },
      },
      async (req) => service.deliveries(contextOf(req), req.query),
    )
    app.get(
      '/notifications/deliveries/:id',
      { config: configure, schema: { tags, params: IdParams, response: { 200: Delivery } } },
      async (req) => service.delivery(contextOf(req), req.params.id),
    )
    app.post(
      '/notifications/deliveries/:id/replay',
      {
        config: configure,
        schema: { tags, summary: 'Send a failed or dead message again (a new delivery)', params: IdParams, response: { 200: Delivery } },
      },
      async (req) => service.replay(contextOf(req), req.params.id),
    )

    // ── Alibaba SmsReport push: no signature exists, so the path carries an unguessable token
    app.post(
      '/notifications/sms-receipts/:token',
      {
        config: { access: { public: true } },
        schema: {
          tags,
          summary: 'Alibaba Cloud SMS delivery receipts (SmsReport push, a JSON array); answers {code: 0}',
          params: z.object({ token: z.string().min(16).max(100) }),
          body: z.unknown(),
          response: { 200: SmsReportAck },
        },
      },
      async (req) => service.smsReceipts(req.params.token, req.body),
    )
  }
}
