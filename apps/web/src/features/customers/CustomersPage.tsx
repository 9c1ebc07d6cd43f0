// Customers: search, filter, page through; create, import and export. Phones and addresses
// are masked here for everyone; the full values are on the customer page for those who may.
import { CustomerKind, CustomerTier, type Customer } from '@aftercare/contracts'
import { Form, Input, Table, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { dateTime } from '../../shared/format.ts'
import { emptyText, FilterSelect, ListActions, ListPage, useListFilters, useListWrites } from '../../shared/ui/ListPage.tsx'
import { CustomerDrawer } from './CustomerDrawer.tsx'
import { customersKey, useCustomerList, type CustomerFilters } from './customers.api.ts'
import { TierTag } from './CustomerTags.tsx'
import { ImportWizard } from './ImportWizard.tsx'

export function CustomersPage() {
  const { t } = useTranslation()
  const me = useCurrentUser()
  const writes = useListWrites(customersKey, '/customers')
  const view = useListFilters<CustomerFilters>()
  const { filters, filter, page, pageSize, pagination } = view
  const list = useCustomerList(filters, page, pageSize)
  const write = can(me, 'customers.write')
  const tiers = CustomerTier.options.map((v) => ({ value: v, label: t(`customers.tiers.${v}`) }))
  const kinds = CustomerKind.options.map((v) => ({ value: v, label: t(`customers.kinds.${v}`) }))

  return (
    <ListPage
      title={t('customers.title')}
      search={{ placeholder: t('customers.searchPlaceholder'), width: 300, testId: 'customers-search', onSearch: (q) => filter({ q }) }}
      filters={
        <>
          <FilterSelect of={view} name="tier" label={t('customers.tier')} width={120} options={tiers} />
          <FilterSelect of={view} name="kind" label={t('customers.kind')} width={120} options={kinds} />
          <Form.Item label={t('customers.tag')}>
            <Input
              allowClear
              style={{ width: 140 }}
              onPressEnter={(e) => filter({ tag: e.currentTarget.value.trim() || undefined })}
              onChange={(e) => !e.target.value && filter({ tag: undefined })}
            />
          </Form.Item>
        </>
      }
      listTitle={t('customers.list')}
      actions={
        <ListActions
          importing={
            write && {
              testId: 'customers-import',
              opens: (close) => (
                <ImportWizard
                  targets={[
                    {
                      kind: 'customers',
                      endpoint: '/api/customers/import?kind=customers',
                      template: '/api/customers/import-template?kind=customers',
                    },
                    {
                      kind: 'contacts',
                      endpoint: '/api/customers/import?kind=contacts',
                      template: '/api/customers/import-template?kind=contacts',
                    },
                  ]}
                  onClose={close}
                  onImported={writes.refresh}
                />
              ),
            }
          }
          exporting={
            can(me, 'customers.pii') && {
              label: t('customers.export.button'),
              links: (['customers', 'contacts'] as const).flatMap((kind) =>
                (['xlsx', 'csv'] as const).map((format) => ({
                  key: `${kind}.${format}`,
                  href: `/api/customers/export?kind=${kind}&format=${format}`,
                  label: t(`customers.export.${kind}`, { format: format.toUpperCase() }),
                })),
              ),
            }
          }
          creating={
            write && {
              label: t('customers.create'),
              testId: 'customer-create',
              opens: (close) => <CustomerDrawer onClose={close} onSaved={writes.openCreated} />,
            }
          }
        />
      }
    >
      <Table<Customer>
        rowKey="id"
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        scroll={{ x: 1450 }}
        locale={{ emptyText: emptyText(t, list, t('customers.none')) }}
        pagination={pagination(list.data?.total ?? 0, (n) => t('customers.total', { count: n }))}
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
    </ListPage>
  )
}
