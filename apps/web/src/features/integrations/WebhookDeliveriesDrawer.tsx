// The delivery log of one subscription, newest first, with a replay of a finished delivery (same
// body and delivery id, fresh signature).
import { WebhookDelivery, WebhookDeliveryList, WebhookDeliveryStatus, type WebhookSubscription } from '@aftercare/contracts'
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Button, Drawer, Select, Space, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { dateTime } from '../../shared/format.ts'
import { DeliveryStatusTag } from '../notifications/DeliveryStatusTag.tsx'
import { subscriptionsKey } from './integrations.api.ts'

const isFinished = (d: WebhookDelivery) => d.status === 'sent' || d.status === 'failed' || d.status === 'dead'

export function WebhookDeliveriesDrawer({ subscription, onClose }: { subscription: WebhookSubscription | null; onClose: () => void }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const [status, setStatus] = useState<WebhookDeliveryStatus | undefined>()
  const key = [...subscriptionsKey, subscription?.id, 'deliveries', status] as const
  const list = useInfiniteQuery({
    queryKey: key,
    queryFn: ({ pageParam }) =>
      api(`/api/webhooks/subscriptions/${subscription!.id}/deliveries`, WebhookDeliveryList, {
        query: { status, limit: 50, cursor: pageParam },
      }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
    enabled: subscription !== null,
  })
  const replay = useMutation({
    mutationFn: (id: string) => api(`/api/webhooks/deliveries/${id}/replay`, WebhookDelivery, { method: 'POST' }),
    onSuccess: async () => {
      message.success(t('notifications.deliveries.replayed'))
      await client.invalidateQueries({ queryKey: [...subscriptionsKey, subscription?.id] })
    },
    onError: (e) => void message.error(errorMessage(t, e)),
  })
  const rows = list.data?.pages.flatMap((p) => p.items) ?? []
  return (
    <Drawer
      open={subscription !== null}
      onClose={onClose}
      size="large"
      destroyOnHidden
      title={subscription && t('integrations.outgoing.deliveriesOf', { name: subscription.name })}
    >
      <Space style={{ marginBottom: 12 }}>
        <Select<WebhookDeliveryStatus>
          allowClear
          style={{ width: 140 }}
          placeholder={t('notifications.deliveries.status')}
          value={status}
          onChange={setStatus}
          options={WebhookDeliveryStatus.options.map((s) => ({ value: s, label: t(`notifications.deliveryStatus.${s}`) }))}
        />
        <Button onClick={() => void list.refetch()}>{t('common.reload')}</Button>
      </Space>
      {list.isError && <Typography.Text type="danger">{errorMessage(t, list.error)}</Typography.Text>}
      <Table<WebhookDelivery>
        size="small"
        rowKey="id"
        loading={list.isFetching && !list.isFetchingNextPage}
        dataSource={rows}
        pagination={false}
        scroll={{ x: true }}
        onRow={() => ({ 'data-testid': 'webhook-delivery-row' }) as React.HTMLAttributes<HTMLElement>}
        expandable={{
          rowExpandable: (d) => d.lastError !== null,
          expandedRowRender: (d) => (
            <Typography.Text type="danger" style={{ whiteSpace: 'pre-wrap' }}>
              {d.lastError}
            </Typography.Text>
          ),
        }}
        columns={[
          { key: 'createdAt', title: t('notifications.deliveries.createdAt'), render: (_, d) => dateTime(d.createdAt) },
          {
            key: 'event',
            title: t('notifications.templates.event'),
            render: (_, d) => <Typography.Text code>{d.eventType}</Typography.Text>,
          },
          { key: 'status', title: t('notifications.deliveries.status'), render: (_, d) => <DeliveryStatusTag status={d.status} /> },
          { key: 'attempts', title: t('notifications.deliveries.attempts'), dataIndex: 'attempts' },
          { key: 'response', title: t('integrations.outgoing.response'), render: (_, d) => d.responseStatus ?? '—' },
          {
            key: 'next',
            title: t('notifications.deliveries.nextAttemptAt'),
            render: (_, d) => (d.nextAttemptAt ? dateTime(d.nextAttemptAt) : d.sentAt ? dateTime(d.sentAt) : '—'),
          },
          {
            key: 'replayOf',
            title: t('integrations.outgoing.replayOf'),
            render: (_, d) => (d.replayOf ? <Tag color="purple">{t('integrations.outgoing.isReplay')}</Tag> : ''),
          },
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_, d) =>
              isFinished(d) && (
                <Button
                  type="link"
                  size="small"
                  data-testid="webhook-replay"
                  disabled={!subscription?.enabled}
                  loading={replay.isPending && replay.variables === d.id}
                  onClick={() => replay.mutate(d.id)}
                >
                  {t('notifications.deliveries.replay')}
                </Button>
              ),
          },
        ]}
      />
      {list.hasNextPage && (
        <Button style={{ marginTop: 12 }} loading={list.isFetchingNextPage} onClick={() => void list.fetchNextPage()}>
          {t('common.loadMore')}
        </Button>
      )}
    </Drawer>
  )
}
