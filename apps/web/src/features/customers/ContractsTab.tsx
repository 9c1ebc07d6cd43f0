// A customer's service contracts: period, SLA tier, covered services, included visits and the
// devices they cover. A covered device shows "under contract" while the contract runs.
import {
  ContractList,
  CoveredService,
  CustomerTier,
  DeviceList,
  Ok,
  ServiceContract,
  type ContractStatus,
  type CreateContractBody,
} from '@aftercare/contracts'
import { PlusOutlined } from '@ant-design/icons'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Button, Checkbox, DatePicker, Form, Input, InputNumber, Modal, Popconfirm, Select, Space, Table, Tag } from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { contractsKey, devicesKey } from './customers.api.ts'
import { TierTag } from './CustomerTags.tsx'

interface Values {
  name: string
  code?: string
  period: [Dayjs, Dayjs]
  slaTier: CustomerTier
  coveredServices: CoveredService[]
  includedVisits: number
  deviceIds: string[]
  notes?: string
}

const statusColor: Record<ContractStatus, string> = { upcoming: 'blue', active: 'green', expired: 'default' }

export function ContractStatusTag({ status }: { status: ContractStatus }) {
  const { t } = useTranslation()
  return <Tag color={statusColor[status]}>{t(`contracts.statuses.${status}`)}</Tag>
}

function ContractModal({ customerId, contract, onClose }: { customerId: string; contract: ServiceContract | null; onClose: () => void }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const [form] = Form.useForm<Values>()
  const devices = useQuery({
    queryKey: [...devicesKey, 'of', customerId],
    queryFn: () => api('/api/devices', DeviceList, { query: { customerId, limit: 200 } }),
  })
  const save = useMutation({
    mutationFn: (v: Values) => {
      const body = {
        name: v.name,
        code: v.code?.trim() || undefined,
        startsOn: v.period[0].format('YYYY-MM-DD'),
        endsOn: v.period[1].format('YYYY-MM-DD'),
        slaTier: v.slaTier,
        coveredServices: v.coveredServices,
        includedVisits: v.includedVisits,
        deviceIds: v.deviceIds,
        notes: v.notes?.trim() || undefined,
      }
      return contract
        ? api(`/api/contracts/${contract.id}`, ServiceContract, {
            method: 'PATCH',
            body: { ...body, code: body.code ?? null, notes: body.notes ?? null },
            ifMatch: `"v${contract.version}"`,
          })
        : api('/api/contracts', ServiceContract, { method: 'POST', body: { ...body, customerId } satisfies Partial<CreateContractBody> })
    },
    onSuccess: async () => {
      message.success(t('common.saved'))
      await client.invalidateQueries({ queryKey: contractsKey })
      await client.invalidateQueries({ queryKey: devicesKey })
      onClose()
    },
    onError: (e) => {
      if (!applyFieldErrors(t, form, e, ['name', 'code', 'slaTier', 'coveredServices', 'includedVisits', 'deviceIds', 'notes']))
        message.error(errorMessage(t, e))
    },
  })
  return (
    <Modal
      open
      width={640}
      title={contract ? t('contracts.edit') : t('contracts.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        name="contract"
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={
          contract
            ? {
                name: contract.name,
                code: contract.code ?? undefined,
                period: [dayjs(contract.startsOn), dayjs(contract.endsOn)],
                slaTier: contract.slaTier,
                coveredServices: contract.coveredServices,
                includedVisits: contract.includedVisits,
                deviceIds: contract.deviceIds,
                notes: contract.notes ?? undefined,
              }
            : { slaTier: 'standard', coveredServices: ['onsite_repair'], includedVisits: 0, deviceIds: [] }
        }
      >
        <Form.Item
          name="name"
          label={t('contracts.name')}
          rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 200 }]}
        >
          <Input />
        </Form.Item>
        <Space.Compact block>
          <Form.Item name="code" label={t('contracts.code')} style={{ flex: 1 }}>
            <Input />
          </Form.Item>
          <Form.Item name="slaTier" label={t('contracts.slaTier')} style={{ flex: 1 }}>
            <Select options={CustomerTier.options.map((v) => ({ value: v, label: t(`customers.tiers.${v}`) }))} />
          </Form.Item>
          <Form.Item name="includedVisits" label={t('contracts.includedVisits')} style={{ flex: 1 }}>
            <InputNumber min={0} max={10000} style={{ width: '100%' }} />
          </Form.Item>
        </Space.Compact>
        <Form.Item name="period" label={t('contracts.period')} rules={[{ required: true, message: t('validation.required') }]}>
          <DatePicker.RangePicker style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="coveredServices" label={t('contracts.coveredServices')}>
          <Checkbox.Group options={CoveredService.options.map((s) => ({ value: s, label: t(`contracts.services.${s}`) }))} />
        </Form.Item>
        <Form.Item name="deviceIds" label={t('contracts.devices')}>
          <Select
            mode="multiple"
            loading={devices.isPending}
            showSearch={{ optionFilterProp: 'label' }}
            options={(devices.data?.items ?? []).map((d) => ({ value: d.id, label: `${d.serialNumber} · ${d.product.model}` }))}
          />
        </Form.Item>
        <Form.Item name="notes" label={t('customers.notes')}>
          <Input.TextArea rows={2} />
        </Form.Item>
      </Form>
    </Modal>
  )
}

export function ContractsTab({ customerId, editable }: { customerId: string; editable: boolean }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const [editing, setEditing] = useState<ServiceContract | null | undefined>(undefined)
  const list = useQuery({
    queryKey: [...contractsKey, 'of', customerId],
    queryFn: () => api('/api/contracts', ContractList, { query: { customerId, limit: 200 } }),
  })
  const remove = useMutation({
    mutationFn: (c: ServiceContract) => api(`/api/contracts/${c.id}`, Ok, { method: 'DELETE', ifMatch: `"v${c.version}"` }),
    onSuccess: () => client.invalidateQueries({ queryKey: contractsKey }),
    onError: (e) => message.error(errorMessage(t, e)),
  })
  return (
    <>
      {editable && (
        <Button icon={<PlusOutlined />} style={{ marginBottom: 12 }} onClick={() => setEditing(null)}>
          {t('contracts.add')}
        </Button>
      )}
      <Table<ServiceContract>
        rowKey="id"
        size="small"
        pagination={false}
        loading={list.isPending}
        dataSource={list.data?.items ?? []}
        locale={{ emptyText: list.isError ? errorMessage(t, list.error) : t('contracts.none') }}
        columns={[
          { title: t('contracts.name'), dataIndex: 'name' },
          { title: t('contracts.code'), dataIndex: 'code', render: (c: string | null) => c ?? '—' },
          { title: t('contracts.period'), key: 'period', render: (_: unknown, c) => `${c.startsOn} ~ ${c.endsOn}` },
          { title: t('contracts.status'), dataIndex: 'status', render: (s: ContractStatus) => <ContractStatusTag status={s} /> },
          { title: t('contracts.slaTier'), dataIndex: 'slaTier', render: (s: CustomerTier) => <TierTag tier={s} /> },
          {
            title: t('contracts.coveredServices'),
            dataIndex: 'coveredServices',
            render: (s: CoveredService[]) => s.map((x) => <Tag key={x}>{t(`contracts.services.${x}`)}</Tag>),
          },
          { title: t('contracts.includedVisits'), dataIndex: 'includedVisits', width: 90 },
          { title: t('contracts.devices'), dataIndex: 'deviceIds', width: 80, render: (ids: string[]) => ids.length },
          ...(editable
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 140,
                  render: (_: unknown, c: ServiceContract) => (
                    <Space size={0}>
                      <Button type="link" size="small" onClick={() => setEditing(c)}>
                        {t('common.edit')}
                      </Button>
                      <Popconfirm
                        title={t('contracts.deleteConfirm', { name: c.name })}
                        onConfirm={() => remove.mutate(c)}
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
      {editing !== undefined && <ContractModal customerId={customerId} contract={editing} onClose={() => setEditing(undefined)} />}
    </>
  )
}
