// Every template key (event × channel × language × audience), the tenant's own or the built-in
// default, filtered; a row opens the editor.
import {
  Locale,
  NotificationChannel,
  NotificationEventType,
  NotificationTemplateList,
  TemplateAudience,
  type NotificationTemplate,
} from '@aftercare/contracts'
import { useQuery } from '@tanstack/react-query'
import { Button, Select, Space, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { localeNames } from '../../shared/i18n/index.ts'
import { dateTime } from '../../shared/format.ts'
import { templatesKey } from './notifications.api.ts'
import { TemplateDrawer } from './TemplateDrawer.tsx'

interface Filters {
  eventType?: NotificationEventType
  channel?: NotificationChannel
  locale?: Locale
  audience?: TemplateAudience
}

export const templateKeyOf = (t: Pick<NotificationTemplate, 'eventType' | 'channel' | 'locale' | 'audience'>) =>
  `${t.eventType}|${t.channel}|${t.locale}|${t.audience}`

export function TemplatesTab() {
  const { t } = useTranslation()
  const [filters, setFilters] = useState<Filters>({ locale: 'zh-CN' })
  const [editing, setEditing] = useState<NotificationTemplate | null>(null)
  const list = useQuery({
    queryKey: [...templatesKey, filters],
    queryFn: () => api('/api/notifications/templates', NotificationTemplateList, { query: { ...filters } }),
    placeholderData: (previous) => previous,
  })
  const set = <K extends keyof Filters>(k: K, v: Filters[K]) => setFilters((f) => ({ ...f, [k]: v }))

  return (
    <div>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select<NotificationEventType>
          allowClear
          style={{ width: 180 }}
          placeholder={t('notifications.templates.event')}
          data-testid="template-filter-event"
          value={filters.eventType}
          onChange={(v) => set('eventType', v)}
          options={NotificationEventType.options.map((e) => ({ value: e, label: t(`notifications.events.${e}`) }))}
        />
        <Select<NotificationChannel>
          allowClear
          style={{ width: 170 }}
          placeholder={t('notifications.templates.channel')}
          data-testid="template-filter-channel"
          value={filters.channel}
          onChange={(v) => set('channel', v)}
          options={NotificationChannel.options.map((c) => ({ value: c, label: t(`notifications.channels.${c}`) }))}
        />
        <Select<Locale>
          allowClear
          style={{ width: 130 }}
          placeholder={t('notifications.templates.locale')}
          value={filters.locale}
          onChange={(v) => set('locale', v)}
          options={Locale.options.map((l) => ({ value: l, label: localeNames[l] }))}
        />
        <Select<TemplateAudience>
          allowClear
          style={{ width: 130 }}
          placeholder={t('notifications.templates.audience')}
          value={filters.audience}
          onChange={(v) => set('audience', v)}
          options={TemplateAudience.options.map((a) => ({ value: a, label: t(`notifications.audience.${a}`) }))}
        />
      </Space>
      {list.isError && <Typography.Text type="danger">{errorMessage(t, list.error)}</Typography.Text>}
      <Table<NotificationTemplate>
        size="small"
        rowKey={templateKeyOf}
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20, showSizeChanger: false }}
        scroll={{ x: true }}
        columns={[
          { key: 'event', title: t('notifications.templates.event'), render: (_, r) => t(`notifications.events.${r.eventType}`) },
          { key: 'channel', title: t('notifications.templates.channel'), render: (_, r) => t(`notifications.channels.${r.channel}`) },
          { key: 'locale', title: t('notifications.templates.locale'), render: (_, r) => localeNames[r.locale] },
          { key: 'audience', title: t('notifications.templates.audience'), render: (_, r) => t(`notifications.audience.${r.audience}`) },
          {
            key: 'text',
            title: t('notifications.templates.content'),
            render: (_, r) => (
              <Typography.Text ellipsis style={{ maxWidth: 320 }}>
                {r.subject || r.body}
              </Typography.Text>
            ),
          },
          {
            key: 'state',
            title: t('notifications.templates.state'),
            render: (_, r) => (
              <Space size={4}>
                {r.isDefault ? (
                  <Tag>{t('notifications.templates.default')}</Tag>
                ) : (
                  <Tag color="blue">{t('notifications.templates.custom')}</Tag>
                )}
                {!r.active && <Tag color="red">{t('notifications.templates.inactive')}</Tag>}
              </Space>
            ),
          },
          {
            key: 'updatedAt',
            title: t('notifications.templates.updatedAt'),
            render: (_, r) => (r.updatedAt ? dateTime(r.updatedAt) : '—'),
          },
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_, r) => (
              <Button type="link" size="small" data-testid={`template-edit-${templateKeyOf(r)}`} onClick={() => setEditing(r)}>
                {t('common.edit')}
              </Button>
            ),
          },
        ]}
      />
      <TemplateDrawer template={editing} onClose={() => setEditing(null)} />
    </div>
  )
}
