// A customer's addresses: region from the cascader (province / city / district), street,
// coordinates; one is the default.
import { Address, Ok, type CreateAddressBody, type UpdateAddressBody } from '@aftercare/contracts'
import { PlusOutlined, StarFilled } from '@ant-design/icons'
import { useMutation } from '@tanstack/react-query'
import { App, Button, Checkbox, Form, Input, InputNumber, Modal, Popconfirm, Space, Table, Tooltip } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { RegionCascader, type RegionValue } from './RegionCascader.tsx'

interface Values {
  label?: string
  region: RegionValue
  detail: string
  postalCode?: string
  latitude?: number | null
  longitude?: number | null
  isDefault: boolean
}

const masked = (a: Address) => a.detail.includes('*')

function AddressModal({
  customerId,
  address,
  onClose,
  onSaved,
}: {
  customerId: string
  address: Address | null
  onClose: () => void
  onSaved: () => void
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const [form] = Form.useForm<Values>()
  const save = useMutation({
    mutationFn: (v: Values) => {
      const [provinceCode, cityCode, districtCode] = v.region
      const coords = v.latitude != null && v.longitude != null ? { latitude: v.latitude, longitude: v.longitude } : {}
      if (!address) {
        const body: CreateAddressBody = {
          provinceCode,
          cityCode,
          districtCode,
          detail: v.detail,
          isDefault: v.isDefault,
          ...(v.label ? { label: v.label } : {}),
          ...(v.postalCode ? { postalCode: v.postalCode } : {}),
          ...coords,
        }
        return api(`/api/customers/${customerId}/addresses`, Address, { method: 'POST', body })
      }
      const patch: UpdateAddressBody = { provinceCode, cityCode, districtCode, label: v.label || null, postalCode: v.postalCode || null }
      // a masked street left empty keeps the stored one; so do hidden coordinates
      if (v.detail?.trim()) patch.detail = v.detail
      if (v.latitude != null && v.longitude != null) Object.assign(patch, coords)
      else if (!masked(address)) Object.assign(patch, { latitude: null, longitude: null })
      if (v.isDefault && !address.isDefault) patch.isDefault = true
      return api(`/api/customers/${customerId}/addresses/${address.id}`, Address, {
        method: 'PATCH',
        body: patch,
        ifMatch: `"v${address.version}"`,
      })
    },
    onSuccess: () => {
      message.success(t('common.saved'))
      onSaved()
      onClose()
    },
    onError: (e) => {
      if (!applyFieldErrors(t, form, e, ['label', 'detail', 'postalCode', 'latitude', 'longitude'])) message.error(errorMessage(t, e))
    },
  })
  return (
    <Modal
      open
      title={address ? t('addresses.edit') : t('addresses.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        name="address"
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={
          address
            ? {
                label: address.label ?? undefined,
                region: [address.provinceCode, address.cityCode, address.districtCode],
                detail: masked(address) ? undefined : address.detail,
                postalCode: address.postalCode ?? undefined,
                latitude: address.latitude,
                longitude: address.longitude,
                isDefault: address.isDefault,
              }
            : { isDefault: false }
        }
      >
        <Form.Item name="label" label={t('addresses.label')} rules={[{ max: 50 }]}>
          <Input placeholder={t('addresses.labelPlaceholder')} />
        </Form.Item>
        <Form.Item name="region" label={t('addresses.region')} rules={[{ required: true, message: t('validation.required') }]}>
          <RegionCascader />
        </Form.Item>
        <Form.Item
          name="detail"
          label={t('addresses.detail')}
          extra={address && masked(address) ? t('contacts.keepMasked', { value: address.detail }) : undefined}
          rules={[{ required: !address || !masked(address), whitespace: true, message: t('validation.required') }, { max: 200 }]}
        >
          <Input placeholder={address?.detail} data-testid="address-detail" />
        </Form.Item>
        <Space.Compact block>
          <Form.Item name="longitude" label={t('addresses.longitude')} style={{ flex: 1 }}>
            <InputNumber min={-180} max={180} step={0.000001} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="latitude" label={t('addresses.latitude')} style={{ flex: 1 }}>
            <InputNumber min={-90} max={90} step={0.000001} style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item
            name="postalCode"
            label={t('addresses.postalCode')}
            style={{ flex: 1 }}
            rules={[{ pattern: /^\d{6}$/, message: t('addresses.postalCodeRule') }]}
          >
            <Input />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="isDefault" valuePropName="checked">
          <Checkbox disabled={address?.isDefault}>{t('addresses.makeDefault')}</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  )
}

export function AddressesTab({
  customerId,
  addresses,
  editable,
  onChanged,
}: {
  customerId: string
  addresses: Address[]
  editable: boolean
  onChanged: () => void
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const [editing, setEditing] = useState<Address | null | undefined>(undefined)
  const remove = useMutation({
    mutationFn: (a: Address) => api(`/api/customers/${customerId}/addresses/${a.id}`, Ok, { method: 'DELETE', ifMatch: `"v${a.version}"` }),
    onSuccess: onChanged,
    onError: (e) => message.error(errorMessage(t, e)),
  })
  return (
    <>
      {editable && (
        <Button icon={<PlusOutlined />} style={{ marginBottom: 12 }} onClick={() => setEditing(null)} data-testid="address-add">
          {t('addresses.add')}
        </Button>
      )}
      <Table<Address>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={addresses}
        locale={{ emptyText: t('addresses.none') }}
        columns={[
          {
            title: t('addresses.label'),
            dataIndex: 'label',
            width: 120,
            render: (l: string | null, a) => (
              <Space size={4}>
                {l ?? '—'}
                {a.isDefault && (
                  <Tooltip title={t('addresses.default')}>
                    <StarFilled style={{ color: '#faad14' }} />
                  </Tooltip>
                )}
              </Space>
            ),
          },
          {
            title: t('addresses.region'),
            key: 'region',
            render: (_: unknown, a) =>
              [a.provinceName, a.cityName === a.provinceName ? '' : a.cityName, a.districtName].filter(Boolean).join(' / '),
          },
          { title: t('addresses.detail'), dataIndex: 'detail' },
          {
            title: t('addresses.coordinates'),
            key: 'coords',
            width: 180,
            render: (_: unknown, a) =>
              a.latitude != null && a.longitude != null ? `${a.longitude.toFixed(5)}, ${a.latitude.toFixed(5)}` : '—',
          },
          ...(editable
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 140,
                  render: (_: unknown, a: Address) => (
                    <Space size={0}>
                      <Button type="link" size="small" onClick={() => setEditing(a)}>
                        {t('common.edit')}
                      </Button>
                      <Popconfirm
                        title={t('addresses.deleteConfirm')}
                        onConfirm={() => remove.mutate(a)}
                        okText={t('common.confirm')}
                        cancelText={t('common.cancel')}
                      >
                        <Button type="link" size="small" danger>
                          {t('common.delete')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      {editing !== undefined && (
        <AddressModal customerId={customerId} address={editing} onClose={() => setEditing(undefined)} onSaved={onChanged} />
      )}
    </>
  )
}
