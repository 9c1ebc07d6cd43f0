// Admin: events a reaction (notification, webhook, SLA clock …) failed to handle on every attempt.
// Once the cause is fixed (a mail server back, a webhook URL corrected) they get fresh attempts.
import { DeadLetterList, RedeliverResult, type DeadLetter } from '@aftercare/contracts'
import { ReloadOutlined } from '@ant-design/icons'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Button, Card, Popconfirm, Table, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { dateTime } from '../../shared/format.ts'

const key = ['dead-letters'] as const

export function DeadLettersPage() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const dead = useQuery({ queryKey: key, queryFn: () => api('/api/admin/dead-letters', DeadLetterList) })
  const redeliver = useMutation({
    mutationFn: (body: { eventId?: string }) => api('/api/admin/dead-letters/redeliver', RedeliverResult, { method: 'POST', body }),
    onSuccess: async (r) => {
      message.success(t('deadLetters.redelivered', { count: r.redelivered }))
      await client.invalidateQueries({ queryKey: key })
    },
    onError: (e) => message.error(errorMessage(t, e)),
  })
  const items = dead.data?.items ?? []

  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('deadLetters.title')}
      </Typography.Title>
      <Card
        title={t('deadLetters.hint')}
        extra={
          items.length > 0 && (
            <Popconfirm title={t('deadLetters.redeliverAllConfirm', { count: items.length })} onConfirm={() => redeliver.mutate({})}>
              <Button icon={<ReloadOutlined />} data-testid="dead-letters-redeliver-all">
                {t('deadLetters.redeliverAll')}
              </Button>
            </Popconfirm>
          )
        }
      >
        <Table<DeadLetter>
          rowKey={(d) => `${d.eventId}:${d.listener}`}
          loading={dead.isPending}
          dataSource={items}
          pagination={{ pageSize: 50, hideOnSinglePage: true }}
          locale={{ emptyText: dead.isError ? errorMessage(t, dead.error) : t('deadLetters.none') }}
          columns={[
            { title: t('deadLetters.at'), dataIndex: 'at', width: 180, render: (v: string) => dateTime(v) },
            { title: t('deadLetters.type'), dataIndex: 'type', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
            { title: t('deadLetters.listener'), dataIndex: 'listener' },
            { title: t('deadLetters.aggregate'), dataIndex: 'aggregate', render: (v: string | null) => v ?? '—' },
            { title: t('deadLetters.attempts'), dataIndex: 'attempts', width: 90 },
            {
              title: t('deadLetters.lastError'),
              dataIndex: 'lastError',
              render: (v: string | null) => <Typography.Text type="danger">{v ?? '—'}</Typography.Text>,
            },
            {
              key: 'actions',
              width: 120,
              render: (_, d) => (
                <Button size="small" onClick={() => redeliver.mutate({ eventId: d.eventId })} loading={redeliver.isPending}>
                  {t('deadLetters.redeliver')}
                </Button>
              ),
            },
          ]}
        />
      </Card>
    </div>
  )
}
