// Pickers for what a ticket points at: a customer (searched as you type) and one of its devices.
import { CustomerList, DeviceList, type Customer, type Device } from '@aftercare/contracts'
import { useQuery } from '@tanstack/react-query'
import { Select, Space, Tag, Typography } from 'antd'
import { useEffect, useState, type CSSProperties } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { WarrantyTag } from './WarrantyTag.tsx'

export const customersPath = '/api/customers'
export const devicesPath = '/api/devices'

/** The value once it stopped changing for `ms` (search as you type without a request per key). */
export function useDebounced<T>(value: T, ms = 300): T {
  const [v, setV] = useState(value)
  useEffect(() => {
    const timer = setTimeout(() => setV(value), ms)
    return () => clearTimeout(timer)
  }, [value, ms])
  return v
}

/** Customers by name: the first 200 by name, to label list rows without one request per row. */
export function useCustomerNames(enabled = true) {
  const list = useQuery({
    queryKey: ['customers', 'names'],
    queryFn: () => api(customersPath, CustomerList, { query: { limit: 200, sort: 'name' } }),
    enabled,
    staleTime: 5 * 60_000,
  })
  const byId = new Map((list.data?.items ?? []).map((c) => [c.id, c]))
  return (id: string | null | undefined): Customer | undefined => (id ? byId.get(id) : undefined)
}

export function CustomerSelect({
  value,
  onChange,
  placeholder,
  style,
  allowClear = true,
  testId,
}: {
  value?: string
  onChange?: (id: string | undefined, customer?: Customer) => void
  placeholder?: string
  style?: CSSProperties
  allowClear?: boolean
  testId?: string
}) {
  const { t } = useTranslation()
  const [q, setQ] = useState('')
  const query = useDebounced(q)
  const found = useQuery({
    queryKey: ['customers', 'pick', query],
    queryFn: () => api(customersPath, CustomerList, { query: { q: query || undefined, limit: 20 } }),
  })
  const options = (found.data?.items ?? []).map((c) => ({
    value: c.id,
    label: c.name,
    customer: c,
  }))
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear={allowClear}
      value={value}
      placeholder={placeholder ?? t('tickets.pickCustomer')}
      style={style}
      loading={found.isFetching}
      notFoundContent={found.isFetching ? undefined : t('tickets.noCustomerFound')}
      onChange={(id: string | undefined, opt) => onChange?.(id, Array.isArray(opt) ? undefined : opt?.customer)}
      options={options}
      optionRender={(o) => (
        <Space>
          <span>{o.data.label}</span>
          <Tag>{t(`tickets.customerTier.${o.data.customer.tier}`)}</Tag>
          {o.data.customer.code && <Typography.Text type="secondary">{o.data.customer.code}</Typography.Text>}
        </Space>
      )}
      data-testid={testId}
    />
  )
}

export function useCustomerDevices(customerId: string | undefined) {
  return useQuery({
    queryKey: ['devices', 'of-customer', customerId],
    queryFn: () => api(devicesPath, DeviceList, { query: { customerId, limit: 200 } }),
    enabled: !!customerId,
  })
}

export function DeviceSelect({
  customerId,
  value,
  onChange,
  testId,
}: {
  customerId: string | undefined
  value?: string | null
  onChange?: (id: string | undefined, device?: Device) => void
  testId?: string
}) {
  const { t } = useTranslation()
  const devices = useCustomerDevices(customerId)
  return (
    <Select
      allowClear
      showSearch={{ optionFilterProp: 'label' }}
      disabled={!customerId}
      value={value ?? undefined}
      loading={devices.isFetching}
      placeholder={customerId ? t('tickets.pickDevice') : t('tickets.pickCustomerFirst')}
      notFoundContent={t('tickets.noDevices')}
      onChange={(id: string | undefined) =>
        onChange?.(
          id,
          devices.data?.items.find((d) => d.id === id),
        )
      }
      options={(devices.data?.items ?? []).map((d) => ({ value: d.id, label: `${d.serialNumber} · ${d.product.name}`, device: d }))}
      optionRender={(o) => (
        <Space>
          <span>{o.data.label}</span>
          <WarrantyTag state={o.data.device.warrantyState} />
        </Space>
      )}
      data-testid={testId}
    />
  )
}
