// Who wants what: default channels per event for staff and for customer contacts, merged with a
// user's stored choices.
import { NotificationEventType, type NotificationPreferences, type PersonalChannel, type QuietHours } from '@aftercare/contracts'
import type { PreferencesRow } from './notifications.tables.ts'

type EventChannels = Record<NotificationEventType, PersonalChannel[]>

export const staffDefaults: EventChannels = {
  'ticket.created': ['in_app'],
  'ticket.assigned': ['in_app', 'email'],
  'ticket.mentioned': ['in_app', 'email'],
  'ticket.message_added': ['in_app', 'email'],
  'ticket.status_changed': ['in_app'],
  'sla.warning': ['in_app', 'email'],
  'sla.breached': ['in_app', 'email'],
  // one-time codes go to the address they were asked for, whatever the preferences
  'notification.otp_requested': [],
  'webhook.disabled': ['in_app', 'email'],
}

export const customerDefaults: EventChannels = {
  'ticket.created': ['in_app', 'email'],
  'ticket.assigned': [],
  'ticket.mentioned': [],
  'ticket.message_added': ['in_app', 'email', 'wechat_mp'],
  'ticket.status_changed': ['in_app', 'email', 'wechat_mp'],
  'sla.warning': [],
  'sla.breached': [],
  'notification.otp_requested': [],
  'webhook.disabled': [],
}

export interface EffectivePreferences {
  events: EventChannels
  quietHours: QuietHours | null
  wechatOpenId: string | null
  version: number
}

export function effectivePreferences(row: PreferencesRow | undefined, isCustomer: boolean): EffectivePreferences {
  const defaults = isCustomer ? customerDefaults : staffDefaults
  const stored = row?.events ?? {}
  const events = Object.fromEntries(
    NotificationEventType.options.map((e) => [e, (stored[e] as PersonalChannel[] | undefined) ?? defaults[e]]),
  ) as EventChannels
  return {
    events,
    quietHours:
      row?.quietStart && row.quietEnd ? { start: row.quietStart, end: row.quietEnd, timeZone: row.quietTimeZone ?? 'Asia/Shanghai' } : null,
    wechatOpenId: row?.wechatOpenId ?? null,
    version: row?.version ?? 0,
  }
}

export const toPreferencesDto = (p: EffectivePreferences): NotificationPreferences => p

/** Customer contacts are users with the customer_contact role or a customer organisation. */
export const isCustomerUser = (u: { roles: readonly string[]; customerOrgId: string | null }) =>
  u.customerOrgId !== null || u.roles.includes('customer_contact')
