// The user's own notification preferences: which events reach them through which channels, quiet
// hours, and the WeChat openid for template messages.
import {
  NotificationPreferences,
  PersonalChannel,
  type NotificationEventType,
  type QuietHours,
  type UpdatePreferencesBody,
} from '@aftercare/contracts'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Button, Card, Checkbox, Input, Select, Space, Switch, Table, TimePicker, Typography } from 'antd'
import dayjs from 'dayjs'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { request } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { useCurrentUser } from '../../shared/auth/session.ts'
import { preferencesKey } from '../notifications/notifications.api.ts'

type EventChannels = Partial<Record<NotificationEventType, PersonalChannel[]>>

/** The events a person can choose for: customers hear of their own requests only; one-time codes are not optional. */
const staffEvents: NotificationEventType[] = [
  'ticket.created',
  'ticket.assigned',
  'ticket.mentioned',
  'ticket.message_added',
  'ticket.status_changed',
  'sla.warning',
  'sla.breached',
  'webhook.disabled',
]
const customerEvents: NotificationEventType[] = ['ticket.created', 'ticket.message_added', 'ticket.status_changed']

const commonZones = [
  'Asia/Shanghai',
  'Asia/Hong_Kong',
  'Asia/Taipei',
  'Asia/Singapore',
  'Asia/Tokyo',
  'Europe/London',
  'Europe/Berlin',
  'America/New_York',
  'America/Los_Angeles',
  'UTC',
]
function zoneOptions(current: string) {
  const all = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : []
  return [...new Set([current, ...commonZones, ...all])].map((z) => ({ value: z, label: z }))
}

export function NotificationPreferencesCard() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const me = useCurrentUser()
  const client = useQueryClient()
  const prefs = useQuery({ queryKey: preferencesKey, queryFn: () => request('/api/notifications/preferences', NotificationPreferences) })
  const [events, setEvents] = useState<EventChannels>({})
  const [quiet, setQuiet] = useState<QuietHours | null>(null)
  const [openId, setOpenId] = useState('')
  const data = prefs.data?.data
  useEffect(() => {
    if (!data) return
    setEvents(data.events)
    setQuiet(data.quietHours)
    setOpenId(data.wechatOpenId ?? '')
  }, [data])

  const save = useMutation({
    mutationFn: (body: UpdatePreferencesBody) =>
      request('/api/notifications/preferences', NotificationPreferences, { method: 'PATCH', body, ifMatch: prefs.data?.etag }),
    onSuccess: (r) => {
      client.setQueryData(preferencesKey, r)
      message.success(t('common.saved'))
    },
    onError: (e) => void message.error(errorMessage(t, e)),
  })

  const isCustomer = me.customerOrgId !== null || me.roles.includes('customer_contact')
  const shown = isCustomer ? customerEvents : staffEvents
  const toggle = (event: NotificationEventType, channel: PersonalChannel, on: boolean) =>
    setEvents((prev) => {
      const list = new Set(prev[event] ?? [])
      if (on) list.add(channel)
      else list.delete(channel)
      return { ...prev, [event]: PersonalChannel.options.filter((c) => list.has(c)) }
    })

  const handleSave = () =>
    save.mutate({
      events: Object.fromEntries(shown.map((e) => [e, events[e] ?? []])),
      quietHours: quiet,
      wechatOpenId: openId.trim() || null,
    })

  return (
    <Card title={t('notifications.preferences.title')} data-testid="notification-preferences" loading={prefs.isPending}>
      {prefs.isError ? (
        <Typography.Text type="danger">{errorMessage(t, prefs.error)}</Typography.Text>
      ) : (
        <Space orientation="vertical" size={16} style={{ width: '100%' }}>
          <Typography.Text type="secondary">{t('notifications.preferences.intro')}</Typography.Text>
          <Table<{ event: NotificationEventType }>
            size="small"
            pagination={false}
            rowKey="event"
            scroll={{ x: true }}
            dataSource={shown.map((event) => ({ event }))}
            columns={[
              { key: 'event', title: t('notifications.preferences.event'), render: (_, r) => t(`notifications.events.${r.event}`) },
              ...PersonalChannel.options.map((channel) => ({
                key: channel,
                title: t(`notifications.channels.${channel}`),
                align: 'center' as const,
                render: (_: unknown, r: { event: NotificationEventType }) => (
                  <Checkbox
                    data-testid={`pref-${r.event}-${channel}`}
                    aria-label={`${t(`notifications.events.${r.event}`)} · ${t(`notifications.channels.${channel}`)}`}
                    checked={(events[r.event] ?? []).includes(channel)}
                    onChange={(e) => toggle(r.event, channel, e.target.checked)}
                  />
                ),
              })),
            ]}
          />
          <div>
            <Space wrap align="center">
              <Typography.Text strong>{t('notifications.preferences.quietHours')}</Typography.Text>
              <Switch
                data-testid="pref-quiet-enabled"
                checked={quiet !== null}
                onChange={(on) => setQuiet(on ? { start: '22:00', end: '08:00', timeZone: 'Asia/Shanghai' } : null)}
                aria-label={t('notifications.preferences.quietEnabled')}
              />
            </Space>
            {quiet && (
              <Space wrap style={{ marginTop: 8 }}>
                <span>{t('notifications.preferences.quietStart')}</span>
                <TimePicker
                  format="HH:mm"
                  allowClear={false}
                  data-testid="pref-quiet-start"
                  value={dayjs(quiet.start, 'HH:mm')}
                  onChange={(v) => v && setQuiet({ ...quiet, start: v.format('HH:mm') })}
                />
                <span>{t('notifications.preferences.quietEnd')}</span>
                <TimePicker
                  format="HH:mm"
                  allowClear={false}
                  data-testid="pref-quiet-end"
                  value={dayjs(quiet.end, 'HH:mm')}
                  onChange={(v) => v && setQuiet({ ...quiet, end: v.format('HH:mm') })}
                />
                <span>{t('notifications.preferences.timeZone')}</span>
                <Select
                  showSearch
                  style={{ width: 200 }}
                  value={quiet.timeZone}
                  options={zoneOptions(quiet.timeZone)}
                  onChange={(timeZone) => setQuiet({ ...quiet, timeZone })}
                />
              </Space>
            )}
          </div>
          <div>
            <Typography.Text strong>{t('notifications.preferences.wechatOpenId')}</Typography.Text>
            <Input
              style={{ marginTop: 4 }}
              maxLength={64}
              value={openId}
              onChange={(e) => setOpenId(e.target.value)}
              placeholder={t('notifications.preferences.wechatOpenIdHint')}
            />
          </div>
          <Button type="primary" data-testid="pref-save" loading={save.isPending} onClick={handleSave}>
            {t('common.save')}
          </Button>
        </Space>
      )}
    </Card>
  )
}
