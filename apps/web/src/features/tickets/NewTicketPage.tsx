// A new ticket taken by an agent: customer and device, type and category (with the category's own
// form), impact × urgency → priority, and while the subject is typed, the customer's open tickets
// that look like the same problem (to avoid a duplicate).
import { SimilarTickets, Ticket, TicketChannel, type CreateTicketBody } from '@aftercare/contracts'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Button, Card, Col, Form, Input, List, Row, Select, Space, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useSearchParams } from 'react-router'
import { api, ApiRequestError, submissionKeys } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { PendingFiles, uploadAttachments, useAttachmentLimitText } from './Attachments.tsx'
import { filledCustomFields } from './CustomFieldInputs.tsx'
import { CustomerSelect, DeviceSelect, useDebounced } from './pickers.tsx'
import { useImpactUrgencyOptions } from './TicketFieldsPanel.tsx'
import { PriorityTag, StatusTag } from './TicketTags.tsx'
import { CategoryField, CategoryFormFields, TypeField, categoryIdOf } from './TypeCategoryFields.tsx'
import { agentLabel, ticketKeys, ticketsPath, usePriorityMatrix, useStaffDirectory, useTicketQueues } from './tickets.api.ts'

interface Values {
  customerId: string
  deviceId?: string
  typeId: string
  categoryPath?: string[]
  subject: string
  description?: string
  impact: number
  urgency: number
  queueId?: string
  assigneeId?: string
  channel: TicketChannel
  requesterName?: string
  requesterPhone?: string
  requesterEmail?: string
  tags?: string[]
  customFields?: Record<string, unknown>
  files?: File[]
}

const fields = [
  'customerId',
  'deviceId',
  'typeId',
  'categoryId',
  'subject',
  'description',
  'impact',
  'urgency',
  'queueId',
  'assigneeId',
  'channel',
  'requesterName',
  'requesterPhone',
  'requesterEmail',
  'tags',
  'customFields',
] as const

const staffChannels: TicketChannel[] = ['workbench', 'phone', 'email', 'chat', 'wechat']

/** The customer's open tickets that look like this one (shown while the subject is typed). */
export function SimilarOpenTickets({
  customerId,
  subject,
  linkTo,
}: {
  customerId?: string
  subject: string
  linkTo: (id: string) => string
}) {
  const { t } = useTranslation()
  const q = useDebounced(subject.trim(), 400)
  const similar = useQuery({
    queryKey: ['tickets', 'similar', customerId, q],
    queryFn: () => api(`${ticketsPath}/similar`, SimilarTickets, { query: { customerId, subject: q } }),
    enabled: q.length >= 2,
  })
  const items = similar.data?.items ?? []
  return (
    <Card size="small" title={t('tickets.similar.title')} data-testid="similar-tickets">
      {q.length < 2 ? (
        <Typography.Text type="secondary">{t('tickets.similar.hint')}</Typography.Text>
      ) : (
        <List
          size="small"
          loading={similar.isFetching}
          dataSource={items}
          locale={{ emptyText: t('tickets.similar.none') }}
          renderItem={({ ticket }) => (
            <List.Item>
              <Space orientation="vertical" size={0}>
                <Space size={4}>
                  <Link to={linkTo(ticket.id)} target="_blank">
                    {ticket.number}
                  </Link>
                  <StatusTag status={ticket.status} />
                  <PriorityTag priority={ticket.priority} />
                </Space>
                <Typography.Text>{ticket.subject}</Typography.Text>
              </Space>
            </List.Item>
          )}
        />
      )}
    </Card>
  )
}

export function NewTicketPage() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const me = useCurrentUser()
  const navigate = useNavigate()
  const [params] = useSearchParams()
  const [form] = Form.useForm<Values>()
  const client = useQueryClient()
  const queues = useTicketQueues()
  const matrix = usePriorityMatrix()
  const { assignable } = useStaffDirectory()
  const options = useImpactUrgencyOptions()
  const [busy, setBusy] = useState(false)
  const limits = useAttachmentLimitText()
  /** Files picked on the form follow the new ticket; a failure there does not undo the ticket. */
  const attachFiles = async (ticketId: string, files: File[] | undefined) => {
    if (!files?.length) return
    try {
      await uploadAttachments(ticketId, files, 'public', me.csrfToken)
    } catch (e) {
      keys.failed(e)
      message.warning(`${t('attachments.failedAfterCreate')} ${errorMessage(t, e)}`)
    }
  }
  const customerId = Form.useWatch('customerId', form)
  const subject = Form.useWatch('subject', form) ?? ''
  const impact = Form.useWatch('impact', form) ?? 3
  const urgency = Form.useWatch('urgency', form) ?? 2
  const priority = matrix.data?.data.matrix[impact - 1]?.[urgency - 1]

  const [keys] = useState(submissionKeys)
  const submit = async (v: Values) => {
    const categoryId = categoryIdOf(v.categoryPath)
    const body: CreateTicketBody = {
      subject: v.subject,
      description: v.description ?? '',
      typeId: v.typeId,
      customerId: v.customerId,
      impact: v.impact,
      urgency: v.urgency,
      channel: v.channel,
      tags: v.tags ?? [],
      customFields: filledCustomFields(v.customFields),
      ...(categoryId ? { categoryId } : {}),
      ...(v.deviceId ? { deviceId: v.deviceId } : {}),
      ...(v.queueId ? { queueId: v.queueId } : {}),
      ...(v.assigneeId ? { assigneeId: v.assigneeId } : {}),
      ...(v.requesterName ? { requesterName: v.requesterName } : {}),
      ...(v.requesterPhone ? { requesterPhone: v.requesterPhone } : {}),
      ...(v.requesterEmail ? { requesterEmail: v.requesterEmail } : {}),
    }
    setBusy(true)
    try {
      const created = await api(ticketsPath, Ticket, { method: 'POST', body, idempotencyKey: keys.keyFor(body) })
      message.success(t('tickets.created', { number: created.number }))
      await attachFiles(created.id, v.files)
      void navigate(`/tickets/${created.id}`, { replace: true })
    } catch (e) {
      // The category's form changed since this page loaded (a field added or made required): the
      // errors name fields this form does not show yet, so load the form again to show them.
      if (e instanceof ApiRequestError && e.body.issues?.some((i) => i.path.startsWith('customFields.'))) {
        message.error(errorMessage(t, e))
        await client.refetchQueries({ queryKey: ticketKeys.config })
      } else if (!applyFieldErrors(t, form, e, fields)) message.error(errorMessage(t, e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('tickets.new')}
      </Typography.Title>
      <Row gutter={16}>
        <Col xs={24} xl={16}>
          <Card>
            <Form
              form={form}
              name="newTicket"
              layout="vertical"
              onFinish={(v) => void submit(v)}
              initialValues={{
                impact: 3,
                urgency: 2,
                channel: 'phone',
                customerId: params.get('customerId') ?? undefined,
                deviceId: params.get('deviceId') ?? undefined,
              }}
            >
              <Row gutter={12}>
                <Col xs={24} md={12}>
                  <Form.Item
                    name="customerId"
                    label={t('tickets.fields.customer')}
                    rules={[{ required: true, message: t('validation.required') }]}
                  >
                    <CustomerSelect onChange={() => form.setFieldValue('deviceId', undefined)} testId="new-customer" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item name="deviceId" label={t('tickets.fields.device')}>
                    <DeviceSelect customerId={customerId} testId="new-device" />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <TypeField label={t('tickets.fields.type')} testId="new-type" />
                </Col>
                <Col xs={24} md={12}>
                  <CategoryField testId="new-category" />
                </Col>
              </Row>
              <Form.Item
                name="subject"
                label={t('tickets.fields.subject')}
                rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 200 }]}
              >
                <Input maxLength={200} data-testid="new-subject" />
              </Form.Item>
              <Form.Item name="description" label={t('tickets.fields.description')} rules={[{ max: 20000 }]}>
                <Input.TextArea rows={5} data-testid="new-description" />
              </Form.Item>
              <CategoryFormFields />
              <Form.Item name="files" label={t('attachments.title')} extra={limits}>
                <PendingFiles />
              </Form.Item>
              <Row gutter={12}>
                <Col xs={12} md={6}>
                  <Form.Item name="impact" label={t('tickets.fields.impact')}>
                    <Select options={options.impact} />
                  </Form.Item>
                </Col>
                <Col xs={12} md={6}>
                  <Form.Item name="urgency" label={t('tickets.fields.urgency')}>
                    <Select options={options.urgency} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={12}>
                  <Form.Item label={t('tickets.fields.priority')}>
                    {priority ? <PriorityTag priority={priority} /> : '—'}{' '}
                    <Typography.Text type="secondary">{t('tickets.priorityFromMatrix')}</Typography.Text>
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item name="channel" label={t('tickets.fields.channel')}>
                    <Select options={staffChannels.map((c) => ({ value: c, label: t(`tickets.channel.${c}`) }))} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item name="queueId" label={t('tickets.fields.queue')} extra={t('tickets.queueDefaultHint')}>
                    <Select allowClear options={(queues.data ?? []).filter((q) => q.active).map((q) => ({ value: q.id, label: q.name }))} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item name="assigneeId" label={t('tickets.fields.assignee')}>
                    <Select
                      allowClear
                      showSearch={{ optionFilterProp: 'label' }}
                      disabled={!can(me, 'tickets.assign') && assignable.length <= 1}
                      options={assignable.map((s) => ({ value: s.id, label: agentLabel(s) }))}
                    />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item name="requesterName" label={t('tickets.fields.requesterName')} rules={[{ max: 100 }]}>
                    <Input maxLength={100} />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item
                    name="requesterPhone"
                    label={t('tickets.fields.requesterPhone')}
                    rules={[{ pattern: /^\+?[0-9 -]{5,20}$/, message: t('validation.phone') }]}
                  >
                    <Input />
                  </Form.Item>
                </Col>
                <Col xs={24} md={8}>
                  <Form.Item
                    name="requesterEmail"
                    label={t('tickets.fields.requesterEmail')}
                    rules={[{ type: 'email', message: t('validation.email') }]}
                  >
                    <Input />
                  </Form.Item>
                </Col>
              </Row>
              <Form.Item name="tags" label={t('tickets.fields.tags')}>
                <Select mode="tags" tokenSeparators={[',', '，']} />
              </Form.Item>
              <Space>
                <Button type="primary" htmlType="submit" loading={busy} data-testid="new-submit">
                  {t('tickets.create')}
                </Button>
                <Button onClick={() => void navigate(-1)}>{t('common.cancel')}</Button>
              </Space>
            </Form>
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <SimilarOpenTickets customerId={customerId} subject={subject} linkTo={(id) => `/tickets/${id}`} />
        </Col>
      </Row>
    </div>
  )
}
