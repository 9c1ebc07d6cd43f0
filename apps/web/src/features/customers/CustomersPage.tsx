// Customers: search, filter, page through; create, import and export. Phones and addresses
// are masked here for everyone; the full values are on the customer page for those who may.
import { CustomerKind, CustomerTier, type Customer } from '@aftercare/contracts'
import { DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons'
import { useQueryClient } from '@tanstack/react-query'
import { Button, Card, Dropdown, Form, Input, Select, Space, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router'
import { errorMessage } from '../../shared/api/errors.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { dateTime } from '../../shared/format.ts'
import { CustomerDrawer } from './CustomerDrawer.tsx'
import { customersKey, useCustomerList, type CustomerFilters } from './customers.api.ts'
import { TierTag } from './CustomerTags.tsx'
import { ImportWizard } from './ImportWizard.tsx'

const PAGE_SIZE = 20

export function CustomersPage() {
  const { t } = useTranslation()
  const me = useCurrentUser()
  const navigate = useNavigate()
  const client = useQueryClient()
  const [filters, setFilters] = useState<CustomerFilters>({})
  const [page, setPage] = useState(1)
  const [creating, setCreating] = useState(false)
  const [importing, setImporting] = useState(false)
  const list = useCustomerList(filters, page, PAGE_SIZE)
  const write = can(me, 'customers.write')
  const filter = (f: CustomerFilters) => {
    setFilters((old) => ({ ...old, ...f }))
    setPage(1)
  }

  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('customers.title')}
      </Typography.Title>
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 8 } }}>
        <Form layout="inline" style={{ rowGap: 8 }}>
          <Form.Item>
            <Input.Search
              allowClear
              placeholder={t('customers.searchPlaceholder')}
              style={{ width: 300 }}
              onSearch={(q) => filter({ q: q.trim() || undefined })}
              data-testid="customers-search"
            />
          </Form.Item>
          <Form.Item label={t('customers.tier')}>
            <Select
              allowClear
              style={{ width: 120 }}
              placeholder={t('common.all')}
              value={filters.tier}
              onChange={(tier?: CustomerTier) => filter({ tier })}
              options={CustomerTier.options.map((v) => ({ value: v, label: t(`customers.tiers.${v}`) }))}
            />
          </Form.Item>
          <Form.Item label={t('customers.kind')}>
            <Select
              allowClear
              style={{ width: 120 }}
              placeholder={t('common.all')}
              value={filters.kind}
              onChange={(kind?: CustomerKind) => filter({ kind })}
              options={CustomerKind.options.map((v) => ({ value: v, label: t(`customers.kinds.${v}`) }))}
            />
          </Form.Item>
          <Form.Item label={t('customers.tag')}>
            <Input
              allowClear
              style={{ width: 140 }}
              onPressEnter={(e) => filter({ tag: e.currentTarget.value.trim() || undefined })}
              onChange={(e) => !e.target.value && filter({ tag: undefined })}
            />
          </Form.Item>
        </Form>
      </Card>
      <Card
        title={t('customers.list')}
        extra={
          <Space>
            {write && (
              <Button icon={<UploadOutlined />} onClick={() => setImporting(true)} data-testid="customers-import">
                {t('importWizard.open')}
              </Button>
            )}
            {can(me, 'customers.pii') && (
              <Dropdown
                menu={{
                  items: (['customers', 'contacts'] as const).flatMap((kind) =>
                    (['xlsx', 'csv'] as const).map((format) => ({
                      key: `${kind}.${format}`,
                      label: (
                        <a href={`/api/customers/export?kind=${kind}&format=${format}`}>
                          {t(`customers.export.${kind}`, { format: format.toUpperCase() })}
                        </a>
                      ),
                    })),
                  ),
                }}
              >
                <Button icon={<DownloadOutlined />}>{t('customers.export.button')}</Button>
              </Dropdown>
            )}
            {write && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="customer-create">
                {t('customers.create')}
              </Button>
            )}
          </Space>
        }
      >
        <Table<Customer>
          rowKey="id"
          loading={list.isPending}
          dataSource={list.data?.items ?? []}
          scroll={{ x: 1450 }}
          locale={{ emptyText: list.isError ? errorMessage(t, list.error) : t('customers.none') }}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: list.data?.total ?? 0,
            onChange: setPage,
            showSizeChanger: false,
            showTotal: (n) => t('customers.total', { count: n }),
          }}
          columns={[
            { title: t('customers.code'), dataIndex: 'code', width: 110, render: (c: string | null) => c ?? '—' },
            {
              title: t('customers.name'),
              dataIndex: 'name',
              width: 240,
              render: (name: string, c) => (
                <Link to={`/customers/${c.id}`} data-testid={`customer-row-${c.code ?? c.name}`}>
                  {name}
                </Link>
              ),
            },
            { title: t('customers.kind'), dataIndex: 'kind', width: 80, render: (k: Customer['kind']) => t(`customers.kinds.${k}`) },
            { title: t('customers.tier'), dataIndex: 'tier', width: 90, render: (tier: Customer['tier']) => <TierTag tier={tier} /> },
            {
              title: t('customers.primaryContact'),
              key: 'contact',
              width: 180,
              render: (_: unknown, c) => (c.primaryContact ? `${c.primaryContact.name} ${c.primaryContact.mobile ?? ''}` : '—'),
            },
            {
              title: t('customers.address'),
              dataIndex: 'defaultAddress',
              width: 280,
              ellipsis: true,
              render: (a: string | null) => a ?? '—',
            },
            {
              title: t('customers.tags'),
              dataIndex: 'tags',
              width: 180,
              render: (tags: string[]) => tags.map((x) => <Tag key={x}>{x}</Tag>),
            },
            { title: t('customers.updatedAt'), dataIndex: 'updatedAt', width: 170, render: (v: string) => dateTime(v) },
          ]}
        />
      </Card>
      {creating && (
        <CustomerDrawer
          onClose={() => setCreating(false)}
          onSaved={(c) => {
            void client.invalidateQueries({ queryKey: customersKey })
            void navigate(`/customers/${c.id}`)
          }}
        />
      )}
      {importing && (
        <ImportWizard
          targets={[
            {
              kind: 'customers',
              endpoint: '/api/customers/import?kind=customers',
              template: '/api/customers/import-template?kind=customers',
            },
            { kind: 'contacts', endpoint: '/api/customers/import?kind=contacts', template: '/api/customers/import-template?kind=contacts' },
          ]}
          onClose={() => setImporting(false)}
          onImported={() => void client.invalidateQueries({ queryKey: customersKey })}
        />
      )}
    </div>
  )
}
