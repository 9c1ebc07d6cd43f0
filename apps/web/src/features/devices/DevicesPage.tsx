// The device archive: search by serial number, model or owner; filter by warranty state and
// product; register, import, export; print QR labels for the selected devices.
import { DeviceList, ProductList, WarrantyState, type DeviceListQuery } from '@aftercare/contracts'
import { DownloadOutlined, PlusOutlined, PrinterOutlined, UploadOutlined } from '@ant-design/icons'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { Button, Card, Dropdown, Form, Input, Select, Space, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import { api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { devicesKey, productsKey } from '../customers/customers.api.ts'
import { ImportWizard } from '../customers/ImportWizard.tsx'
import { DeviceDrawer } from './DeviceDrawer.tsx'
import { DeviceTable } from './DeviceTable.tsx'

const PAGE_SIZE = 20
type Filters = Partial<Pick<DeviceListQuery, 'q' | 'warrantyState' | 'productId'>>

/** Opens the printable label sheet of these devices in a new tab. */
export function printLabels(ids: string[]) {
  window.open(`/api/devices/qr-labels.pdf?ids=${ids.join(',')}`, '_blank', 'noopener')
}

export function DevicesPage() {
  const { t } = useTranslation()
  const me = useCurrentUser()
  const navigate = useNavigate()
  const client = useQueryClient()
  const [filters, setFilters] = useState<Filters>({})
  const [page, setPage] = useState(1)
  const [selected, setSelected] = useState<string[]>([])
  const [creating, setCreating] = useState(false)
  const [importing, setImporting] = useState(false)
  const write = can(me, 'devices.write')
  const list = useQuery({
    queryKey: [...devicesKey, 'list', filters, page],
    queryFn: () => api('/api/devices', DeviceList, { query: { ...filters, limit: PAGE_SIZE, offset: (page - 1) * PAGE_SIZE } }),
    placeholderData: (previous) => previous,
  })
  const products = useQuery({
    queryKey: [...productsKey, 'all'],
    queryFn: () => api('/api/products', ProductList, { query: { limit: 200 } }),
  })
  const filter = (f: Filters) => {
    setFilters((old) => ({ ...old, ...f }))
    setPage(1)
  }

  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('devices.title')}
      </Typography.Title>
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 8 } }}>
        <Form layout="inline" style={{ rowGap: 8 }}>
          <Form.Item>
            <Input.Search
              allowClear
              placeholder={t('devices.searchPlaceholder')}
              style={{ width: 300 }}
              onSearch={(q) => filter({ q: q.trim() || undefined })}
              data-testid="devices-search"
            />
          </Form.Item>
          <Form.Item label={t('devices.warranty')}>
            <Select
              allowClear
              style={{ width: 130 }}
              placeholder={t('common.all')}
              value={filters.warrantyState}
              onChange={(warrantyState?: WarrantyState) => filter({ warrantyState })}
              options={WarrantyState.options.map((s) => ({ value: s, label: t(`devices.warrantyStates.${s}`) }))}
            />
          </Form.Item>
          <Form.Item label={t('devices.product')}>
            <Select
              allowClear
              style={{ width: 220 }}
              placeholder={t('common.all')}
              value={filters.productId}
              showSearch={{ optionFilterProp: 'label' }}
              onChange={(productId?: string) => filter({ productId })}
              options={(products.data?.items ?? []).map((p) => ({ value: p.id, label: `${p.name} · ${p.model}` }))}
            />
          </Form.Item>
        </Form>
      </Card>
      <Card
        title={t('devices.list')}
        extra={
          <Space>
            <Button
              icon={<PrinterOutlined />}
              disabled={!selected.length}
              onClick={() => printLabels(selected)}
              data-testid="devices-print"
            >
              {t('devices.printLabels', { count: selected.length })}
            </Button>
            {write && (
              <Button icon={<UploadOutlined />} onClick={() => setImporting(true)}>
                {t('importWizard.open')}
              </Button>
            )}
            {can(me, 'customers.pii') && (
              <Dropdown
                menu={{
                  items: (['xlsx', 'csv'] as const).map((format) => ({
                    key: format,
                    label: <a href={`/api/devices/export?format=${format}`}>{t('devices.exportAs', { format: format.toUpperCase() })}</a>,
                  })),
                }}
              >
                <Button icon={<DownloadOutlined />}>{t('customers.export.button')}</Button>
              </Dropdown>
            )}
            {write && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="device-create">
                {t('devices.create')}
              </Button>
            )}
          </Space>
        }
      >
        <DeviceTable
          loading={list.isPending}
          dataSource={list.data?.items ?? []}
          rowSelection={{ selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)), preserveSelectedRowKeys: true }}
          locale={{ emptyText: list.isError ? errorMessage(t, list.error) : t('devices.none') }}
          pagination={{
            current: page,
            pageSize: PAGE_SIZE,
            total: list.data?.total ?? 0,
            onChange: setPage,
            showSizeChanger: false,
            showTotal: (n) => t('devices.total', { count: n }),
          }}
        />
      </Card>
      {creating && (
        <DeviceDrawer
          onClose={() => setCreating(false)}
          onSaved={(d) => {
            void client.invalidateQueries({ queryKey: devicesKey })
            void navigate(`/devices/${d.id}`)
          }}
        />
      )}
      {importing && (
        <ImportWizard
          targets={[{ kind: 'devices', endpoint: '/api/devices/import', template: '/api/devices/import-template' }]}
          onClose={() => setImporting(false)}
          onImported={() => void client.invalidateQueries({ queryKey: devicesKey })}
        />
      )}
    </div>
  )
}
