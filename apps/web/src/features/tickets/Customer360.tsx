// The customer beside the ticket: who they are (tier, account manager, contacts), their devices with
// warranty state, and their other tickets, open and past.
import { CustomerDetail, openTicketStatuses, type Ticket } from '@aftercare/contracts'
import { useQuery } from '@tanstack/react-query'
import { Alert, Card, Empty, List, Skeleton, Space, Tabs, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { date } from '../../shared/format.ts'
import { customersPath, useCustomerDevices } from './pickers.tsx'
import { PriorityTag, StatusTag } from './TicketTags.tsx'
import { fetchTickets } from './tickets.api.ts'
import { WarrantyTag } from './WarrantyTag.tsx'

const closedStatuses = ['resolved', 'closed', 'cancelled'] as const

function OtherTickets({ customerId, exceptId, open }: { customerId: string; exceptId: string; open: boolean }) {
  const { t } = useTranslation()
  const status = open ? [...openTicketStatuses] : [...closedStatuses]
  const list = useQuery({
    queryKey: ['tickets', 'list', { customerId, status, limit: 10, of: 'customer360' }],
    queryFn: () => fetchTickets({ customerId, status, limit: 10, sort: 'updatedAt', order: 'desc' }),
  })
  const rows = (list.data?.items ?? []).filter((r) => r.id !== exceptId)
  return (
    <List
      size="small"
      loading={list.isPending}
      dataSource={rows}
      locale={{ emptyText: open ? t('customer360.noOpenTickets') : t('customer360.noPastTickets') }}
      renderItem={(r) => (
        <List.Item>
          <Space orientation="vertical" size={0} style={{ width: '100%' }}>
            <Space size={4}>
              <Link to={`/tickets/${r.id}`}>{r.number}</Link>
              <StatusTag status={r.status} />
              <PriorityTag priority={r.priority} />
            </Space>
            <Typography.Text ellipsis style={{ maxWidth: 300 }}>
              {r.subject}
            </Typography.Text>
          </Space>
        </List.Item>
      )}
    />
  )
}

export function Customer360({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation()
  const me = useCurrentUser()
  const mayRead = can(me, 'customers.read')
  const customer = useQuery({
    queryKey: ['customers', ticket.customerId, 'detail'],
    queryFn: () => api(`${customersPath}/${ticket.customerId}`, CustomerDetail),
    enabled: mayRead,
  })
  const devices = useCustomerDevices(can(me, 'devices.read') ? ticket.customerId : undefined)
  if (!mayRead) return null
  const c = customer.data
  return (
    <Card size="small" title={t('customer360.title')} data-testid="customer-360">
      {customer.isPending ? (
        <Skeleton active />
      ) : customer.isError ? (
        <Alert type="error" showIcon title={errorMessage(t, customer.error)} />
      ) : c ? (
        <>
          <Space wrap style={{ marginBottom: 8 }}>
            <Typography.Text strong style={{ fontSize: 15 }}>
              {c.name}
            </Typography.Text>
            <Tag color={c.tier === 'strategic' ? 'magenta' : c.tier === 'gold' ? 'gold' : c.tier === 'silver' ? 'cyan' : 'default'}>
              {t(`tickets.customerTier.${c.tier}`)}
            </Tag>
            {c.code && <Typography.Text type="secondary">{c.code}</Typography.Text>}
          </Space>
          <div>
            <Typography.Text type="secondary">{t('customer360.accountManager')}：</Typography.Text>
            {c.accountManagerName ?? '—'}
          </div>
          <Tabs
            size="small"
            items={[
              {
                key: 'contacts',
                label: t('customer360.contacts', { count: c.contacts.length }),
                children: (
                  <List
                    size="small"
                    dataSource={c.contacts}
                    locale={{ emptyText: t('customer360.noContacts') }}
                    renderItem={(ct) => (
                      <List.Item>
                        <Space orientation="vertical" size={0}>
                          <Space size={4}>
                            <Typography.Text>{ct.name}</Typography.Text>
                            {ct.title && <Typography.Text type="secondary">{ct.title}</Typography.Text>}
                            {ct.isPrimary && <Tag color="blue">{t('customer360.primary')}</Tag>}
                          </Space>
                          <Typography.Text type="secondary">
                            {[ct.mobile, ct.email, ct.wechatId && `WeChat ${ct.wechatId}`].filter(Boolean).join(' · ')}
                          </Typography.Text>
                        </Space>
                      </List.Item>
                    )}
                  />
                ),
              },
              {
                key: 'devices',
                label: t('customer360.devices', { count: devices.data?.total ?? 0 }),
                children: (
                  <List
                    size="small"
                    loading={devices.isFetching}
                    dataSource={devices.data?.items ?? []}
                    locale={{ emptyText: t('customer360.noDevices') }}
                    renderItem={(d) => (
                      <List.Item style={d.id === ticket.deviceId ? { background: '#e6f4ff' } : undefined}>
                        <Space orientation="vertical" size={0}>
                          <Space size={4} wrap>
                            <Typography.Text>{d.product.name}</Typography.Text>
                            <Typography.Text type="secondary">{d.serialNumber}</Typography.Text>
                          </Space>
                          <Space size={4} wrap>
                            <WarrantyTag state={d.warrantyState} />
                            {d.warrantyEndsOn && (
                              <Typography.Text type="secondary">
                                {t('customer360.warrantyEnds', { date: date(d.warrantyEndsOn) })}
                              </Typography.Text>
                            )}
                          </Space>
                        </Space>
                      </List.Item>
                    )}
                  />
                ),
              },
              {
                key: 'open',
                label: t('customer360.openTickets'),
                children: <OtherTickets customerId={ticket.customerId} exceptId={ticket.id} open />,
              },
              {
                key: 'past',
                label: t('customer360.pastTickets'),
                children: <OtherTickets customerId={ticket.customerId} exceptId={ticket.id} open={false} />,
              },
            ]}
          />
        </>
      ) : (
        <Empty />
      )}
    </Card>
  )
}
