// A customer submits a service request: what kind, which category (with that category's questions
// meant for customers), a subject and a description; open requests that look alike are shown first.
import { Ticket, type CreateTicketBody } from '@aftercare/contracts'
import { App, Button, Card, Col, Form, Input, Row, Select, Space, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import { api, submissionKeys } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { useCurrentUser } from '../../shared/auth/session.ts'
import { PendingFiles, uploadAttachments, useAttachmentLimitText } from '../tickets/Attachments.tsx'
import { filledCustomFields } from '../tickets/CustomFieldInputs.tsx'
import { SimilarOpenTickets } from '../tickets/NewTicketPage.tsx'
import { ticketsPath } from '../tickets/tickets.api.ts'
import { CategoryField, CategoryFormFields, TypeField, categoryIdOf } from '../tickets/TypeCategoryFields.tsx'

interface Values {
  typeId: string
  categoryPath?: string[]
  subject: string
  description?: string
  urgency: number
  customFields?: Record<string, unknown>
  files?: File[]
}

export function PortalNewTicketPage() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const navigate = useNavigate()
  const [form] = Form.useForm<Values>()
  const [busy, setBusy] = useState(false)
  const limits = useAttachmentLimitText()
  const me = useCurrentUser()
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
  const subject = Form.useWatch('subject', form) ?? ''

  const [keys] = useState(submissionKeys)
  const submit = async (v: Values) => {
    const categoryId = categoryIdOf(v.categoryPath)
    const body: CreateTicketBody = {
      subject: v.subject,
      description: v.description ?? '',
      typeId: v.typeId,
      urgency: v.urgency,
      customFields: filledCustomFields(v.customFields),
      ...(categoryId ? { categoryId } : {}),
    }
    setBusy(true)
    try {
      const created = await api(ticketsPath, Ticket, { method: 'POST', body, idempotencyKey: keys.keyFor(body) })
      message.success(t('portalTickets.submitted', { number: created.number }))
      await attachFiles(created.id, v.files)
      void navigate(`/portal/tickets/${created.id}`, { replace: true })
    } catch (e) {
      if (!applyFieldErrors(t, form, e, ['typeId', 'categoryId', 'subject', 'description', 'urgency', 'customFields']))
        message.error(errorMessage(t, e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('portalTickets.new')}
      </Typography.Title>
      <Row gutter={16}>
        <Col xs={24} lg={16}>
          <Card>
            <Form form={form} name="portalTicket" layout="vertical" initialValues={{ urgency: 2 }} onFinish={(v) => void submit(v)}>
              <TypeField label={t('portalTickets.type')} testId="portal-type" />
              <CategoryField testId="portal-category" />
              <Form.Item
                name="subject"
                label={t('portalTickets.subject')}
                rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 200 }]}
              >
                <Input maxLength={200} placeholder={t('portalTickets.subjectPlaceholder')} data-testid="portal-subject" />
              </Form.Item>
              <Form.Item name="description" label={t('portalTickets.description')} rules={[{ max: 20000 }]}>
                <Input.TextArea rows={6} placeholder={t('portalTickets.descriptionPlaceholder')} data-testid="portal-description" />
              </Form.Item>
              <CategoryFormFields audience="customer" />
              <Form.Item name="files" label={t('attachments.title')} extra={limits}>
                <PendingFiles />
              </Form.Item>
              <Form.Item name="urgency" label={t('portalTickets.urgency')}>
                <Select options={[1, 2, 3].map((n) => ({ value: n, label: t(`portalTickets.urgencyOption.${n}`) }))} />
              </Form.Item>
              <Space>
                <Button type="primary" htmlType="submit" loading={busy} data-testid="portal-submit">
                  {t('portalTickets.submit')}
                </Button>
                <Button onClick={() => void navigate('/portal')}>{t('common.cancel')}</Button>
              </Space>
            </Form>
          </Card>
        </Col>
        <Col xs={24} lg={8}>
          <SimilarOpenTickets subject={subject} linkTo={(id) => `/portal/tickets/${id}`} />
        </Col>
      </Row>
    </div>
  )
}
