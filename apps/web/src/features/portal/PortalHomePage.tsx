// The customer's home in the portal: their organisation's service requests, open or finished, and
// the way to submit a new one. Before the first request it says what will be here.
import { openTicketStatuses, type TicketListItem } from '@aftercare/contracts'
import { PlusOutlined } from '@ant-design/icons'
import { useQuery } from '@tanstack/react-query'
import { Button, Card, Segmented, Table, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router'
import { errorMessage } from '../../shared/api/errors.ts'
import { dateTime } from '../../shared/format.ts'
import { ComingSoon } from '../../shared/ui/ComingSoon.tsx'
import { StatusTag } from '../tickets/TicketTags.tsx'
import { fetchTickets } from '../tickets/tickets.api.ts'

type Show = 'open' | 'finished'
const finished = ['resolved', 'closed', 'cancelled'] as const

export function PortalHomePage() {
  const { t } = useTranslation()
  const navigate = useNavigate()
  const [show, setShow] = useState<Show>('open')
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined])
  const status = show === 'open' ? [...openTicketStatuses] : [...finished]
  const cursor = cursors[cursors.length - 1]
  const list = useQuery({
    queryKey: ['tickets', 'list', { portal: true, status, cursor }],
    queryFn: () => fetchTickets({ status, cursor, limit: 20, sort: 'updatedAt', order: 'desc' }),
  })
  // Whether the organisation has any request at all (to explain the page before the first one).
  const any = useQuery({ queryKey: ['tickets', 'list', { portal: true, any: true }], queryFn: () => fetchTickets({ limit: 1 }) })
  const newButton = (
    <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/portal/tickets/new')} data-testid="portal-new">
      {t('portalTickets.new')}
    </Button>
  )

  if (any.data && any.data.items.length === 0)
    return (
      <div>
        <ComingSoon
          title={t('pages.portal.title')}
          description={t('pages.portal.description')}
          points={[t('pages.portal.point1'), t('pages.portal.point2'), t('pages.portal.point3')]}
        />
        <div style={{ textAlign: 'center', marginTop: 16 }}>{newButton}</div>
      </div>
    )

  return (
    <div>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginBottom: 16 }}>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('pages.portal.title')}
        </Typography.Title>
        {newButton}
      </div>
      <Card>
        <Segmented<Show>
          value={show}
          onChange={(v) => {
            setShow(v)
            setCursors([undefined])
          }}
          options={[
            { value: 'open', label: t('portalTickets.open') },
            { value: 'finished', label: t('portalTickets.finished') },
          ]}
          style={{ marginBottom: 12 }}
        />
        <Table<TicketListItem>
          rowKey="id"
          loading={list.isPending}
          dataSource={list.data?.items ?? []}
          pagination={false}
          locale={{
            emptyText: list.isError
              ? errorMessage(t, list.error)
              : t(show === 'open' ? 'portalTickets.noneOpen' : 'portalTickets.noneFinished'),
          }}
          onRow={(r) => ({ onClick: () => void navigate(`/portal/tickets/${r.id}`), style: { cursor: 'pointer' } })}
          columns={[
            {
              title: t('tickets.fields.number'),
              dataIndex: 'number',
              width: 160,
              render: (n: string, r) => (
                <Link to={`/portal/tickets/${r.id}`} data-testid={`portal-ticket-${n}`}>
                  {n}
                </Link>
              ),
            },
            { title: t('tickets.fields.subject'), dataIndex: 'subject', ellipsis: true },
            {
              title: t('tickets.fields.status'),
              dataIndex: 'status',
              width: 130,
              render: (s: TicketListItem['status']) => <StatusTag status={s} />,
            },
            { title: t('tickets.fields.updatedAt'), dataIndex: 'updatedAt', width: 180, render: dateTime },
          ]}
        />
        {(cursors.length > 1 || list.data?.nextCursor) && (
          <div style={{ display: 'flex', justifyContent: 'flex-end', gap: 8, marginTop: 12 }}>
            <Button disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
              {t('tickets.prevPage')}
            </Button>
            <Button disabled={!list.data?.nextCursor} onClick={() => setCursors((c) => [...c, list.data?.nextCursor ?? undefined])}>
              {t('tickets.nextPage')}
            </Button>
          </div>
        )}
      </Card>
    </div>
  )
}
