// The SLA card of a ticket's detail page: the countdown badge, every clock (target, state, due
// time, business time left) and the escalation actions carried out on warning / breach.
import type { SlaClock, SlaEscalation } from '@aftercare/contracts'
import { Card, List, Space, Table, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { dateTime } from '../../shared/format.ts'
import { useTicketEscalations, useTicketSla } from './sla.api.ts'
import { SlaBadge } from './SlaBadge.tsx'

const clockState = (c: SlaClock) =>
  c.state === 'stopped'
    ? c.met
      ? 'met'
      : 'missed'
    : c.breached
      ? 'breached'
      : c.warned
        ? 'warning'
        : c.state === 'paused'
          ? 'paused'
          : 'ok'
const color = { ok: 'green', warning: 'orange', breached: 'red', paused: 'blue', met: 'green', missed: 'red' } as const

export function TicketSlaPanel({ ticketId }: { ticketId: string }) {
  const { t } = useTranslation()
  const me = useCurrentUser()
  const { data } = useTicketSla(ticketId)
  const staff = me.customerOrgId === null && can(me, 'tickets.read')
  const esc = useTicketEscalations(ticketId, staff)
  if (!data || data.summary === 'none') return null
  return (
    <Card
      size="small"
      title={
        <Space>
          {t('sla.policy')}
          <SlaBadge ticketId={ticketId} />
        </Space>
      }
      data-testid="ticket-sla-panel"
    >
      <Typography.Text type="secondary">{[data.policy?.name, data.calendar?.name].filter(Boolean).join(' · ')}</Typography.Text>
      <Table<SlaClock>
        size="small"
        rowKey="id"
        pagination={false}
        dataSource={data.clocks}
        columns={[
          { title: t('sla.comp.target'), dataIndex: 'target', render: (x: string) => t(`sla.targets.${x}`) },
          {
            title: t('sla.atRisk.sla'),
            key: 'state',
            render: (_, c) => <Tag color={color[clockState(c)]}>{t(`sla.states.${clockState(c)}`)}</Tag>,
          },
          { title: t('sla.atRisk.dueAt'), dataIndex: 'dueAt', render: (d: string | null, c) => dateTime(d ?? c.stoppedAt) },
        ]}
      />
      {staff && (esc.data?.items.length ?? 0) > 0 && (
        <List<SlaEscalation>
          size="small"
          header={t('sla.esc.title')}
          dataSource={esc.data?.items ?? []}
          renderItem={(e) => (
            <List.Item data-testid="sla-escalation">
              {dateTime(e.createdAt)} · {t(`sla.triggers.${e.trigger}`)} · {t(`sla.targets.${e.target}`)} · {t(`sla.actions.${e.action}`)}{' '}
              <Tag color={e.outcome === 'done' ? 'green' : 'default'}>{t(`sla.esc.outcomes.${e.outcome}`)}</Tag>
            </List.Item>
          )}
        />
      )}
    </Card>
  )
}
