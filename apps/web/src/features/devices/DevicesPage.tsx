// The device archive: search by serial number, model or owner; filter by warranty state and
// product; register, import, export; print QR labels for the selected devices.
import { DeviceList, ProductList, WarrantyState, type DeviceListQuery } from '@aftercare/contracts'
import { PrinterOutlined } from '@ant-design/icons'
import { useQuery } from '@tanstack/react-query'
import { Button } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { emptyText, FilterSelect, ListActions, ListPage, useListFilters, useListWrites } from '../../shared/ui/ListPage.tsx'
import { devicesKey, productsKey } from '../customers/customers.api.ts'
import { ImportWizard } from '../customers/ImportWizard.tsx'
import { DeviceDrawer } from './DeviceDrawer.tsx'
import { DeviceTable } from './DeviceTable.tsx'

type Filters = Partial<Pick<DeviceListQuery, 'q' | 'warrantyState' | 'productId'>>

/** Opens the printable label sheet of these devices in a new tab. */
export function printLabels(ids: string[]) {
  window.open(`/api/devices/qr-labels.pdf?ids=${ids.join(',')}`, '_blank', 'noopener')
}

export function DevicesPage() {
  const { t } = useTranslation()
  const me = useCurrentUser()
  const writes = useListWrites(devicesKey, '/devices')
  const view = useListFilters<Filters>()
  const { filters, filter, page, range, pagination } = view
  const [selected, setSelected] = useState<string[]>([])
  const write = can(me, 'devices.write')
  const list = useQuery({
    queryKey: [...devicesKey, 'list', filters, page],
    queryFn: () => api('/api/devices', DeviceList, { query: { ...filters, ...range } }),
    placeholderData: (previous) => previous,
  })
  const products = useQuery({
    queryKey: [...productsKey, 'all'],
    queryFn: () => api('/api/products', ProductList, { query: { limit: 200 } }),
  })
  const warrantyStates = WarrantyState.options.map((s) => ({ value: s, label: t(`devices.warrantyStates.${s}`) }))
  const productOptions = (products.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.name} · ${p.model}` }))

  return (
    <ListPage
      title={t('devices.title')}
      search={{ placeholder: t('devices.searchPlaceholder'), width: 300, testId: 'devices-search', onSearch: (q) => filter({ q }) }}
      filters={
        <>
          <FilterSelect of={view} name="warrantyState" label={t('devices.warranty')} width={130} options={warrantyStates} />
          <FilterSelect of={view} name="productId" label={t('devices.product')} width={220} options={productOptions} searchable />
        </>
      }
      listTitle={t('devices.list')}
      actions={
        <ListActions
          importing={
            write && {
              opens: (close) => (
                <ImportWizard
                  targets={[{ kind: 'devices', endpoint: '/api/devices/import', template: '/api/devices/import-template' }]}
                  onClose={close}
                  onImported={writes.refresh}
                />
              ),
            }
          }
          exporting={
            can(me, 'customers.pii') && {
              label: t('customers.export.button'),
              links: (['xlsx', 'csv'] as const).map((format) => ({
                key: format,
                href: `/api/devices/export?format=${format}`,
                label: t('devices.exportAs', { format: format.toUpperCase() }),
              })),
            }
          }
          creating={
            write && {
              label: t('devices.create'),
              testId: 'device-create',
              opens: (close) => <DeviceDrawer onClose={close} onSaved={writes.openCreated} />,
            }
          }
        >
          <Button icon={<PrinterOutlined />} disabled={!selected.length} onClick={() => printLabels(selected)} data-testid="devices-print">
            {t('devices.printLabels', { count: selected.length })}
          </Button>
        </ListActions>
      }
    >
      <DeviceTable
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)), preserveSelectedRowKeys: true }}
        locale={{ emptyText: emptyText(t, list, t('devices.none')) }}
        pagination={pagination(list.data?.total ?? 0, (n) => t('devices.total', { count: n }))}
      />
    </ListPage>
  )
}
