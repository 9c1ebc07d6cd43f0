// Email through SMTP (nodemailer). Ticket mails thread: every mail about a ticket references the
// ticket's thread root `<aftercare.<ticketId>@<domain>>` (In-Reply-To and References), and its own
// Message-ID names the ticket too, so a reply carries the ticket id back to the email intake
// (see ticketIdFromMessageIds).
import nodemailer from 'nodemailer'
import { DeliveryError, requireSetting, type ChannelAdapter, type ChannelCredentials, type OutgoingMessage } from './types.ts'

export function threadRootId(ticketId: string, domain: string): string {
  return `<aftercare.${ticketId}@${domain}>`
}

export function messageIdOf(msg: Pick<OutgoingMessage, 'deliveryId' | 'ticketId'>, domain: string): string {
  return msg.ticketId ? `<aftercare.${msg.ticketId}.${msg.deliveryId}@${domain}>` : `<aftercare.${msg.deliveryId}@${domain}>`
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}'
const ours = new RegExp(`<aftercare\\.(${UUID})(?:\\.${UUID})?@[^>]+>`, 'i')

/** The ticket a reply belongs to, from its In-Reply-To / References headers (null when none of ours). */
export function ticketIdFromMessageIds(headerValues: string): string | null {
  return ours.exec(headerValues)?.[1]?.toLowerCase() ?? null
}

const domainOf = (from: string) => /@([^>\s]+)>?\s*$/.exec(from)?.[1] ?? 'localhost'

/** SMTP replies 4xx are temporary (greylisting, mailbox busy); 5xx are final. Connection problems are temporary. */
function classify(e: unknown): DeliveryError {
  const err = e as { responseCode?: number; code?: string; message?: string }
  const message = err.message ?? String(e)
  if (typeof err.responseCode === 'number')
    return new DeliveryError(`SMTP ${err.responseCode}: ${message}`, {
      retryable: err.responseCode < 500,
      code: `smtp_${err.responseCode}`,
    })
  if (err.code === 'EENVELOPE' || err.code === 'EMESSAGE')
    return new DeliveryError(message, { retryable: false, code: err.code.toLowerCase() })
  return new DeliveryError(`SMTP connection: ${message}`, { retryable: true, code: 'smtp_connection' })
}

/** One SMTP connection per message: notifications are few per second, and nothing stays open between them. */
export function emailAdapter(): ChannelAdapter {
  return {
    kind: 'email',
    // resent after a crash with the same Message-ID (messageIdOf): at worst one duplicate, never lost
    idempotent: true,
    async send(channel: ChannelCredentials, msg) {
      if (!msg.to) throw new DeliveryError('No email address', { retryable: false, code: 'no_address' })
      const smtpUrl = channel.secrets.smtpUrl
      if (!smtpUrl) throw new DeliveryError('The email channel has no smtpUrl', { retryable: false, code: 'misconfigured' })
      const from = requireSetting(channel, 'from')
      const domain =
        typeof channel.settings.messageIdDomain === 'string' && channel.settings.messageIdDomain
          ? channel.settings.messageIdDomain
          : domainOf(from)
      const transport = nodemailer.createTransport({
        url: smtpUrl,
        connectionTimeout: 10_000,
        greetingTimeout: 10_000,
        socketTimeout: 20_000,
      })
      const root = msg.ticketId ? threadRootId(msg.ticketId, domain) : undefined
      try {
        const info = await transport.sendMail({
          from,
          to: msg.to,
          replyTo: typeof channel.settings.replyTo === 'string' ? channel.settings.replyTo : undefined,
          subject: msg.subject,
          text: msg.body,
          messageId: messageIdOf(msg, domain),
          ...(root ? { inReplyTo: root, references: [root] } : {}),
          headers: {
            // no out-of-office replies to notifications (RFC 3834)
            'Auto-Submitted': 'auto-generated',
            'X-Auto-Response-Suppress': 'OOF, AutoReply',
            ...(msg.ticketId ? { 'X-Aftercare-Ticket': msg.ticketId } : {}),
          },
        })
        return { providerRef: info.messageId }
      } catch (e) {
        throw classify(e)
      } finally {
        transport.close()
      }
    },
  }
}
