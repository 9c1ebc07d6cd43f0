// Register a device, or edit one: product, owner, dates, installation place, and an optional
// warranty end that overrides the one computed from the product.
import { CustomerList, Device, ProductList, type CreateDeviceBody, type UpdateDeviceBody } from '@aftercare/contracts'
import { useMutation, useQuery } from '@tanstack/react-query'
import { Alert, App, Button, DatePicker, Drawer, Form, Input, Select, Space } from 'antd'
import type { Dayjs } from 'dayjs'
import dayjs from 'dayjs'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiRequestError, api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { productsKey } from '../customers/customers.api.ts'
import { RegionCascader, type RegionValue } from '../customers/RegionCascader.tsx'

interface Values {
  serialNumber: string
  productId: string
  customerId: string
  purchasedOn?: Dayjs | null
  installedOn?: Dayjs | null
  warrantyEndsOn?: Dayjs | null
  region?: RegionValue
  detail?: string
  notes?: string
}

const fields = ['serialNumber', 'productId', 'customerId', 'purchasedOn', 'installedOn', 'warrantyEndsOn', 'notes'] as const
const day = (d: Dayjs | null | undefined) => (d ? d.format('YYYY-MM-DD') : undefined)

function CustomerPicker({
  value,
  onChange,
  initial,
}: {
  value?: string
  onChange?: (v: string) => void
  initial?: { id: string; name: string }
}) {
  const { t } = useTranslation()
  const [q, setQ] = useState('')
  const found = useQuery({
    queryKey: ['customers', 'pick', q],
    queryFn: () => api('/api/customers', CustomerList, { query: { q: q || undefined, limit: 20 } }),
  })
  const options = (found.data?.items ?? []).map((c) => ({ value: c.id, label: c.code ? `${c.name} (${c.code})` : c.name }))
  if (initial && !options.some((o) => o.value === initial.id)) options.unshift({ value: initial.id, label: initial.name })
  return (
    <Select
      value={value}
      onChange={onChange}
      showSearch={{ filterOption: false, onSearch: setQ }}
      loading={found.isFetching}
      placeholder={t('devices.pickOwner')}
      options={options}
      data-testid="device-owner"
    />
  )
}

export function DeviceDrawer({
  device,
  customerId,
  onClose,
  onSaved,
}: {
  device?: Device
  customerId?: string
  onClose: () => void
  onSaved: (d: Device) => void
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const [form] = Form.useForm<Values>()
  const products = useQuery({
    queryKey: [...productsKey, 'all'],
    queryFn: () => api('/api/products', ProductList, { query: { limit: 200 } }),
  })
  const save = useMutation({
    mutationFn: (v: Values) => {
      const place =
        v.region && v.detail ? { provinceCode: v.region[0], cityCode: v.region[1], districtCode: v.region[2], detail: v.detail } : undefined
      if (!device) {
        const body: Partial<CreateDeviceBody> = {
          serialNumber: v.serialNumber,
          productId: v.productId,
          customerId: v.customerId,
          purchasedOn: day(v.purchasedOn),
          installedOn: day(v.installedOn),
          warrantyEndsOn: day(v.warrantyEndsOn),
          notes: v.notes?.trim() || undefined,
          ...(place ? { installPlace: place } : {}),
        }
        return api('/api/devices', Device, { method: 'POST', body })
      }
      const patch: UpdateDeviceBody = {
        serialNumber: v.serialNumber,
        productId: v.productId,
        customerId: v.customerId,
        purchasedOn: day(v.purchasedOn) ?? null,
        installedOn: day(v.installedOn) ?? null,
        notes: v.notes?.trim() || null,
      }
      // the override is sent only when a person changed it: null returns to the computed end
      const override = day(v.warrantyEndsOn) ?? null
      if (override !== (device.warrantyOverridden ? device.warrantyEndsOn : null)) patch.warrantyEndsOn = override
      if (place) patch.installPlace = place
      else if (!v.region) patch.installPlace = null
      return api(`/api/devices/${device.id}`, Device, { method: 'PATCH', body: patch, ifMatch: `"v${device.version}"` })
    },
    onSuccess: (d) => {
      message.success(t('common.saved'))
      onSaved(d)
      onClose()
    },
    onError: (e) => {
      if (!applyFieldErrors(t, form, e, fields)) message.error(errorMessage(t, e))
    },
  })
  const p = device?.installPlace
  return (
    <Drawer
      open
      size={560}
      title={device ? t('devices.editTitle', { serial: device.serialNumber }) : t('devices.create')}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="device-save">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {save.error instanceof ApiRequestError && save.error.status === 412 && (
        <Alert type="warning" showIcon title={t('errors.precondition_failed')} style={{ marginBottom: 16 }} />
      )}
      <Form<Values>
        form={form}
        name="device"
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={
          device
            ? {
                serialNumber: device.serialNumber,
                productId: device.product.id,
                customerId: device.customer.id,
                purchasedOn: device.purchasedOn ? dayjs(device.purchasedOn) : null,
                installedOn: device.installedOn ? dayjs(device.installedOn) : null,
                warrantyEndsOn: device.warrantyOverridden && device.warrantyEndsOn ? dayjs(device.warrantyEndsOn) : null,
                region: p ? [p.provinceCode, p.cityCode, p.districtCode] : undefined,
                detail: p && !p.detail.includes('*') ? p.detail : undefined,
                notes: device.notes ?? undefined,
              }
            : { customerId }
        }
      >
        <Form.Item
          name="serialNumber"
          label={t('devices.serialNumber')}
          rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100 }]}
        >
          <Input data-testid="device-serial" />
        </Form.Item>
        <Form.Item name="productId" label={t('devices.product')} rules={[{ required: true, message: t('validation.required') }]}>
          <Select
            showSearch={{ optionFilterProp: 'label' }}
            loading={products.isPending}
            options={(products.data?.items ?? []).map((x) => ({ value: x.id, label: `${x.name} · ${x.model}` }))}
            data-testid="device-product"
          />
        </Form.Item>
        <Form.Item name="customerId" label={t('devices.owner')} rules={[{ required: true, message: t('validation.required') }]}>
          <CustomerPicker initial={device ? device.customer : undefined} />
        </Form.Item>
        <Space.Compact block>
          <Form.Item name="purchasedOn" label={t('devices.purchasedOn')} style={{ flex: 1 }}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="installedOn" label={t('devices.installedOn')} style={{ flex: 1 }}>
            <DatePicker style={{ width: '100%' }} />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="warrantyEndsOn" label={t('devices.warrantyOverride')} extra={t('devices.warrantyOverrideHint')}>
          <DatePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="region" label={t('devices.installRegion')}>
          <RegionCascader />
        </Form.Item>
        <Form.Item
          name="detail"
          label={t('addresses.detail')}
          extra={p?.detail.includes('*') ? t('contacts.keepMasked', { value: p.detail }) : undefined}
          dependencies={['region']}
          rules={[
            ({ getFieldValue }) => ({
              required: Boolean(getFieldValue('region')) && !p?.detail.includes('*'),
              message: t('validation.required'),
            }),
          ]}
        >
          <Input placeholder={p?.detail} />
        </Form.Item>
        <Form.Item name="notes" label={t('customers.notes')} rules={[{ max: 2000 }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </Drawer>
  )
}
