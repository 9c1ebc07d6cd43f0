// The generic webhook channel: a signed JSON POST per notification (for chat tools and in-house systems).
import { DELIVERY_HEADER, EVENT_HEADER, signedHeaders } from '../signing.ts'
import { request } from './http.ts'
import { strictPolicy, type OutboundPolicy } from './outbound-guard.ts'
import { requireSecret, requireSetting, type ChannelAdapter } from './types.ts'

export function webhookChannelAdapter(now: () => Date, policy: OutboundPolicy = strictPolicy): ChannelAdapter {
  return {
    kind: 'webhook',
    // receivers deduplicate on X-Aftercare-Delivery (documented in ADR 0009)
    idempotent: true,
    async send(channel, msg) {
      const body = JSON.stringify({
        id: msg.deliveryId,
        event: msg.eventType,
        subject: msg.subject,
        body: msg.body,
        link: msg.link,
        ticketId: msg.ticketId,
        locale: msg.locale,
      })
      await request(
        requireSetting(channel, 'url'),
        {
          body,
          headers: {
            ...signedHeaders(requireSecret(channel, 'signingSecret'), body, now()),
            [EVENT_HEADER]: msg.eventType,
            [DELIVERY_HEADER]: msg.deliveryId,
          },
        },
        now,
        policy,
      )
      return { providerRef: null }
    },
  }
}
