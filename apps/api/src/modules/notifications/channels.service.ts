// Channel configuration per tenant: SMTP, Alibaba SMS, WeChat official account, robots, webhooks.
// Secrets are sealed with a key derived from SECRET_KEY (the channel's id is the associated data)
// and never returned; the API shows only which secret names are stored.
import {
  CreateChannelBody,
  DingtalkRobotSettings,
  EmailSettings,
  SmsSettings,
  WebhookChannelSettings,
  WechatMpSettings,
  WecomRobotSettings,
  type ChannelConfig,
  type ConfigurableChannel,
  type UpdateChannelBody,
} from '@aftercare/contracts'
import { randomBytes, randomUUID } from 'node:crypto'
import type { z } from 'zod'
import type { DbOrTx } from '../../platform/db/index.ts'
import { NotFoundError, PreconditionFailedError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import type { ModuleDeps } from '../../modules.ts'
import { createSecretBox } from '../identity/index.ts'
import { checkOutboundUrl, type OutboundPolicy } from './adapters/outbound-guard.ts'
import type { ChannelCredentials } from './adapters/types.ts'
import { notificationRepository as repo } from './notifications.repository.ts'
import type { ChannelRow } from './notifications.tables.ts'

const settingsSchemas: Record<ConfigurableChannel, z.ZodType<Record<string, unknown>>> = {
  email: EmailSettings,
  sms: SmsSettings,
  wechat_mp: WechatMpSettings,
  wecom_robot: WecomRobotSettings,
  dingtalk_robot: DingtalkRobotSettings,
  webhook: WebhookChannelSettings,
}

/** Secrets each kind needs (others it may hold: dingtalk's signSecret). */
const requiredSecrets: Record<ConfigurableChannel, string[]> = {
  email: ['smtpUrl'],
  sms: ['accessKeySecret'],
  wechat_mp: ['appSecret'],
  wecom_robot: ['key'],
  dingtalk_robot: ['accessToken'],
  webhook: ['signingSecret'],
}
const allowedSecrets: Record<ConfigurableChannel, string[]> = { ...requiredSecrets, dingtalk_robot: ['accessToken', 'signSecret'] }

function checkSecrets(kind: ConfigurableChannel, secrets: Record<string, string>) {
  for (const key of Object.keys(secrets))
    if (!allowedSecrets[kind].includes(key))
      throw ValidationError.field(`secrets.${key}`, `is not a secret of a ${kind} channel (${allowedSecrets[kind].join(', ')})`)
  for (const key of requiredSecrets[kind])
    if (!secrets[key]) throw ValidationError.field(`secrets.${key}`, `is required for a ${kind} channel`)
  if (secrets.smtpUrl !== undefined && !/^smtps?:\/\/[^\s]+$/.test(secrets.smtpUrl))
    throw ValidationError.field('secrets.smtpUrl', 'must be smtp://user:password@host:port or smtps://…')
  if (secrets.signSecret !== undefined && !secrets.signSecret.startsWith('SEC'))
    throw ValidationError.field('secrets.signSecret', 'a DingTalk 加签 secret starts with SEC')
}

/** The SSRF guard at save time for the URLs a channel calls (webhook `url`, vendor or robot `endpoint`). */
async function refuseUnsafeUrls(settings: Record<string, unknown>, policy: OutboundPolicy) {
  for (const key of ['url', 'endpoint'])
    if (typeof settings[key] === 'string') {
      const refusal = await checkOutboundUrl(settings[key], policy)
      if (refusal) throw ValidationError.field(`settings.${key}`, refusal)
    }
}

function parseSettings(kind: ConfigurableChannel, settings: unknown): Record<string, unknown> {
  const parsed = settingsSchemas[kind].safeParse(settings)
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: ['settings', ...i.path].join('.'), message: i.message }))
    throw new ValidationError(`${issues[0]?.path}: ${issues[0]?.message}`, issues)
  }
  return parsed.data
}

export function createChannelService({ database, audit, outbox, clock, config }: ModuleDeps) {
  const box = createSecretBox(config.SECRET_KEY, 'notification-channel')
  const policy: OutboundPolicy = { allowPrivate: config.WEBHOOK_ALLOW_PRIVATE }
  const receiptUrl = (token: string | null) =>
    token ? `${(config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '')}/api/notifications/sms-receipts/${token}` : null

  function toDto(row: ChannelRow): ChannelConfig {
    return {
      id: row.id,
      kind: row.kind,
      name: row.name,
      settings: row.settings,
      secretKeys: row.secretKeys,
      events: row.events as ChannelConfig['events'],
      enabled: row.enabled,
      receiptUrl: receiptUrl(row.receiptToken),
      createdAt: row.createdAt.toISOString(),
      updatedAt: row.updatedAt.toISOString(),
      version: row.version,
    }
  }

  function openSecrets(row: ChannelRow): Record<string, string> {
    return row.secretsSealed ? (JSON.parse(box.open(row.secretsSealed, row.id)) as Record<string, string>) : {}
  }

  const by = (ctx: RequestContext) => ({
    actorType: ctx.actor.kind === 'token' ? ('token' as const) : ('user' as const),
    actorId: ctx.actor.userId,
    requestId: ctx.requestId,
    ip: ctx.ip,
  })

  async function record(tx: DbOrTx, ctx: RequestContext, action: string, row: ChannelRow, after?: unknown) {
    const tenantId = ctx.actor.tenantId
    await audit.record(tx, { ...by(ctx), tenantId, action, entityType: 'notification_channel', entityId: row.id, after })
    await outbox.publish(tx, {
      tenantId,
      type: action,
      aggregateType: 'notification_channel',
      aggregateId: row.id,
      payload: { channelId: row.id, kind: row.kind },
      actorId: ctx.actor.userId,
    })
  }
  const summary = (row: ChannelRow) => ({
    kind: row.kind,
    name: row.name,
    settings: row.settings,
    secretKeys: row.secretKeys,
    events: row.events,
    enabled: row.enabled,
  })

  return {
    toDto,
    /** A channel's settings and opened secrets, for an adapter. */
    credentialsOf(row: ChannelRow): ChannelCredentials {
      return { id: row.id, settings: row.settings, secrets: openSecrets(row) }
    },

    /** The channel behind an SMS receipt URL (any tenant: the push names none). */
    findByReceiptToken(token: string) {
      return repo.findChannelByReceiptToken(database.db, token)
    },

    async list(ctx: RequestContext) {
      return database.withTenant(ctx.actor.tenantId, async (tx) => (await repo.listChannels(tx)).map(toDto))
    },

    async get(ctx: RequestContext, id: string) {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const row = await repo.findChannel(tx, id)
        if (!row) throw new NotFoundError('channel', id)
        return toDto(row)
      })
    },

    /** Adds a channel; its secrets are sealed before they reach the database. */
    async create(ctx: RequestContext, input: z.output<typeof CreateChannelBody>) {
      const secrets = input.secrets ?? {}
      checkSecrets(input.kind, secrets)
      const settings = parseSettings(input.kind, input.settings)
      await refuseUnsafeUrls(settings, policy)
      const now = clock.now()
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const id = randomUUID()
        const row = await repo.insertChannel(tx, {
          id,
          tenantId: ctx.actor.tenantId,
          kind: input.kind,
          name: input.name,
          settings,
          secretsSealed: box.seal(JSON.stringify(secrets), id),
          secretKeys: Object.keys(secrets).sort(),
          events: input.events,
          enabled: input.enabled,
          receiptToken: input.kind === 'sms' ? randomBytes(24).toString('base64url') : null,
          createdAt: now,
          updatedAt: now,
          version: 1,
        })
        await record(tx, ctx, 'notification_channel.created', row, summary(row))
        return toDto(row)
      })
    },

    /** Changes a channel; given secrets replace the stored ones key by key. */
    async update(ctx: RequestContext, id: string, input: z.output<typeof UpdateChannelBody>, ifMatch?: number) {
      return database.withTenant(ctx.actor.tenantId, async (tx) => {
        const row = await repo.findChannel(tx, id)
        if (!row) throw new NotFoundError('channel', id)
        if (ifMatch !== undefined && ifMatch !== row.version) throw new PreconditionFailedError()
        const secrets = input.secrets ? { ...openSecrets(row), ...input.secrets } : undefined
        if (secrets) checkSecrets(row.kind, secrets)
        const settings = input.settings !== undefined ? parseSettings(row.kind, { ...row.settings, ...input.settings }) : undefined
        if (settings) await refuseUnsafeUrls(settings, policy)
        const updated = await repo.updateChannel(tx, id, {
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(settings ? { settings } : {}),
          ...(secrets ? { secretsSealed: box.seal(JSON.stringify(secrets), id), secretKeys: Object.keys(secrets).sort() } : {}),
          ...(input.events !== undefined ? { events: input.events } : {}),
          ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
          updatedAt: clock.now(),
          version: row.version + 1,
        })
        await record(tx, ctx, 'notification_channel.updated', updated, summary(updated))
        return toDto(updated)
      })
    },

    async remove(ctx: RequestContext, id: string) {
      await database.withTenant(ctx.actor.tenantId, async (tx) => {
        const row = await repo.findChannel(tx, id)
        if (!row) throw new NotFoundError('channel', id)
        await repo.deleteChannel(tx, id)
        await record(tx, ctx, 'notification_channel.deleted', row)
      })
    },
  }
}

export type ChannelService = ReturnType<typeof createChannelService>
