// The delivery log: every message sent or to be sent, filtered by status, channel and event, with
// the attempts and last error of one, and a replay of a failed or dead message.
import { Delivery, DeliveryList, DeliveryStatus, NotificationChannel, NotificationEventType } from '@aftercare/contracts'
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Button, Descriptions, Drawer, Select, Space, Table, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { dateTime } from '../../shared/format.ts'
import { DeliveryStatusTag } from './DeliveryStatusTag.tsx'
import { deliveriesKey } from './notifications.api.ts'

interface Filters {
  status?: DeliveryStatus
  channel?: NotificationChannel
  eventType?: NotificationEventType
}

export function DeliveriesTab() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const [filters, setFilters] = useState<Filters>({})
  const [shown, setShown] = useState<Delivery | null>(null)
  const list = useInfiniteQuery({
    queryKey: [...deliveriesKey, filters],
    queryFn: ({ pageParam }) => api('/api/notifications/deliveries', DeliveryList, { query: { ...filters, limit: 50, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  })
  const replay = useMutation({
    mutationFn: (id: string) => api(`/api/notifications/deliveries/${id}/replay`, Delivery, { method: 'POST' }),
    onSuccess: async (d) => {
      message.success(t('notifications.deliveries.replayed'))
      setShown(d)
      await client.invalidateQueries({ queryKey: deliveriesKey })
    },
    onError: (e) => void message.error(errorMessage(t, e)),
  })
  const rows = list.data?.pages.flatMap((p) => p.items) ?? []
  const set = <K extends keyof Filters>(k: K, v: Filters[K]) => setFilters((f) => ({ ...f, [k]: v }))
  const canReplay = (d: Delivery) => d.status === 'failed' || d.status === 'dead'

  return (
    <div>
      <Space wrap style={{ marginBottom: 12 }}>
        <Select<DeliveryStatus>
          allowClear
          style={{ width: 140 }}
          placeholder={t('notifications.deliveries.status')}
          data-testid="delivery-filter-status"
          value={filters.status}
          onChange={(v) => set('status', v)}
          options={DeliveryStatus.options.map((s) => ({ value: s, label: t(`notifications.deliveryStatus.${s}`) }))}
        />
        <Select<NotificationChannel>
          allowClear
          style={{ width: 170 }}
          placeholder={t('notifications.templates.channel')}
          value={filters.channel}
          onChange={(v) => set('channel', v)}
          options={NotificationChannel.options.map((c) => ({ value: c, label: t(`notifications.channels.${c}`) }))}
        />
        <Select<NotificationEventType>
          allowClear
          style={{ width: 180 }}
          placeholder={t('notifications.templates.event')}
          value={filters.eventType}
          onChange={(v) => set('eventType', v)}
          options={NotificationEventType.options.map((e) => ({ value: e, label: t(`notifications.events.${e}`) }))}
        />
        <Button onClick={() => void list.refetch()}>{t('common.reload')}</Button>
      </Space>
      {list.isError && <Typography.Text type="danger">{errorMessage(t, list.error)}</Typography.Text>}
      <Table<Delivery>
        size="small"
        rowKey="id"
        loading={list.isFetching && !list.isFetchingNextPage}
        dataSource={rows}
        pagination={false}
        scroll={{ x: true }}
        onRow={(d) =>
          ({ onClick: () => setShown(d), style: { cursor: 'pointer' }, 'data-testid': 'delivery-row' }) as React.HTMLAttributes<HTMLElement>
        }
        columns={[
          { key: 'createdAt', title: t('notifications.deliveries.createdAt'), render: (_, d) => dateTime(d.createdAt) },
          {
            key: 'event',
            title: t('notifications.templates.event'),
            render: (_, d) => t(`notifications.events.${d.eventType}`, { defaultValue: d.eventType }),
          },
          { key: 'channel', title: t('notifications.templates.channel'), render: (_, d) => t(`notifications.channels.${d.channel}`) },
          { key: 'address', title: t('notifications.deliveries.recipient'), render: (_, d) => d.address ?? '—' },
          {
            key: 'subject',
            title: t('notifications.templates.subject'),
            render: (_, d) => (
              <Typography.Text ellipsis style={{ maxWidth: 260 }}>
                {d.subject || d.body}
              </Typography.Text>
            ),
          },
          { key: 'status', title: t('notifications.deliveries.status'), render: (_, d) => <DeliveryStatusTag status={d.status} /> },
          { key: 'attempts', title: t('notifications.deliveries.attempts'), render: (_, d) => `${d.attempts}/${d.maxAttempts}` },
        ]}
      />
      {list.hasNextPage && (
        <Button style={{ marginTop: 12 }} loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
          {t('common.loadMore')}
        </Button>
      )}
      <Drawer
        open={shown !== null}
        onClose={() => setShown(null)}
        size="large"
        title={t('notifications.deliveries.detail')}
        extra={
          shown &&
          canReplay(shown) && (
            <Button type="primary" data-testid="delivery-replay" loading={replay.isPending} onClick={() => replay.mutate(shown.id)}>
              {t('notifications.deliveries.replay')}
            </Button>
          )
        }
      >
        {shown && (
          <Descriptions column={1} size="small" bordered data-testid="delivery-detail">
            <Descriptions.Item label={t('notifications.deliveries.status')}>
              <DeliveryStatusTag status={shown.status} />
            </Descriptions.Item>
            <Descriptions.Item label={t('notifications.templates.event')}>
              {t(`notifications.events.${shown.eventType}`, { defaultValue: shown.eventType })}
            </Descriptions.Item>
            <Descriptions.Item label={t('notifications.templates.channel')}>
              {t(`notifications.channels.${shown.channel}`)}
            </Descriptions.Item>
            <Descriptions.Item label={t('notifications.deliveries.recipient')}>{shown.address ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('notifications.deliveries.attempts')}>{`${shown.attempts}/${shown.maxAttempts}`}</Descriptions.Item>
            <Descriptions.Item label={t('notifications.deliveries.nextAttemptAt')}>
              {shown.nextAttemptAt ? dateTime(shown.nextAttemptAt) : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('notifications.deliveries.lastError')}>
              <Typography.Text type={shown.lastError ? 'danger' : undefined} style={{ whiteSpace: 'pre-wrap' }}>
                {shown.lastError ?? '—'}
              </Typography.Text>
            </Descriptions.Item>
            <Descriptions.Item label={t('notifications.deliveries.providerRef')}>{shown.providerRef ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('notifications.deliveries.receipt')}>{shown.receipt ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('notifications.deliveries.sentAt')}>
              {shown.sentAt ? dateTime(shown.sentAt) : '—'}
            </Descriptions.Item>
            <Descriptions.Item label={t('notifications.templates.subject')}>{shown.subject || '—'}</Descriptions.Item>
            <Descriptions.Item label={t('notifications.templates.body')}>
              <span style={{ whiteSpace: 'pre-wrap' }}>{shown.body}</span>
            </Descriptions.Item>
          </Descriptions>
        )}
      </Drawer>
    </div>
  )
}
