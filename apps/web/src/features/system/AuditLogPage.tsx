// Admin: the audit log — who did what to which record, when and from where; each entry's
// before/after, and a check that the tenant's hash chain is intact.
import { AuditPage, AuditVerifyResult, type AuditEntry } from '@aftercare/contracts'
import { SafetyCertificateOutlined } from '@ant-design/icons'
import { useInfiniteQuery, useMutation } from '@tanstack/react-query'
import { Alert, Button, Card, DatePicker, Descriptions, Input, Space, Table, Tag, Typography } from 'antd'
import type { Dayjs } from 'dayjs'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { dateTime } from '../../shared/format.ts'

interface Filters {
  action?: string
  entityType?: string
  entityId?: string
  from?: string
  to?: string
}

const json = (v: unknown) => (v === null || v === undefined ? '—' : JSON.stringify(v, null, 2))

function EntryDetail({ entry }: { entry: AuditEntry }) {
  const { t } = useTranslation()
  return (
    <Descriptions size="small" column={2} bordered>
      <Descriptions.Item label={t('audit.requestId')}>{entry.requestId ?? '—'}</Descriptions.Item>
      <Descriptions.Item label={t('audit.ip')}>{entry.ip ?? '—'}</Descriptions.Item>
      <Descriptions.Item label={t('audit.before')}>
        <pre style={{ margin: 0, whiteSpace: 'pre-wrap', maxHeight: 240, overflow: 'auto' }}>{json(entry.before)}</pre>
      </Descriptions.Item>
      <Descriptions.Item label={t('audit.after')}>
        <pre style={{ margin: 0, whiteSpace: 'pre-wrap', maxHeight: 240, overflow: 'auto' }}>{json(entry.after)}</pre>
      </Descriptions.Item>
    </Descriptions>
  )
}

function VerifyChain() {
  const { t } = useTranslation()
  const verify = useMutation({ mutationFn: () => api('/api/admin/audit/verify', AuditVerifyResult) })
  const r = verify.data
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Button icon={<SafetyCertificateOutlined />} loading={verify.isPending} onClick={() => verify.mutate()} data-testid="audit-verify">
        {t('audit.verify')}
      </Button>
      {verify.isError && <Alert type="error" showIcon message={errorMessage(t, verify.error)} />}
      {r?.ok && (
        <Alert
          type="success"
          showIcon
          data-testid="audit-verify-result"
          message={t('audit.verifyOk', { sealed: r.sealed })}
          description={r.pending ? t('audit.verifyPending', { count: r.pending }) : undefined}
        />
      )}
      {r && !r.ok && r.broken && (
        <Alert
          type="error"
          showIcon
          data-testid="audit-verify-result"
          message={t('audit.verifyBroken', { seq: r.broken.seq ?? '—', id: r.broken.id ?? '—' })}
          description={r.broken.reason}
        />
      )}
    </Space>
  )
}

export function AuditLogPage() {
  const { t } = useTranslation()
  const [filters, setFilters] = useState<Filters>({})
  const entries = useInfiniteQuery({
    queryKey: ['audit', filters],
    queryFn: ({ pageParam }) => api('/api/admin/audit', AuditPage, { query: { ...filters, limit: 50, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  })
  const rows = entries.data?.pages.flatMap((p) => p.items) ?? []
  const set = (patch: Filters) => setFilters((f) => ({ ...f, ...patch }))
  const text = (v: string) => (v.trim() ? v.trim() : undefined)
  const range = (v: [Dayjs | null, Dayjs | null] | null) =>
    set({ from: v?.[0]?.startOf('day').toISOString(), to: v?.[1]?.endOf('day').toISOString() })

  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('audit.title')}
      </Typography.Title>
      <Card style={{ marginBottom: 16 }}>
        <VerifyChain />
      </Card>
      <Card>
        <Space wrap style={{ marginBottom: 16 }}>
          <Input.Search
            allowClear
            placeholder={t('audit.actionPlaceholder')}
            onSearch={(v) => set({ action: text(v) })}
            style={{ width: 240 }}
            data-testid="audit-filter-action"
          />
          <Input.Search
            allowClear
            placeholder={t('audit.entityTypePlaceholder')}
            onSearch={(v) => set({ entityType: text(v) })}
            style={{ width: 200 }}
          />
          <Input.Search
            allowClear
            placeholder={t('audit.entityIdPlaceholder')}
            onSearch={(v) => set({ entityId: text(v) })}
            style={{ width: 260 }}
          />
          <DatePicker.RangePicker onChange={range} />
        </Space>
        <Table<AuditEntry>
          rowKey="id"
          size="middle"
          loading={entries.isPending}
          dataSource={rows}
          pagination={false}
          locale={{ emptyText: entries.isError ? errorMessage(t, entries.error) : t('audit.none') }}
          expandable={{ expandedRowRender: (e) => <EntryDetail entry={e} /> }}
          columns={[
            { title: t('audit.time'), dataIndex: 'occurredAt', width: 180, render: (v: string) => dateTime(v) },
            {
              title: t('audit.actor'),
              key: 'actor',
              width: 200,
              render: (_, e) => (
                <Space size={4}>
                  <Tag>{t(`audit.actorTypes.${e.actorType}`)}</Tag>
                  {e.actorName ?? (e.actorId ? e.actorId.slice(0, 8) : '')}
                </Space>
              ),
            },
            { title: t('audit.action'), dataIndex: 'action', render: (v: string) => <Typography.Text code>{v}</Typography.Text> },
            {
              title: t('audit.entity'),
              key: 'entity',
              render: (_, e) => (
                <span>
                  {e.entityType}
                  {e.entityId ? <Typography.Text type="secondary"> · {e.entityId}</Typography.Text> : null}
                </span>
              ),
            },
            {
              title: t('audit.seq'),
              dataIndex: 'seq',
              width: 110,
              render: (v: number | null) => (v === null ? <Tag>{t('audit.unsealed')}</Tag> : `#${v}`),
            },
          ]}
        />
        {entries.hasNextPage && (
          <div style={{ textAlign: 'center', marginTop: 16 }}>
            <Button onClick={() => void entries.fetchNextPage()} loading={entries.isFetchingNextPage}>
              {t('common.loadMore')}
            </Button>
          </div>
        )}
      </Card>
    </div>
  )
}
