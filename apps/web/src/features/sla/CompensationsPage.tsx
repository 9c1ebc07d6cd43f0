// Compensation (赔付) proposed on breaches: a supervisor approves (optionally with another amount)
// or rejects each; approved ones are credited to the customer's ledger.
import type { Compensation } from '@aftercare/contracts'
import { Compensation as CompensationSchema } from '@aftercare/contracts'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Button, Card, Input, Modal, Segmented, Space, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { dateTime } from '../../shared/format.ts'
import { useCustomerNames } from '../tickets/pickers.tsx'
import { slaKeys, useCompensations } from './sla.api.ts'

const statusColor = { proposed: 'gold', approved: 'green', rejected: 'default' } as const

export function formatAward(
  t: (k: string, o?: Record<string, unknown>) => string,
  c: Pick<Compensation, 'amountCents' | 'points' | 'serviceHours'>,
) {
  const parts: string[] = []
  if (c.amountCents !== null) parts.push(t('sla.comp.amount', { value: (c.amountCents / 100).toFixed(2) }))
  if (c.points !== null) parts.push(t('sla.comp.points', { value: c.points }))
  if (c.serviceHours !== null) parts.push(t('sla.comp.serviceHours', { value: c.serviceHours }))
  return parts.join(' · ') || '—'
}

export function CompensationTable({ status, customerId }: { status?: 'proposed' | 'approved' | 'rejected'; customerId?: string }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const qc = useQueryClient()
  const q = useCompensations(status, customerId)
  const customer = useCustomerNames(!customerId)
  const [deciding, setDeciding] = useState<{ c: Compensation; decision: 'approve' | 'reject' } | null>(null)
  const [note, setNote] = useState('')
  const decide = useMutation({
    mutationFn: (v: { c: Compensation; decision: 'approve' | 'reject'; note: string }) =>
      api(`/api/sla/compensations/${v.c.id}/decision`, CompensationSchema, {
        method: 'POST',
        body: { decision: v.decision, ...(v.note ? { note: v.note } : {}) },
      }),
    onSuccess: (c) => {
      void message.success(t(c.status === 'approved' ? 'sla.comp.approved' : 'sla.comp.rejected'))
      setDeciding(null)
      setNote('')
      void qc.invalidateQueries({ queryKey: slaKeys.compensations })
      void qc.invalidateQueries({ queryKey: slaKeys.credit(c.customerId) })
    },
    onError: (e) => void message.error(errorMessage(t, e)),
  })
  return (
    <>
      {q.isError && <Typography.Text type="danger">{errorMessage(t, q.error)}</Typography.Text>}
      <Table<Compensation>
        rowKey="id"
        size="middle"
        loading={q.isPending}
        dataSource={q.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('sla.comp.none') }}
        onRow={() => ({ 'data-testid': 'compensation-row' }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('tickets.fields.number'),
            dataIndex: 'ticketNumber',
            width: 140,
            render: (n: string | null, c) => (c.ticketId ? <Link to={`/tickets/${c.ticketId}`}>{n ?? '—'}</Link> : '—'),
          },
          ...(customerId
            ? []
            : [{ title: t('tickets.fields.customer'), dataIndex: 'customerId', render: (id: string) => customer(id)?.name ?? '—' }]),
          {
            title: t('sla.comp.target'),
            dataIndex: 'clockTarget',
            width: 110,
            render: (x: string) => t(`sla.targets.${x}`, { defaultValue: x }),
          },
          { title: t('sla.comp.kind'), dataIndex: 'kind', width: 140, render: (k: string) => t(`sla.comp.kinds.${k}`) },
          { title: t('sla.comp.formula'), dataIndex: 'formula', ellipsis: true },
          { title: t('sla.comp.award'), key: 'award', width: 180, render: (_, c) => formatAward(t, c) },
          {
            title: t('tickets.fields.status'),
            dataIndex: 'status',
            width: 100,
            render: (s: Compensation['status']) => <Tag color={statusColor[s]}>{t(`sla.comp.statuses.${s}`)}</Tag>,
          },
          { title: t('sla.comp.createdAt'), dataIndex: 'createdAt', width: 160, render: dateTime },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 170,
            render: (_, c) =>
              c.status === 'proposed' ? (
                <Space>
                  <Button
                    size="small"
                    type="primary"
                    data-testid={`compensation-approve-${c.id}`}
                    onClick={() => setDeciding({ c, decision: 'approve' })}
                  >
                    {t('sla.comp.approve')}
                  </Button>
                  <Button
                    size="small"
                    danger
                    data-testid={`compensation-reject-${c.id}`}
                    onClick={() => setDeciding({ c, decision: 'reject' })}
                  >
                    {t('sla.comp.reject')}
                  </Button>
                </Space>
              ) : (
                <Typography.Text type="secondary">{c.decisionNote ?? dateTime(c.decidedAt)}</Typography.Text>
              ),
          },
        ]}
      />
      <Modal
        open={deciding !== null}
        title={
          deciding
            ? t(deciding.decision === 'approve' ? 'sla.comp.approveTitle' : 'sla.comp.rejectTitle', { award: formatAward(t, deciding.c) })
            : ''
        }
        okText={t('common.confirm')}
        okButtonProps={{ loading: decide.isPending, ...({ 'data-testid': 'compensation-decide-ok' } as Record<string, string>) }}
        onOk={() => deciding && decide.mutate({ ...deciding, note })}
        onCancel={() => setDeciding(null)}
        destroyOnHidden
      >
        <Input.TextArea value={note} onChange={(e) => setNote(e.target.value)} placeholder={t('sla.comp.note')} maxLength={1000} rows={3} />
      </Modal>
    </>
  )
}

export function CompensationsPage() {
  const { t } = useTranslation()
  const [status, setStatus] = useState<'proposed' | 'approved' | 'rejected' | 'all'>('proposed')
  return (
    <Card
      title={t('sla.comp.title')}
      extra={
        <Segmented
          value={status}
          onChange={(v) => setStatus(v as typeof status)}
          options={(['proposed', 'approved', 'rejected', 'all'] as const).map((s) => ({
            value: s,
            label: s === 'all' ? t('common.all') : t(`sla.comp.statuses.${s}`),
          }))}
        />
      }
    >
      <CompensationTable status={status === 'all' ? undefined : status} />
    </Card>
  )
}
