// One customer: tier, account manager, tags; contacts, addresses, devices and contracts.
// Phones, emails and streets show masked; "show in full" (customers.pii) is an audited reveal.
import { CustomerDetail, DeviceList, Ok } from '@aftercare/contracts'
import { ArrowLeftOutlined, EyeOutlined, PlusOutlined, PrinterOutlined } from '@ant-design/icons'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Card, Descriptions, Popconfirm, Result, Skeleton, Space, Tabs, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams } from 'react-router'
import { api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { dateTime } from '../../shared/format.ts'
import { DeviceDrawer } from '../devices/DeviceDrawer.tsx'
import { DeviceTable } from '../devices/DeviceTable.tsx'
import { AddressesTab } from './AddressesTab.tsx'
import { ContactsTab } from './ContactsTab.tsx'
import { CustomerCreditTab } from '../sla/CustomerCreditTab.tsx'
import { ContractsTab } from './ContractsTab.tsx'
import { CustomerDrawer } from './CustomerDrawer.tsx'
import { customersKey, devicesKey, useCustomer } from './customers.api.ts'
import { TierTag } from './CustomerTags.tsx'

function CustomerDevices({ customerId, editable }: { customerId: string; editable: boolean }) {
  const { t } = useTranslation()
  const client = useQueryClient()
  const [creating, setCreating] = useState(false)
  const list = useQuery({
    queryKey: [...devicesKey, 'of', customerId],
    queryFn: () => api('/api/devices', DeviceList, { query: { customerId, limit: 200 } }),
  })
  return (
    <>
      <Space style={{ marginBottom: 12 }}>
        {editable && (
          <Button icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('devices.create')}
          </Button>
        )}
        <Button
          icon={<PrinterOutlined />}
          disabled={!list.data?.total}
          href={`/api/devices/qr-labels.pdf?customerId=${customerId}`}
          target="_blank"
        >
          {t('devices.printAllLabels')}
        </Button>
      </Space>
      <DeviceTable
        showOwner={false}
        size="small"
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: list.isError ? errorMessage(t, list.error) : t('devices.none') }}
      />
      {creating && (
        <DeviceDrawer
          customerId={customerId}
          onClose={() => setCreating(false)}
          onSaved={() => void client.invalidateQueries({ queryKey: devicesKey })}
        />
      )}
    </>
  )
}

export function CustomerDetailPage() {
  const { t } = useTranslation()
  const { id = '' } = useParams()
  const me = useCurrentUser()
  const navigate = useNavigate()
  const client = useQueryClient()
  const { message, modal } = App.useApp()
  const [editing, setEditing] = useState(false)
  const [revealed, setRevealed] = useState<CustomerDetail | null>(null)
  const customer = useCustomer(id)
  const write = can(me, 'customers.write')
  const reveal = useMutation({
    mutationFn: () => api(`/api/customers/${id}/reveal`, CustomerDetail, { method: 'POST' }),
    onSuccess: setRevealed,
    onError: (e) => message.error(errorMessage(t, e)),
  })
  const remove = useMutation({
    mutationFn: (version: number) => api(`/api/customers/${id}`, Ok, { method: 'DELETE', ifMatch: `"v${version}"` }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: customersKey })
      void navigate('/customers')
    },
    onError: (e) => message.error(errorMessage(t, e)),
  })
  const refresh = async () => {
    await client.invalidateQueries({ queryKey: customersKey })
    // a revealed view would be stale: reveal again to see the new values in full
    if (revealed) reveal.mutate()
  }

  if (customer.isPending) return <Skeleton active />
  if (customer.isError)
    return (
      <Result status="warning" title={errorMessage(t, customer.error)} extra={<Link to="/customers">{t('customers.backToList')}</Link>} />
    )
  const c = revealed ?? customer.data

  return (
    <div>
      <Space style={{ marginBottom: 12 }} wrap>
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => void navigate(-1)} />
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="customer-title">
          {c.name}
        </Typography.Title>
        <TierTag tier={c.tier} />
        {c.code && <Tag>{c.code}</Tag>}
      </Space>
      <Card
        style={{ marginBottom: 16 }}
        extra={
          <Space>
            {can(me, 'customers.pii') && !c.revealed && (
              <Button
                icon={<EyeOutlined />}
                loading={reveal.isPending}
                data-testid="customer-reveal"
                onClick={() =>
                  modal.confirm({
                    title: t('customers.revealConfirm'),
                    content: t('customers.revealHint'),
                    okText: t('common.confirm'),
                    cancelText: t('common.cancel'),
                    onOk: () => reveal.mutateAsync(),
                  })
                }
              >
                {t('customers.reveal')}
              </Button>
            )}
            {write && (
              <>
                <Button onClick={() => setEditing(true)} data-testid="customer-edit">
                  {t('common.edit')}
                </Button>
                <Popconfirm
                  title={t('customers.deleteConfirm', { name: c.name })}
                  onConfirm={() => remove.mutate(c.version)}
                  okText={t('common.confirm')}
                  cancelText={t('common.cancel')}
                >
                  <Button danger>{t('common.delete')}</Button>
                </Popconfirm>
              </>
            )}
          </Space>
        }
        title={t('customers.profile')}
      >
        {c.revealed && <Alert type="info" showIcon title={t('customers.revealedNotice')} style={{ marginBottom: 12 }} />}
        <Descriptions column={{ xs: 1, md: 3 }} size="small">
          <Descriptions.Item label={t('customers.kind')}>{t(`customers.kinds.${c.kind}`)}</Descriptions.Item>
          <Descriptions.Item label={t('customers.accountManager')}>{c.accountManagerName ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('customers.tags')}>
            {c.tags.length ? c.tags.map((x) => <Tag key={x}>{x}</Tag>) : '—'}
          </Descriptions.Item>
          <Descriptions.Item label={t('customers.createdAt')}>{dateTime(c.createdAt)}</Descriptions.Item>
          <Descriptions.Item label={t('customers.updatedAt')}>{dateTime(c.updatedAt)}</Descriptions.Item>
          <Descriptions.Item label={t('customers.notes')}>{c.notes ?? '—'}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card>
        <Tabs
          items={[
            {
              key: 'contacts',
              label: t('customers.tabs.contacts', { count: c.contacts.length }),
              children: <ContactsTab customerId={c.id} contacts={c.contacts} editable={write} onChanged={() => void refresh()} />,
            },
            {
              key: 'addresses',
              label: t('customers.tabs.addresses', { count: c.addresses.length }),
              children: <AddressesTab customerId={c.id} addresses={c.addresses} editable={write} onChanged={() => void refresh()} />,
            },
            ...(can(me, 'devices.read')
              ? [
                  {
                    key: 'devices',
                    label: t('customers.tabs.devices'),
                    children: <CustomerDevices customerId={c.id} editable={can(me, 'devices.write')} />,
                  },
                ]
              : []),
            { key: 'contracts', label: t('customers.tabs.contracts'), children: <ContractsTab customerId={c.id} editable={write} /> },
            { key: 'sla-credit', label: t('sla.credit.tab'), children: <CustomerCreditTab customerId={c.id} /> },
          ]}
        />
      </Card>
      {editing && <CustomerDrawer customer={c} onClose={() => setEditing(false)} onSaved={() => void refresh()} />}
    </div>
  )
}
