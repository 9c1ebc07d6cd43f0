// Devices as a table (the devices page and a customer's devices tab): warranty state at a glance.
import type { Device } from '@aftercare/contracts'
import { Table, Tooltip, Typography, type TableProps } from 'antd'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { WarrantyStateTag } from '../customers/CustomerTags.tsx'

export function DeviceTable({ showOwner = true, ...props }: Omit<TableProps<Device>, 'columns' | 'rowKey'> & { showOwner?: boolean }) {
  const { t } = useTranslation()
  return (
    <Table<Device>
      rowKey="id"
      scroll={{ x: 1000 }}
      {...props}
      columns={[
        {
          title: t('devices.serialNumber'),
          dataIndex: 'serialNumber',
          width: 200,
          render: (sn: string, d) => (
            <Link to={`/devices/${d.id}`} data-testid={`device-row-${sn}`}>
              {sn}
            </Link>
          ),
        },
        {
          title: t('devices.product'),
          key: 'product',
          width: 220,
          render: (_: unknown, d) => (
            <span>
              {d.product.name} <Typography.Text type="secondary">{d.product.model}</Typography.Text>
            </span>
          ),
        },
        ...(showOwner
          ? [
              {
                title: t('devices.owner'),
                key: 'owner',
                width: 200,
                render: (_: unknown, d: Device) => <Link to={`/customers/${d.customer.id}`}>{d.customer.name}</Link>,
              },
            ]
          : []),
        {
          title: t('devices.warranty'),
          key: 'warranty',
          width: 130,
          render: (_: unknown, d) =>
            d.activeContract ? (
              <Tooltip title={t('devices.contractUntil', { name: d.activeContract.name, date: d.activeContract.endsOn })}>
                <span>
                  <WarrantyStateTag state={d.warrantyState} />
                </span>
              </Tooltip>
            ) : (
              <WarrantyStateTag state={d.warrantyState} />
            ),
        },
        { title: t('devices.warrantyEndsOn'), dataIndex: 'warrantyEndsOn', width: 120, render: (v: string | null) => v ?? '—' },
        { title: t('devices.installedOn'), dataIndex: 'installedOn', width: 120, render: (v: string | null) => v ?? '—' },
        {
          title: t('devices.installPlace'),
          dataIndex: 'installPlace',
          ellipsis: true,
          render: (p: Device['installPlace']) =>
            p ? `${p.provinceName}${p.cityName === p.provinceName ? '' : p.cityName}${p.districtName}${p.detail}` : '—',
        },
      ]}
    />
  )
}
