// One request as the customer sees it: its status and progress, the public conversation (they can
// reply), and once it is resolved, the resolution with "confirm" or "still not fixed, reopen".
import { Ticket, TicketMessage } from '@aftercare/contracts'
import { ArrowLeftOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Card, Descriptions, Form, Input, Modal, Result, Skeleton, Space, Steps, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate, useParams } from 'react-router'
import { api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { dateTime } from '../../shared/format.ts'
import { AttachmentsPanel } from '../tickets/Attachments.tsx'
import { MessageList } from '../tickets/Conversation.tsx'
import { StatusTag } from '../tickets/TicketTags.tsx'
import { ticketKeys, ticketPath, useTicket, useTicketMessages } from '../tickets/tickets.api.ts'
import { useTicketLive } from '../tickets/useTicketLive.ts'

/** Where the request stands, in the customer's words: received → being handled → resolved → closed. */
function progressOf(status: Ticket['status']): number {
  switch (status) {
    case 'new':
      return 0
    case 'assigned':
    case 'in_progress':
    case 'pending_customer':
    case 'pending_parts':
    case 'pending_third_party':
      return 1
    case 'resolved':
      return 2
    case 'closed':
    case 'cancelled':
      return 3
  }
}

function ReopenDialog({ ticketId, onClose }: { ticketId: string; onClose: () => void }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const [form] = Form.useForm<{ reason: string }>()
  const reopen = useMutation({
    mutationFn: (reason: string) => api(`${ticketPath(ticketId)}/reopen`, Ticket, { method: 'POST', body: { reason } }),
    onSuccess: async () => {
      message.success(t('portalTickets.reopened'))
      await client.invalidateQueries({ queryKey: ticketKeys.all })
      onClose()
    },
    onError: (e) => {
      if (!applyFieldErrors(t, form, e, ['reason'])) message.error(errorMessage(t, e))
    },
  })
  return (
    <Modal
      open
      title={t('portalTickets.reopenTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={reopen.isPending}
      okText={t('portalTickets.reopen')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      <Form form={form} name="reopen" layout="vertical" onFinish={(v) => reopen.mutate(v.reason)}>
        <Form.Item
          name="reason"
          label={t('portalTickets.reopenReason')}
          rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 2000 }]}
        >
          <Input.TextArea rows={3} maxLength={2000} data-testid="reopen-reason" />
        </Form.Item>
      </Form>
    </Modal>
  )
}

export function PortalTicketPage() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const { id = '' } = useParams()
  const navigate = useNavigate()
  const client = useQueryClient()
  const detail = useTicket(id)
  const messages = useTicketMessages(id)
  const [text, setText] = useState('')
  const [reopening, setReopening] = useState(false)
  useTicketLive(id)
  const refresh = () => client.invalidateQueries({ queryKey: ticketKeys.detail(id) })

  const reply = useMutation({
    mutationFn: (body: string) =>
      api(`${ticketPath(id)}/messages`, TicketMessage, { method: 'POST', body: { body, visibility: 'public' } }),
    onSuccess: async () => {
      setText('')
      await refresh()
    },
    onError: (e) => message.error(errorMessage(t, e)),
  })
  const confirm = useMutation({
    mutationFn: () => api(`${ticketPath(id)}/confirm`, Ticket, { method: 'POST', body: {} }),
    onSuccess: async () => {
      message.success(t('portalTickets.confirmed'))
      await client.invalidateQueries({ queryKey: ticketKeys.all })
    },
    onError: (e) => message.error(errorMessage(t, e)),
  })

  if (detail.isPending) return <Skeleton active />
  const ticket = detail.data?.data
  if (detail.isError || !ticket)
    return (
      <Result
        status="404"
        title={errorMessage(t, detail.error)}
        extra={<Button onClick={() => void navigate('/portal')}>{t('portalTickets.backToList')}</Button>}
      />
    )
  const finished = ticket.status === 'closed' || ticket.status === 'cancelled'

  return (
    <div data-testid="portal-ticket">
      <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => void navigate('/portal')} style={{ marginBottom: 8 }}>
        {t('portalTickets.backToList')}
      </Button>
      <Card style={{ marginBottom: 16 }}>
        <Space wrap size={6}>
          <Typography.Text type="secondary" data-testid="ticket-number">
            {ticket.number}
          </Typography.Text>
          <StatusTag status={ticket.status} />
        </Space>
        <Typography.Title level={3} style={{ margin: '6px 0 16px' }}>
          {ticket.subject}
        </Typography.Title>
        <Steps
          size="small"
          current={progressOf(ticket.status)}
          status={ticket.status === 'cancelled' ? 'error' : undefined}
          items={[
            { title: t('portalTickets.steps.received') },
            { title: t('portalTickets.steps.handling') },
            { title: t('portalTickets.steps.resolved') },
            { title: ticket.status === 'cancelled' ? t('tickets.status.cancelled') : t('portalTickets.steps.closed') },
          ]}
        />
        {ticket.description && (
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginTop: 16, marginBottom: 0 }}>
            {ticket.description}
          </Typography.Paragraph>
        )}
        <Typography.Text type="secondary">{t('portalTickets.submittedAt', { at: dateTime(ticket.createdAt) })}</Typography.Text>
      </Card>

      {ticket.status === 'resolved' && (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('portalTickets.resolvedTitle')}
          description={
            <div>
              {ticket.resolution && (
                <Descriptions column={1} size="small" style={{ marginBottom: 8 }}>
                  <Descriptions.Item label={t('tickets.resolution.cause')}>{ticket.resolution.cause}</Descriptions.Item>
                  <Descriptions.Item label={t('tickets.resolution.actions')}>{ticket.resolution.actions}</Descriptions.Item>
                  {ticket.resolution.suggestions && (
                    <Descriptions.Item label={t('tickets.resolution.suggestions')}>{ticket.resolution.suggestions}</Descriptions.Item>
                  )}
                </Descriptions>
              )}
              <Space>
                <Button type="primary" loading={confirm.isPending} onClick={() => confirm.mutate()} data-testid="portal-confirm">
                  {t('portalTickets.confirm')}
                </Button>
                <Button onClick={() => setReopening(true)} data-testid="portal-reopen">
                  {t('portalTickets.notFixed')}
                </Button>
              </Space>
            </div>
          }
          data-testid="portal-resolved"
        />
      )}
      {ticket.status === 'closed' && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 16 }}
          title={t('portalTickets.closedTitle')}
          action={
            <Button size="small" onClick={() => setReopening(true)} data-testid="portal-reopen">
              {t('portalTickets.reopen')}
            </Button>
          }
        />
      )}

      <Card title={t('portalTickets.conversation')}>
        <MessageList messages={messages.data?.items ?? []} empty={t('portalTickets.noMessages')} customerView />
        {!finished && (
          <div style={{ marginTop: 16 }}>
            <Input.TextArea
              rows={4}
              value={text}
              onChange={(e) => setText(e.target.value)}
              maxLength={20000}
              placeholder={t('portalTickets.replyPlaceholder')}
              data-testid="portal-reply-input"
            />
            <div style={{ textAlign: 'right', marginTop: 8 }}>
              <Button
                type="primary"
                disabled={!text.trim()}
                loading={reply.isPending}
                onClick={() => reply.mutate(text.trim())}
                data-testid="portal-reply-send"
              >
                {t('portalTickets.send')}
              </Button>
            </div>
          </div>
        )}
      </Card>
      <Card title={t('attachments.title')} style={{ marginTop: 16 }}>
        <AttachmentsPanel ticketId={id} staff={false} canUpload={!finished} />
      </Card>
      {reopening && <ReopenDialog ticketId={id} onClose={() => setReopening(false)} />}
    </div>
  )
}
