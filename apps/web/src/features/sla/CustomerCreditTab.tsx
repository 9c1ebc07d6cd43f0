// A customer's SLA credit (赔付) ledger: balances (amount, points, service hours) and history,
// with the customer's compensation proposals and decisions.
import type { CustomerCredit } from '@aftercare/contracts'
import { Card, Descriptions, Space, Statistic, Table, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { errorMessage } from '../../shared/api/errors.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { dateTime } from '../../shared/format.ts'
import { CompensationTable } from './CompensationsPage.tsx'
import { useCustomerCredit } from './sla.api.ts'

type Entry = CustomerCredit['entries'][number]

export function CustomerCreditTab({ customerId }: { customerId: string }) {
  const { t } = useTranslation()
  const me = useCurrentUser()
  const q = useCustomerCredit(customerId)
  const c = q.data
  const money = (cents: number) => `${c?.currency === 'CNY' ? '¥' : (c?.currency ?? '') + ' '}${(cents / 100).toFixed(2)}`
  const value = (e: Entry, n: number) => (e.kind === 'amount' ? money(n) : e.kind === 'points' ? String(n) : `${n} h`)
  if (q.isError) return <Typography.Text type="danger">{errorMessage(t, q.error)}</Typography.Text>
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }} data-testid="customer-credit">
      <Card size="small" loading={q.isPending}>
        <Space size={48} wrap>
          <Statistic title={t('sla.credit.amount')} value={c ? money(c.balances.amountCents) : '—'} />
          <Statistic title={t('sla.credit.points')} value={c?.balances.points ?? 0} />
          <Statistic title={t('sla.credit.serviceHours')} value={c?.balances.serviceHours ?? 0} suffix="h" />
        </Space>
        <Descriptions size="small" style={{ marginTop: 16 }}>
          <Descriptions.Item label={t('sla.credit.monthlyFee')}>
            {c?.monthlyFeeCents != null ? money(c.monthlyFeeCents) : t('sla.credit.noFee')}
          </Descriptions.Item>
        </Descriptions>
      </Card>
      <Card size="small" title={t('sla.credit.history')}>
        <Table<Entry>
          rowKey="id"
          size="small"
          dataSource={c?.entries ?? []}
          pagination={{ pageSize: 10, hideOnSinglePage: true }}
          locale={{ emptyText: t('sla.credit.none') }}
          columns={[
            { title: t('sla.credit.at'), dataIndex: 'createdAt', width: 170, render: dateTime },
            {
              title: t('sla.credit.kind'),
              dataIndex: 'kind',
              width: 120,
              render: (k: Entry['kind']) => <Tag>{t(`sla.credit.kinds.${k}`)}</Tag>,
            },
            {
              title: t('sla.credit.delta'),
              key: 'delta',
              width: 140,
              render: (_, e) => (
                <Typography.Text type={e.delta < 0 ? 'danger' : 'success'}>{(e.delta > 0 ? '+' : '') + value(e, e.delta)}</Typography.Text>
              ),
            },
            { title: t('sla.credit.balance'), key: 'balance', width: 140, render: (_, e) => value(e, e.balanceAfter) },
            { title: t('sla.credit.note'), dataIndex: 'note', ellipsis: true, render: (n: string | null) => n ?? '—' },
          ]}
        />
      </Card>
      {can(me, 'sla.manage') && (
        <Card size="small" title={t('sla.comp.title')}>
          <CompensationTable customerId={customerId} />
        </Card>
      )}
    </Space>
  )
}
