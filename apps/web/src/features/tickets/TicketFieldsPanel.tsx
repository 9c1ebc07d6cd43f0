// The ticket's fields: read at a glance, edited in place. An edit is based on the version the agent
// opened it on; if someone else saved first the API refuses (412) and the page offers a reload.
import { TicketPriority, type Ticket, type UpdateTicketBody } from '@aftercare/contracts'
import { EditOutlined } from '@ant-design/icons'
import { App, Button, Card, Cascader, Descriptions, Form, Input, Select, Space, Tag } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { applyFieldErrors } from '../../shared/api/errors.ts'
import { ApiRequestError } from '../../shared/api/client.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { dateTime } from '../../shared/format.ts'
import { categoryLabel, categoryPath, categoryTree } from './categories.ts'
import { useTicketAttachments } from './Attachments.tsx'
import { CustomFieldInputs, CustomFieldValue } from './CustomFieldInputs.tsx'
import { DeviceSelect, useCustomerDevices } from './pickers.tsx'
import { useTicketCategories, useTicketQueues, useTicketTypes } from './tickets.api.ts'
import type { TicketWrites } from './useTicketWrites.ts'
import { WarrantyTag } from './WarrantyTag.tsx'

interface Values {
  subject: string
  description: string
  typeId: string
  categoryPath?: string[]
  deviceId?: string | null
  impact: number
  urgency: number
  priority?: TicketPriority | 'auto'
  tags: string[]
  customFields?: Record<string, unknown>
}

const fields = [
  'subject',
  'description',
  'typeId',
  'categoryId',
  'deviceId',
  'impact',
  'urgency',
  'priority',
  'tags',
  'customFields',
] as const

export function useImpactUrgencyOptions() {
  const { t } = useTranslation()
  return {
    impact: [1, 2, 3, 4, 5].map((n) => ({ value: n, label: t(`tickets.impact.${n}`) })),
    urgency: [1, 2, 3].map((n) => ({ value: n, label: t(`tickets.urgency.${n}`) })),
  }
}

export function TicketFieldsPanel({ ticket, etag, writes }: { ticket: Ticket; etag: string | null; writes: TicketWrites }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const me = useCurrentUser()
  const types = useTicketTypes()
  const categories = useTicketCategories()
  const queues = useTicketQueues()
  const devices = useCustomerDevices(ticket.customerId)
  const attachments = useTicketAttachments(ticket.id)
  const [form] = Form.useForm<Values>()
  /** The ETag the edit started from (not the latest one: that would overwrite someone's change). */
  const [base, setBase] = useState<string | null | undefined>(undefined)
  const [saving, setSaving] = useState(false)
  const editing = base !== undefined
  // A reload (after a refused save) starts over from the fresh ticket.
  useEffect(() => setBase(undefined), [writes.epoch])
  const typeId = Form.useWatch('typeId', form)
  const path = Form.useWatch('categoryPath', form)
  const all = categories.data ?? []
  const category = all.find((c) => c.id === (editing ? path?.[path.length - 1] : ticket.categoryId))
  const device = devices.data?.items.find((d) => d.id === ticket.deviceId)
  const options = useImpactUrgencyOptions()

  const startEdit = () => {
    form.setFieldsValue({
      subject: ticket.subject,
      description: ticket.description,
      typeId: ticket.typeId,
      categoryPath: categoryPath(all, ticket.categoryId),
      deviceId: ticket.deviceId,
      impact: ticket.impact,
      urgency: ticket.urgency,
      priority: 'auto',
      tags: ticket.tags,
      customFields: ticket.customFields,
    })
    writes.setStale(false)
    setBase(etag)
  }

  const save = async (v: Values) => {
    const categoryId = v.categoryPath?.length ? v.categoryPath[v.categoryPath.length - 1]! : null
    const form$ = all.find((c) => c.id === categoryId)?.form ?? []
    const customFields = Object.fromEntries(
      form$.map((f) => {
        const value = v.customFields?.[f.key]
        const empty = value === undefined || value === '' || (Array.isArray(value) && value.length === 0)
        return [f.key, empty ? null : value]
      }),
    )
    const body: UpdateTicketBody = {
      subject: v.subject,
      description: v.description ?? '',
      typeId: v.typeId,
      categoryId,
      deviceId: v.deviceId ?? null,
      impact: v.impact,
      urgency: v.urgency,
      tags: v.tags ?? [],
      customFields,
      ...(v.priority && v.priority !== 'auto' ? { priority: v.priority } : {}),
    }
    setSaving(true)
    try {
      await writes.write('', { method: 'PATCH', body, ifMatch: base })
      message.success(t('common.saved'))
      setBase(undefined)
    } catch (e) {
      if (!(e instanceof ApiRequestError && e.status === 412)) applyFieldErrors(t, form, e, fields)
    } finally {
      setSaving(false)
    }
  }

  if (editing)
    return (
      <Card
        title={t('tickets.fieldsTitle')}
        size="small"
        extra={
          <Space>
            <Button size="small" onClick={() => setBase(undefined)}>
              {t('common.cancel')}
            </Button>
            <Button size="small" type="primary" loading={saving} onClick={() => form.submit()} data-testid="fields-save">
              {t('common.save')}
            </Button>
          </Space>
        }
      >
        <Form form={form} name="ticketFields" layout="vertical" onFinish={(v) => void save(v)} size="small">
          <Form.Item
            name="subject"
            label={t('tickets.fields.subject')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 200 }]}
          >
            <Input maxLength={200} data-testid="field-subject" />
          </Form.Item>
          <Form.Item name="description" label={t('tickets.fields.description')} rules={[{ max: 20000 }]}>
            <Input.TextArea rows={4} />
          </Form.Item>
          <Form.Item name="typeId" label={t('tickets.fields.type')} rules={[{ required: true, message: t('validation.required') }]}>
            <Select
              options={(types.data ?? [])
                .filter((ty) => ty.active || ty.id === ticket.typeId)
                .map((ty) => ({ value: ty.id, label: ty.name }))}
            />
          </Form.Item>
          <Form.Item name="categoryPath" label={t('tickets.fields.category')}>
            <Cascader changeOnSelect options={categoryTree(all, { typeId })} placeholder={t('tickets.pickCategory')} />
          </Form.Item>
          <Form.Item name="deviceId" label={t('tickets.fields.device')}>
            <DeviceSelect customerId={ticket.customerId} />
          </Form.Item>
          <Space.Compact block>
            <Form.Item name="impact" label={t('tickets.fields.impact')} style={{ width: '50%' }}>
              <Select options={options.impact} />
            </Form.Item>
            <Form.Item name="urgency" label={t('tickets.fields.urgency')} style={{ width: '50%' }}>
              <Select options={options.urgency} />
            </Form.Item>
          </Space.Compact>
          <Form.Item name="priority" label={t('tickets.fields.priority')} extra={t('tickets.priorityAutoHint')}>
            <Select
              options={[
                { value: 'auto', label: t('tickets.priorityAuto', { priority: ticket.priority }) },
                ...TicketPriority.options.map((p) => ({ value: p, label: p })),
              ]}
            />
          </Form.Item>
          <Form.Item name="tags" label={t('tickets.fields.tags')}>
            <Select mode="tags" tokenSeparators={[',', '，']} />
          </Form.Item>
          <CustomFieldInputs fields={category?.form ?? []} attachments={attachments.data?.items ?? []} />
        </Form>
      </Card>
    )

  const typeName = types.data?.find((ty) => ty.id === ticket.typeId)?.name ?? '—'
  const queueName = queues.data?.find((q) => q.id === ticket.queueId)?.name
  return (
    <Card
      title={t('tickets.fieldsTitle')}
      size="small"
      extra={
        can(me, 'tickets.write') && (
          <Button size="small" icon={<EditOutlined />} onClick={startEdit} data-testid="fields-edit">
            {t('common.edit')}
          </Button>
        )
      }
    >
      <Descriptions column={1} size="small" styles={{ label: { width: 96 } }}>
        <Descriptions.Item label={t('tickets.fields.type')}>{typeName}</Descriptions.Item>
        <Descriptions.Item label={t('tickets.fields.category')}>{categoryLabel(all, ticket.categoryId) ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('tickets.fields.impact')}>{t(`tickets.impact.${ticket.impact}`)}</Descriptions.Item>
        <Descriptions.Item label={t('tickets.fields.urgency')}>{t(`tickets.urgency.${ticket.urgency}`)}</Descriptions.Item>
        <Descriptions.Item label={t('tickets.fields.queue')}>{queueName ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('tickets.fields.tier')}>{ticket.tier}</Descriptions.Item>
        <Descriptions.Item label={t('tickets.fields.channel')}>{t(`tickets.channel.${ticket.channel}`)}</Descriptions.Item>
        <Descriptions.Item label={t('tickets.fields.device')}>
          {device ? (
            <Space size={4} wrap>
              {device.serialNumber} · {device.product.name} <WarrantyTag state={device.warrantyState} />
            </Space>
          ) : (
            '—'
          )}
        </Descriptions.Item>
        <Descriptions.Item label={t('tickets.fields.tags')}>
          {ticket.tags.length ? ticket.tags.map((tg) => <Tag key={tg}>{tg}</Tag>) : '—'}
        </Descriptions.Item>
        {(category?.form ?? []).map((f) => (
          <Descriptions.Item key={f.key} label={f.label}>
            <CustomFieldValue field={f} value={ticket.customFields[f.key]} attachments={attachments.data?.items} />
          </Descriptions.Item>
        ))}
        {(ticket.requesterName || ticket.requesterPhone || ticket.requesterEmail) && (
          <Descriptions.Item label={t('tickets.fields.requester')}>
            {[ticket.requesterName, ticket.requesterPhone, ticket.requesterEmail].filter(Boolean).join(' · ')}
          </Descriptions.Item>
        )}
        <Descriptions.Item label={t('tickets.fields.createdAt')}>{dateTime(ticket.createdAt)}</Descriptions.Item>
        <Descriptions.Item label={t('tickets.fields.firstResponseAt')}>{dateTime(ticket.firstResponseAt)}</Descriptions.Item>
        {ticket.resolvedAt && <Descriptions.Item label={t('tickets.fields.resolvedAt')}>{dateTime(ticket.resolvedAt)}</Descriptions.Item>}
        {ticket.closedAt && <Descriptions.Item label={t('tickets.fields.closedAt')}>{dateTime(ticket.closedAt)}</Descriptions.Item>}
      </Descriptions>
    </Card>
  )
}
