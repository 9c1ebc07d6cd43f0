// Creates or edits an inbound webhook: who the tickets are for, and the mapping from the posted JSON
// to ticket fields. Paths found in a sample document are inserted as {{path}}; the preview shows the
// ticket the sample would create with the mapping as typed (nothing is created).
import {
  InboundSource,
  InboundSourceWithSecret,
  InboundTicketDraft,
  TicketChannel,
  TicketPriority,
  type CreateInboundSourceBody,
  type InboundMapping,
} from '@aftercare/contracts'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Descriptions,
  Divider,
  Drawer,
  Form,
  Input,
  Row,
  Select,
  Space,
  Switch,
  Tag,
  Typography,
} from 'antd'
import { useEffect, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { CustomerSelect } from '../tickets/pickers.tsx'
import { useTicketQueues, useTicketTypes } from '../tickets/tickets.api.ts'
import { absoluteUrl } from './InboundTab.tsx'
import { etagOfVersion, inboundKey } from './integrations.api.ts'

type TextField = Exclude<keyof InboundMapping, 'tags'>
const mappedFields: TextField[] = ['subject', 'description', 'externalId', 'priority', 'requesterName', 'requesterPhone', 'requesterEmail']

interface FormValues {
  name: string
  customerId: string
  typeId: string
  queueId: string | null
  defaultPriority: TicketPriority
  channel: TicketChannel
  enabled: boolean
  mapping: Omit<InboundMapping, 'tags'> & { tags: string[] }
}

/** A template over the sample document (data, in the users' language of business). */
const mappingExample = '订单 {{order.id}}：{{order.remark}}'

const sampleDocument = `{
  "order": { "id": "TM20260506001", "item": "智能门锁 X1", "remark": "屏幕不亮", "level": "P2" },
  "buyer": { "name": "张先生", "mobile": "13800138000", "email": "" }
}`

/** `{a: {b: 1}, c: [ {d: 2} ]}` → `['a.b', 'c.0.d']`: the paths a mapping may name (as the server flattens). */
export function pathsOf(doc: unknown, prefix = '', out: string[] = []): string[] {
  if (out.length >= 200) return out
  if (doc !== null && typeof doc === 'object') {
    for (const [key, value] of Object.entries(doc)) {
      if (!/^[\w-]{1,64}$/.test(key)) continue
      pathsOf(value, prefix ? `${prefix}.${key}` : key, out)
    }
  } else if (prefix) out.push(prefix)
  return out
}

function parseSample(text: string): { doc?: Record<string, unknown>; error?: string } {
  try {
    const doc: unknown = JSON.parse(text)
    if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) return { error: 'object' }
    return { doc: doc as Record<string, unknown> }
  } catch (e) {
    return { error: e instanceof Error ? e.message : 'json' }
  }
}

export function InboundDrawer({
  open,
  editing,
  onClose,
  onCreated,
}: {
  open: boolean
  editing: InboundSource | null
  onClose: () => void
  onCreated: (r: InboundSourceWithSecret) => void
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const [form] = Form.useForm<FormValues>()
  const types = useTicketTypes()
  const queues = useTicketQueues()
  const [sample, setSample] = useState(sampleDocument)
  const [draft, setDraft] = useState<InboundTicketDraft | null>(null)
  const parsed = useMemo(() => parseSample(sample), [sample])
  const paths = useMemo(() => (parsed.doc ? pathsOf(parsed.doc) : []), [parsed])

  useEffect(() => {
    if (!open) return
    setDraft(null)
    form.resetFields()
    if (editing)
      form.setFieldsValue({
        name: editing.name,
        customerId: editing.customerId,
        typeId: editing.typeId,
        queueId: editing.queueId,
        defaultPriority: editing.defaultPriority,
        channel: editing.channel,
        enabled: editing.enabled,
        mapping: editing.mapping,
      })
  }, [open, editing, form])

  const save = useMutation({
    mutationFn: async (v: FormValues) => {
      const body: CreateInboundSourceBody = { ...v, queueId: v.queueId ?? null }
      if (editing) {
        await api(`/api/webhooks/inbound-sources/${editing.id}`, InboundSource, {
          method: 'PATCH',
          body,
          ifMatch: etagOfVersion(editing.version),
        })
        return null
      }
      return api('/api/webhooks/inbound-sources', InboundSourceWithSecret, { method: 'POST', body })
    },
    onSuccess: async (created) => {
      await client.invalidateQueries({ queryKey: inboundKey })
      if (created) onCreated(created)
      else {
        message.success(t('common.saved'))
        onClose()
      }
    },
    onError: (e) => {
      if (!applyFieldErrors(t, form, e, ['name', 'customerId', 'typeId', 'queueId', 'mapping'])) message.error(errorMessage(t, e))
    },
  })
  const test = useMutation({
    mutationFn: () => {
      const v = form.getFieldsValue(true) as FormValues
      return api(`/api/webhooks/inbound-sources/${editing!.id}/test`, InboundTicketDraft, {
        method: 'POST',
        body: { document: parsed.doc, mapping: v.mapping, defaultPriority: v.defaultPriority },
      })
    },
    onSuccess: setDraft,
    onError: (e) => {
      setDraft(null)
      message.error(errorMessage(t, e))
    },
  })

  const insertPath = (field: TextField, path: string) => {
    const current = (form.getFieldValue(['mapping', field]) as string | undefined) ?? ''
    form.setFieldValue(['mapping', field], `${current}{{${path}}}`)
  }
  const pathOptions = paths.map((p) => ({ value: p, label: p }))

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size={960}
      destroyOnHidden
      title={editing ? t('integrations.inbound.editTitle', { name: editing.name }) : t('integrations.inbound.create')}
      extra={
        <Button type="primary" loading={save.isPending} data-testid="inbound-save" onClick={() => form.submit()}>
          {t('common.save')}
        </Button>
      }
    >
      {editing && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={
            <span>
              {t('integrations.inbound.postTo')}{' '}
              <Typography.Text code copyable>
                {absoluteUrl(editing.url)}
              </Typography.Text>
            </span>
          }
          description={t('integrations.inbound.signing')}
        />
      )}
      <Form<FormValues>
        form={form}
        layout="vertical"
        name="inbound"
        initialValues={{ defaultPriority: 'P3', channel: 'api', enabled: true, queueId: null, mapping: { subject: '', tags: [] } }}
        onFinish={(v) => save.mutate(v)}
      >
        <Row gutter={16}>
          <Col xs={24} md={12}>
            <Form.Item
              name="name"
              label={t('integrations.outgoing.name')}
              rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
            >
              <Input maxLength={100} data-testid="inbound-name" />
            </Form.Item>
          </Col>
          <Col xs={24} md={12}>
            <Form.Item
              name="customerId"
              label={t('integrations.inbound.customer')}
              rules={[{ required: true, message: t('validation.required') }]}
            >
              <CustomerSelect testId="inbound-customer" />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name="typeId" label={t('integrations.inbound.type')} rules={[{ required: true, message: t('validation.required') }]}>
              <Select
                data-testid="inbound-type"
                loading={types.isPending}
                options={(types.data ?? []).filter((x) => x.active).map((x) => ({ value: x.id, label: x.name }))}
              />
            </Form.Item>
          </Col>
          <Col xs={24} md={6}>
            <Form.Item name="queueId" label={t('integrations.inbound.queue')}>
              <Select allowClear loading={queues.isPending} options={(queues.data ?? []).map((q) => ({ value: q.id, label: q.name }))} />
            </Form.Item>
          </Col>
          <Col xs={12} md={4}>
            <Form.Item name="defaultPriority" label={t('integrations.inbound.defaultPriority')}>
              <Select options={TicketPriority.options.map((p) => ({ value: p, label: p }))} />
            </Form.Item>
          </Col>
          <Col xs={12} md={5}>
            <Form.Item name="channel" label={t('integrations.inbound.channel')}>
              <Select options={TicketChannel.options.map((c) => ({ value: c, label: t(`tickets.channel.${c}`) }))} />
            </Form.Item>
          </Col>
          <Col xs={12} md={3}>
            <Form.Item name="enabled" label={t('integrations.outgoing.enabled')} valuePropName="checked">
              <Switch />
            </Form.Item>
          </Col>
        </Row>
        <Divider titlePlacement="start">{t('integrations.inbound.mapping')}</Divider>
        <Row gutter={16}>
          <Col xs={24} lg={14}>
            <Typography.Paragraph type="secondary">
              {t('integrations.inbound.mappingHint')} <Typography.Text code>{mappingExample}</Typography.Text>
            </Typography.Paragraph>
            {mappedFields.map((field) => (
              <Form.Item
                key={field}
                label={t(`integrations.inbound.fields.${field}`)}
                required={field === 'subject'}
                style={{ marginBottom: 12 }}
              >
                <Space.Compact style={{ width: '100%' }}>
                  <Form.Item
                    name={['mapping', field]}
                    noStyle
                    rules={field === 'subject' ? [{ required: true, whitespace: true, message: t('validation.required') }] : []}
                  >
                    <Input data-testid={`inbound-map-${field}`} placeholder={field === 'subject' ? mappingExample : undefined} />
                  </Form.Item>
                  <Select
                    style={{ width: 180 }}
                    value={null}
                    placeholder={t('integrations.inbound.insertPath')}
                    data-testid={`inbound-path-${field}`}
                    options={pathOptions}
                    showSearch
                    onChange={(p: string | null) => p && insertPath(field, p)}
                  />
                </Space.Compact>
              </Form.Item>
            ))}
            <Form.Item name={['mapping', 'tags']} label={t('integrations.inbound.fields.tags')}>
              <Select mode="tags" maxCount={10} />
            </Form.Item>
          </Col>
          <Col xs={24} lg={10}>
            <Typography.Text strong>{t('integrations.inbound.sample')}</Typography.Text>
            <Input.TextArea
              rows={10}
              value={sample}
              onChange={(e) => setSample(e.target.value)}
              data-testid="inbound-sample"
              style={{ fontFamily: 'monospace', fontSize: 12, marginTop: 4 }}
              status={parsed.error ? 'error' : undefined}
            />
            {parsed.error ? (
              <Typography.Text type="danger">{t('integrations.inbound.sampleInvalid')}</Typography.Text>
            ) : (
              <div style={{ marginTop: 8 }}>
                <Typography.Text type="secondary">{t('integrations.inbound.paths')}</Typography.Text>
                <div style={{ marginTop: 4 }}>
                  {paths.map((p) => (
                    <Tag key={p} style={{ marginBottom: 4 }}>
                      {p}
                    </Tag>
                  ))}
                </div>
              </div>
            )}
            <Button
              style={{ marginTop: 12 }}
              data-testid="inbound-test"
              disabled={!editing || !parsed.doc}
              loading={test.isPending}
              onClick={() => test.mutate()}
            >
              {t('integrations.inbound.preview')}
            </Button>
            {!editing && (
              <Typography.Paragraph type="secondary" style={{ marginTop: 4 }}>
                {t('integrations.inbound.previewAfterSave')}
              </Typography.Paragraph>
            )}
            {draft && (
              <Card size="small" style={{ marginTop: 12 }} title={t('integrations.inbound.draft')} data-testid="inbound-draft">
                <Descriptions column={1} size="small">
                  {mappedFields.map((f) => (
                    <Descriptions.Item key={f} label={t(`integrations.inbound.fields.${f}`)}>
                      <span data-testid={`inbound-draft-${f}`} style={{ whiteSpace: 'pre-wrap' }}>
                        {draft[f] ?? '—'}
                      </span>
                    </Descriptions.Item>
                  ))}
                  <Descriptions.Item label={t('integrations.inbound.fields.tags')}>{draft.tags.join('、') || '—'}</Descriptions.Item>
                </Descriptions>
              </Card>
            )}
          </Col>
        </Row>
      </Form>
    </Drawer>
  )
}
