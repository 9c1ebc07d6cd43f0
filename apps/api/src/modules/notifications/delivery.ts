// The delivery loop: claims due deliveries (any tenant), sends each through its channel's adapter and
// records the outcome. At most once per dedupe key: a claim moves the row to 'sending' under a lease,
// and the outcome is recorded only if the row is still that claim. A lease that runs out means the
// process died between sending and recording: idempotent channels (the vendor deduplicates on our
// delivery id) are retried, the others are marked failed rather than risk a second message.
import type { ConfigurableChannel } from '@aftercare/contracts'
import type { ModuleDeps } from '../../modules.ts'
import { aliyunSmsAdapter } from './adapters/aliyun-sms.ts'
import { emailAdapter } from './adapters/email.ts'
import { dingtalkRobotAdapter, ROBOT_MESSAGES_PER_MINUTE, wecomRobotAdapter } from './adapters/robots.ts'
import { DeliveryError, type ChannelAdapter, type ChannelCredentials, type OutgoingMessage } from './adapters/types.ts'
import { webhookChannelAdapter } from './adapters/webhook.ts'
import { wechatMpAdapter } from './adapters/wechat-mp.ts'
import { notificationRetryAt } from './backoff.ts'
import type { ChannelService } from './channels.service.ts'
import { notificationRepository as repo } from './notifications.repository.ts'
import type { DeliveryRow } from './notifications.tables.ts'
import { strictPolicy, type OutboundPolicy } from './adapters/outbound-guard.ts'

export const DELIVER_JOB = 'notifications.deliver'
/** How long a claimed send may take before it counts as interrupted. */
const LEASE_MS = 2 * 60_000
const BATCH = 20

export type Adapters = Record<ConfigurableChannel, ChannelAdapter>

/** The vendors' adapters; `policy` says whether private addresses may be called (the SSRF guard). */
export function createAdapters(now: () => Date, policy: OutboundPolicy = strictPolicy): Adapters {
  return {
    email: emailAdapter(),
    sms: aliyunSmsAdapter(now, policy),
    wechat_mp: wechatMpAdapter(now, policy),
    wecom_robot: wecomRobotAdapter(now, policy),
    dingtalk_robot: dingtalkRobotAdapter(now, policy),
    webhook: webhookChannelAdapter(now, policy),
  }
}

const isRobot = (channel: string) => channel === 'wecom_robot' || channel === 'dingtalk_robot'

export interface DeliveryHooks {
  /** Runs after the vendor accepted a message and before the outcome is recorded (tests simulate a crash here). */
  afterSend?: (row: DeliveryRow) => Promise<void>
  random?: () => number
}

export interface DeliveryRun {
  sent: number
  retrying: number
  failed: number
  dead: number
  deferred: number
}

export function createDeliveryLoop(deps: ModuleDeps, channels: ChannelService, adapters: Adapters, hooks: DeliveryHooks = {}) {
  const { database, clock, config, log, jobs } = deps

  /** The channel to send through: the tenant's configured one, or SMTP_URL for email when the tenant has none. */
  async function credentialsFor(row: DeliveryRow): Promise<ChannelCredentials> {
    if (!row.channelId) {
      if (row.channel === 'email' && config.SMTP_URL) {
        const host = config.PUBLIC_URL ? new URL(config.PUBLIC_URL).hostname : 'localhost'
        return {
          id: 'env',
          settings: { from: `Aftercare <noreply@${host}>`, messageIdDomain: host },
          secrets: { smtpUrl: config.SMTP_URL },
        }
      }
      throw new DeliveryError(`No ${row.channel} channel is configured`, { retryable: false, code: 'no_channel' })
    }
    const channel = await database.withTenant(row.tenantId, (tx) => repo.findChannel(tx, row.channelId!))
    if (!channel || !channel.enabled)
      throw new DeliveryError('The channel was removed or switched off', { retryable: false, code: 'channel_off' })
    return channels.credentialsOf(channel)
  }

  function messageOf(row: DeliveryRow): OutgoingMessage {
    return {
      deliveryId: row.id,
      tenantId: row.tenantId,
      eventType: row.eventType,
      to: row.address,
      subject: row.subject,
      body: row.body,
      params: row.payload.params ?? {},
      externalId: row.payload.externalId ?? null,
      ticketId: row.payload.ticketId ?? null,
      link: row.payload.link ?? null,
      locale: row.locale,
    }
  }

  /** Claims up to BATCH due deliveries; a robot over 20 attempts in the last minute waits instead. */
  async function claim(only: { ids?: string[]; tenantId?: string }): Promise<{ claimed: DeliveryRow[]; deferred: number }> {
    return database.transaction(async (tx) => {
      const now = clock.now()
      const due = await repo.dueForClaim(tx, now, BATCH, only)
      const claimed: DeliveryRow[] = []
      let deferred = 0
      for (const d of due) {
        if (d.channel_id && isRobot(d.channel)) {
          await repo.lockChannel(tx, d.channel_id)
          const window = await repo.attemptsSince(tx, d.channel_id, new Date(now.getTime() - 60_000))
          if (window.count >= ROBOT_MESSAGES_PER_MINUTE) {
            await repo.deferDelivery(tx, d.id, new Date((window.first ?? now).getTime() + 60_000 + 1000))
            deferred++
            continue
          }
        }
        const row = await repo.markSending(tx, d.id, now, new Date(now.getTime() + LEASE_MS))
        if (row) claimed.push(row)
      }
      return { claimed, deferred }
    })
  }

  async function schedule(row: { id: string; tenantId: string }, at: Date) {
    await jobs.send(DELIVER_JOB, { ids: [row.id] }, { startAfter: at, singletonKey: `delivery:${row.id}` }).catch((e: unknown) => {
      // the minute sweep picks it up anyway
      log.debug({ err: e instanceof Error ? e.message : String(e), deliveryId: row.id }, 'could not schedule a delivery retry')
    })
  }

  /** Records a send's outcome, if the row is still this claim (a recovered lease may have moved it on). */
  async function settle(row: DeliveryRow, outcome: { providerRef: string | null } | DeliveryError, run: DeliveryRun) {
    const now = clock.now()
    const guard = { status: 'sending', attempts: row.attempts }
    const retryAt = await database.withTenant(row.tenantId, async (tx): Promise<Date | null> => {
      if (!(outcome instanceof DeliveryError)) {
        await repo.updateDelivery(
          tx,
          row.id,
          {
            status: 'sent',
            sentAt: now,
            providerRef: outcome.providerRef,
            lastError: null,
            leaseUntil: null,
            nextAttemptAt: null,
            updatedAt: now,
          },
          guard,
        )
        run.sent++
        return null
      }
      const message = `${outcome.code}: ${outcome.message}`.slice(0, 1000)
      if (!outcome.retryable) {
        await repo.updateDelivery(
          tx,
          row.id,
          { status: 'failed', lastError: message, leaseUntil: null, nextAttemptAt: null, updatedAt: now },
          guard,
        )
        run.failed++
        return null
      }
      const next = notificationRetryAt(row, now, { retryAfterMs: outcome.retryAfterMs, random: hooks.random })
      if (!next) {
        await repo.updateDelivery(
          tx,
          row.id,
          { status: 'dead', lastError: message, leaseUntil: null, nextAttemptAt: null, updatedAt: now },
          guard,
        )
        run.dead++
        return null
      }
      await repo.updateDelivery(
        tx,
        row.id,
        { status: 'retrying', lastError: message, leaseUntil: null, nextAttemptAt: next, updatedAt: now },
        guard,
      )
      run.retrying++
      return next
    })
    // outside the transaction: on the embedded database the queue shares its one connection
    if (retryAt) await schedule(row, retryAt)
  }

  async function sendOne(row: DeliveryRow, run: DeliveryRun) {
    let outcome: { providerRef: string | null } | DeliveryError
    try {
      const creds = await credentialsFor(row)
      outcome = await adapters[row.channel].send(creds, messageOf(row))
    } catch (e) {
      outcome =
        e instanceof DeliveryError ? e : new DeliveryError(e instanceof Error ? e.message : String(e), { retryable: true, code: 'error' })
    }
    // a crash here (after the vendor accepted, before we record it) is what the lease recovery handles
    if (!(outcome instanceof DeliveryError) && hooks.afterSend) await hooks.afterSend(row)
    await settle(row, outcome, run)
  }

  return {
    /**
     * Sends what is due (only `ids`, or one tenant's, when given), batch after batch until nothing due
     * is left or `maxBatches` ran. Returns counts of this run.
     */
    async deliverDue(opts: { ids?: string[]; tenantId?: string; maxBatches?: number } = {}): Promise<DeliveryRun> {
      const run: DeliveryRun = { sent: 0, retrying: 0, failed: 0, dead: 0, deferred: 0 }
      for (let i = 0; i < (opts.maxBatches ?? 10); i++) {
        const { claimed, deferred } = await claim(opts)
        run.deferred += deferred
        if (!claimed.length) break
        // one channel's messages in order (a group reads them in sequence); channels side by side
        const byChannel = new Map<string, DeliveryRow[]>()
        for (const row of claimed) {
          const key = row.channelId ?? `${row.channel}:${row.id}`
          byChannel.set(key, [...(byChannel.get(key) ?? []), row])
        }
        await Promise.all(
          [...byChannel.values()].map(async (group) => {
            for (const row of group) await sendOne(row, run)
          }),
        )
        if (opts.ids) break
      }
      return run
    },

    /** Handles sends whose lease ran out (see the file comment). Returns how many. */
    async recoverInterrupted(opts: { tenantId?: string } = {}): Promise<number> {
      return database.transaction(async (tx) => {
        const now = clock.now()
        const expired = await repo.expiredLeases(tx, now, 200, opts.tenantId)
        for (const row of expired) {
          const idempotent = adapters[row.channel].idempotent
          const patch =
            idempotent && row.attempts < row.maxAttempts
              ? {
                  status: 'retrying' as const,
                  nextAttemptAt: now,
                  lastError: 'interrupted: resent with the same delivery id (the vendor deduplicates)',
                }
              : idempotent
                ? { status: 'dead' as const, nextAttemptAt: null, lastError: 'interrupted on the last attempt' }
                : {
                    status: 'failed' as const,
                    nextAttemptAt: null,
                    lastError:
                      'interrupted: the provider may have delivered it; not resent automatically to avoid a duplicate (replay to send again)',
                  }
          await repo.updateDelivery(
            tx,
            row.id,
            { ...patch, leaseUntil: null, updatedAt: now },
            { status: 'sending', attempts: row.attempts },
          )
        }
        return expired.length
      })
    },
  }
}

export type DeliveryLoop = ReturnType<typeof createDeliveryLoop>
