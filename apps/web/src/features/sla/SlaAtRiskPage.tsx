// Supervisors' view of tickets at risk: clocks warned, breached, or due within the chosen horizon,
// breached first then by time left. Live: any ticket event (and SLA's warnings / breaches on the
// `ticket` topic) refreshes it, and it re-reads every 30 s besides.
import type { AtRiskItem } from '@aftercare/contracts'
import { ReloadOutlined } from '@ant-design/icons'
import { Button, Card, Segmented, Select, Space, Table, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { errorMessage } from '../../shared/api/errors.ts'
import { dateTime } from '../../shared/format.ts'
import { useRealtime } from '../../shared/realtime/useRealtime.ts'
import { useCustomerNames } from '../tickets/pickers.tsx'
import { PriorityTag, StatusTag } from '../tickets/TicketTags.tsx'
import { useStaffDirectory } from '../tickets/tickets.api.ts'
import { slaKeys, useAtRisk } from './sla.api.ts'
import { SlaTag } from './SlaBadge.tsx'

const horizons = [30, 60, 120, 240, 480, 1440]

export function SlaAtRiskPage() {
  const { t } = useTranslation()
  const [within, setWithin] = useState(120)
  const [state, setState] = useState<'all' | 'warning' | 'breached'>('all')
  const q = useAtRisk(within, state)
  const customer = useCustomerNames()
  const { nameOf } = useStaffDirectory()
  useRealtime('ticket', [slaKeys.atRisk])
  const now = q.data?.now ?? new Date().toISOString()
  return (
    <Card
      title={t('sla.atRisk.title')}
      extra={
        <Space wrap>
          <Segmented
            value={state}
            onChange={(v) => setState(v as typeof state)}
            options={(['all', 'warning', 'breached'] as const).map((s) => ({ value: s, label: t(`sla.atRisk.states.${s}`) }))}
          />
          <Select
            value={within}
            onChange={setWithin}
            style={{ width: 180 }}
            aria-label={t('sla.atRisk.within')}
            options={horizons.map((m) => ({ value: m, label: t('sla.atRisk.withinMinutes', { count: m }) }))}
          />
          <Button icon={<ReloadOutlined />} onClick={() => void q.refetch()} aria-label={t('common.reload')} />
        </Space>
      }
    >
      {q.isError && <Typography.Text type="danger">{errorMessage(t, q.error)}</Typography.Text>}
      <Table<AtRiskItem>
        rowKey={(r) => r.clock.id}
        loading={q.isPending}
        dataSource={q.data?.items ?? []}
        pagination={false}
        size="middle"
        locale={{ emptyText: t('sla.atRisk.none') }}
        onRow={(r) => ({ 'data-testid': 'at-risk-row', 'data-ticket-number': r.number ?? '' }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          {
            title: t('tickets.fields.number'),
            dataIndex: 'number',
            width: 150,
            render: (n: string | null, r) => <Link to={`/tickets/${r.ticketId}`}>{n ?? r.ticketId.slice(0, 8)}</Link>,
          },
          {
            title: t('sla.atRisk.sla'),
            key: 'sla',
            width: 240,
            render: (_, r) => (
              <SlaTag
                key={now}
                sla={{
                  summary: r.clock.breached ? 'breached' : r.clock.warned ? 'warning' : r.clock.state === 'paused' ? 'paused' : 'ok',
                  next: r.clock,
                  now,
                  policy: r.policyName ? { id: r.clock.id, name: r.policyName } : null,
                }}
              />
            ),
          },
          { title: t('sla.atRisk.dueAt'), key: 'due', width: 170, render: (_, r) => dateTime(r.clock.dueAt) },
          {
            title: t('tickets.fields.priority'),
            dataIndex: 'priority',
            width: 90,
            render: (p: AtRiskItem['priority']) => <PriorityTag priority={p} />,
          },
          {
            title: t('tickets.fields.status'),
            dataIndex: 'status',
            width: 110,
            render: (s: AtRiskItem['status']) => <StatusTag status={s} />,
          },
          {
            title: t('tickets.fields.customer'),
            dataIndex: 'customerId',
            ellipsis: true,
            render: (id: string | null) => customer(id)?.name ?? '—',
          },
          { title: t('tickets.fields.assignee'), dataIndex: 'assigneeId', width: 130, render: (id: string | null) => nameOf(id) ?? '—' },
          { title: t('sla.policy'), dataIndex: 'policyName', width: 140, render: (n: string | null) => n ?? '—' },
        ]}
      />
    </Card>
  )
}
