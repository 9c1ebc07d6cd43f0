// One ticket: header with the actions, the conversation (replies and internal notes), the timeline
// and links; beside it the fields, the customer 360° panel, watchers and the resolution.
// Keys: r reply, n internal note, a assign, e escalate, w watch, Esc back, ? help.
import { TicketMessage, type AddMessageBody, type Ticket } from '@aftercare/contracts'
import { ArrowLeftOutlined, QuestionCircleOutlined } from '@ant-design/icons'
import { Alert, Button, Card, Col, Descriptions, Result, Row, Skeleton, Space, Tabs, Tag, Tooltip, Typography } from 'antd'
import { useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate, useParams } from 'react-router'
import { errorMessage } from '../../shared/api/errors.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { AttachmentsPanel } from './Attachments.tsx'
import { Composer, MessageList, type ComposerMode } from './Conversation.tsx'
import { TicketSlaPanel } from '../sla/TicketSlaPanel.tsx'
import { Customer360 } from './Customer360.tsx'
import { LinksPanel } from './LinksPanel.tsx'
import { MacroPicker } from './MacroPicker.tsx'
import { ShortcutHelp } from './ShortcutHelp.tsx'
import { TicketActions, type ActionDialog } from './TicketActions.tsx'
import { TicketFieldsPanel } from './TicketFieldsPanel.tsx'
import { PriorityTag, StatusTag, TierTag } from './TicketTags.tsx'
import { TimelineList } from './TimelineList.tsx'
import { useStaffDirectory, useTicket, useTicketMessages, useTicketQueues, useTicketTimeline } from './tickets.api.ts'
import { useShortcuts } from './useShortcuts.ts'
import { useTicketLive } from './useTicketLive.ts'
import { useTicketWrites } from './useTicketWrites.ts'

type Tab = 'conversation' | 'attachments' | 'timeline' | 'links'

function ResolutionCard({ ticket }: { ticket: Ticket }) {
  const { t } = useTranslation()
  if (!ticket.resolution) return null
  return (
    <Card size="small" title={t('tickets.resolution.title')} data-testid="resolution">
      <Descriptions column={1} size="small">
        <Descriptions.Item label={t('tickets.resolution.cause')}>{ticket.resolution.cause}</Descriptions.Item>
        <Descriptions.Item label={t('tickets.resolution.actions')}>{ticket.resolution.actions}</Descriptions.Item>
        {ticket.resolution.suggestions && (
          <Descriptions.Item label={t('tickets.resolution.suggestions')}>{ticket.resolution.suggestions}</Descriptions.Item>
        )}
      </Descriptions>
    </Card>
  )
}

function WatchersCard({ ticket, nameOf }: { ticket: Ticket; nameOf: (id: string) => string | null }) {
  const { t } = useTranslation()
  return (
    <Card size="small" title={t('tickets.watchers', { count: ticket.watcherIds.length })}>
      {ticket.watcherIds.length ? (
        <Space wrap>
          {ticket.watcherIds.map((id) => (
            <Tag key={id}>{nameOf(id) ?? t('tickets.someone')}</Tag>
          ))}
        </Space>
      ) : (
        <Typography.Text type="secondary">{t('tickets.noWatchers')}</Typography.Text>
      )}
    </Card>
  )
}

export function TicketDetailPage() {
  const { t } = useTranslation()
  const { id = '' } = useParams()
  const navigate = useNavigate()
  const me = useCurrentUser()
  const detail = useTicket(id)
  const messages = useTicketMessages(id)
  const [tab, setTab] = useState<Tab>('conversation')
  const timeline = useTicketTimeline(id, tab === 'timeline')
  const writes = useTicketWrites(id)
  const { staff, nameOf } = useStaffDirectory()
  const queues = useTicketQueues()
  const [mode, setMode] = useState<ComposerMode>('public')
  const composerRef = useRef<{ focus: () => void } | null>(null)
  const [dialog, setDialog] = useState<ActionDialog | null>(null)
  const [help, setHelp] = useState(false)
  const [sending, setSending] = useState(false)
  const [insert, setInsert] = useState<{ text: string; n: number }>()
  const isStaffUser = me.customerOrgId === null
  useTicketLive(id)

  const ticket = detail.data?.data
  const mayReply = can(me, 'tickets.reply') || can(me, 'tickets.write')
  const compose = (m: ComposerMode) => {
    setTab('conversation')
    setMode(m)
    setTimeout(() => composerRef.current?.focus(), 50)
  }
  useShortcuts(
    {
      r: () => mayReply && compose('public'),
      n: () => mayReply && compose('internal'),
      a: () => can(me, 'tickets.assign') && setDialog({ kind: 'assign' }),
      e: () => can(me, 'tickets.write') && ticket?.tier !== 'L3' && setDialog({ kind: 'escalate' }),
      w: () => document.querySelector<HTMLButtonElement>('[data-testid="ticket-watch"]')?.click(),
      Escape: () => void navigate(-1),
      '?': () => setHelp(true),
    },
    !!ticket && dialog === null,
  )

  const send = async (body: AddMessageBody) => {
    setSending(true)
    try {
      await writes.write('/messages', { body, schema: TicketMessage })
    } finally {
      setSending(false)
    }
  }

  if (detail.isPending) return <Skeleton active />
  if (detail.isError || !ticket)
    return (
      <Result
        status={detail.error && 'status' in detail.error && detail.error.status === 404 ? '404' : 'error'}
        title={errorMessage(t, detail.error)}
        extra={<Button onClick={() => void navigate('/workbench')}>{t('tickets.backToWorkbench')}</Button>}
      />
    )
  const queueName = queues.data?.find((q) => q.id === ticket.queueId)?.name

  return (
    <div data-testid="ticket-detail">
      <Space style={{ marginBottom: 12 }}>
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => void navigate(-1)}>
          {t('tickets.back')}
        </Button>
      </Space>
      {writes.stale && (
        <Alert
          type="warning"
          showIcon
          style={{ marginBottom: 12 }}
          title={t('tickets.staleEdit')}
          action={
            <Button size="small" onClick={() => void writes.reload()} data-testid="stale-reload">
              {t('common.reload')}
            </Button>
          }
          data-testid="ticket-stale"
        />
      )}
      <Card style={{ marginBottom: 16 }}>
        <div style={{ display: 'flex', justifyContent: 'space-between', gap: 16, flexWrap: 'wrap' }}>
          <div style={{ minWidth: 0 }}>
            <Space wrap size={6}>
              <Typography.Text type="secondary" copyable data-testid="ticket-number">
                {ticket.number}
              </Typography.Text>
              <StatusTag status={ticket.status} />
              <PriorityTag priority={ticket.priority} />
              <TierTag tier={ticket.tier} />
            </Space>
            <Typography.Title level={3} style={{ margin: '6px 0' }} data-testid="ticket-subject">
              {ticket.subject}
            </Typography.Title>
            <Typography.Text type="secondary">
              {t('tickets.ownedBy', {
                assignee: ticket.assigneeId ? (nameOf(ticket.assigneeId) ?? t('tickets.someone')) : t('tickets.unassigned'),
                queue: queueName ?? t('tickets.noQueue'),
              })}
            </Typography.Text>
          </div>
          <Space align="start">
            <TicketActions
              ticket={ticket}
              etag={detail.data.etag}
              writes={writes}
              messages={messages.data?.items ?? []}
              dialog={dialog}
              onDialog={setDialog}
            />
            <Tooltip title={t('shortcuts.title')}>
              <Button icon={<QuestionCircleOutlined />} onClick={() => setHelp(true)} />
            </Tooltip>
          </Space>
        </div>
        {ticket.description && (
          <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginTop: 12, marginBottom: 0 }} data-testid="ticket-description">
            {ticket.description}
          </Typography.Paragraph>
        )}
      </Card>
      <Row gutter={16}>
        <Col xs={24} xl={16}>
          <Card>
            <Tabs
              activeKey={tab}
              onChange={(k) => setTab(k as Tab)}
              items={[
                {
                  key: 'conversation',
                  label: t('tickets.conversation'),
                  children: (
                    <Space orientation="vertical" style={{ width: '100%' }} size={12}>
                      {messages.isError ? (
                        <Alert type="error" showIcon title={errorMessage(t, messages.error)} />
                      ) : (
                        <MessageList messages={messages.data?.items ?? []} empty={t('tickets.noMessages')} />
                      )}
                      {mayReply && (
                        <Composer
                          mode={mode}
                          onMode={setMode}
                          staff={staff}
                          inputRef={composerRef}
                          onSend={send}
                          sending={sending}
                          insert={insert}
                          tools={
                            isStaffUser && (
                              <MacroPicker
                                ticketId={ticket.id}
                                writes={writes}
                                mayApply={can(me, 'tickets.write')}
                                onInsert={(text) => setInsert((cur) => ({ text, n: (cur?.n ?? 0) + 1 }))}
                              />
                            )
                          }
                        />
                      )}
                    </Space>
                  ),
                },
                {
                  key: 'attachments',
                  label: <span data-testid="tab-attachments">{t('attachments.title')}</span>,
                  children: <AttachmentsPanel ticketId={ticket.id} staff canUpload={mayReply} />,
                },
                {
                  key: 'timeline',
                  label: <span data-testid="tab-timeline">{t('tickets.timeline')}</span>,
                  children: timeline.isPending ? <Skeleton active /> : <TimelineList items={timeline.data?.items ?? []} nameOf={nameOf} />,
                },
                { key: 'links', label: t('links.title'), children: <LinksPanel ticket={ticket} writes={writes} /> },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} xl={8}>
          <Space orientation="vertical" style={{ width: '100%' }} size={16}>
            <ResolutionCard ticket={ticket} />
            <TicketFieldsPanel ticket={ticket} etag={detail.data.etag} writes={writes} />
            <TicketSlaPanel ticketId={ticket.id} />
            <Customer360 ticket={ticket} />
            <WatchersCard ticket={ticket} nameOf={nameOf} />
          </Space>
        </Col>
      </Row>
      <ShortcutHelp open={help} onClose={() => setHelp(false)} scope="detail" />
    </div>
  )
}
