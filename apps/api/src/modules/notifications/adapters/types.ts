// What every channel adapter implements: send one message, or fail saying whether a retry may help.
import type { ConfigurableChannel, Locale } from '@aftercare/contracts'

/** One rendered message for one recipient (or one group). */
export interface OutgoingMessage {
  /** The delivery's id: also the idempotency key sent to vendors that honour one. */
  deliveryId: string
  tenantId: string
  eventType: string
  /** Email address, mobile number or openid; null for group channels. */
  to: string | null
  subject: string
  body: string
  /** SMS TemplateParam / WeChat data values, rendered. */
  params: Record<string, string>
  /** SMS TemplateCode / WeChat template_id. */
  externalId: string | null
  ticketId: string | null
  /** Absolute link to open (ticket page), when there is one. */
  link: string | null
  locale: Locale
}

/** A channel's stored configuration, secrets opened. */
export interface ChannelCredentials {
  id: string
  settings: Record<string, unknown>
  secrets: Record<string, string>
}

export interface SendResult {
  /** The vendor's id of the message (BizId, msgid, SMTP Message-ID). */
  providerRef: string | null
}

export interface ChannelAdapter {
  kind: ConfigurableChannel
  /**
   * True when sending the same delivery twice is harmless: the vendor or receiver deduplicates by our
   * key, or (email) the second copy carries the same Message-ID, one duplicate that RELIABILITY
   * D-KILL accepts rather than a lost message. Only such channels are retried after a send whose
   * outcome is unknown; the others (SMS, robots) are marked failed for a person to replay.
   */
  idempotent: boolean
  send(channel: ChannelCredentials, message: OutgoingMessage): Promise<SendResult>
}

/** A failed send. `retryable` false means retrying cannot help (bad number, unknown user, bad config). */
export class DeliveryError extends Error {
  readonly retryable: boolean
  readonly retryAfterMs: number | null
  readonly code: string
  constructor(message: string, opts: { retryable: boolean; retryAfterMs?: number | null; code?: string }) {
    super(message)
    this.name = 'DeliveryError'
    this.retryable = opts.retryable
    this.retryAfterMs = opts.retryAfterMs ?? null
    this.code = opts.code ?? (opts.retryable ? 'temporary' : 'permanent')
  }
}

export function requireSetting(channel: ChannelCredentials, key: string): string {
  const v = channel.settings[key]
  if (typeof v !== 'string' || !v)
    throw new DeliveryError(`The channel has no setting "${key}"`, { retryable: false, code: 'misconfigured' })
  return v
}

export function requireSecret(channel: ChannelCredentials, key: string): string {
  const v = channel.secrets[key]
  if (!v) throw new DeliveryError(`The channel has no secret "${key}"`, { retryable: false, code: 'misconfigured' })
  return v
}

/** Cuts a string to at most `maxBytes` of UTF-8 without splitting a character. */
export function truncateBytes(s: string, maxBytes: number): string {
  if (Buffer.byteLength(s) <= maxBytes) return s
  let out = ''
  let bytes = 0
  for (const ch of s) {
    const b = Buffer.byteLength(ch)
    if (bytes + b > maxBytes - 3) break
    out += ch
    bytes += b
  }
  return `${out}…`
}
