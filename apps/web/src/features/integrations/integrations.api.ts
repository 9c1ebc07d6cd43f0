// Cache keys of the webhooks administration.
export const webhooksKey = ['webhooks'] as const
export const subscriptionsKey = [...webhooksKey, 'subscriptions'] as const
export const inboundKey = [...webhooksKey, 'inbound'] as const

/** If-Match for a row read in a list: the API's ETag is `"v<version>"`. */
export const etagOfVersion = (version: number) => `"v${version}"`

/** Event patterns offered when subscribing (any other `family.event` may be typed). */
export const suggestedEvents = [
  '*',
  'ticket.*',
  'ticket.created',
  'ticket.assigned',
  'ticket.status_changed',
  'ticket.message_added',
  'ticket.resolved',
  'ticket.closed',
  'sla.*',
  'sla.warning',
  'sla.breached',
  'customer.*',
  'device.*',
]
