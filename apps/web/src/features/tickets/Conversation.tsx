// The conversation of a ticket: public replies (the customer sees them) and internal notes (staff
// only, tinted and marked), each with its attachments; and the composer with @mentions.
import { TicketMessage, type AddMessageBody, type MessageVisibility } from '@aftercare/contracts'
import { LockOutlined } from '@ant-design/icons'
import { App, Button, Empty, List, Mentions, Segmented, Space, Tag, Typography } from 'antd'
import { useState, type ReactNode, type RefObject } from 'react'
import { useTranslation } from 'react-i18next'
import { dateTime } from '../../shared/format.ts'
import { AttachmentLinks } from './Attachments.tsx'
import type { StaffMember } from './tickets.api.ts'

export function MessageList({
  messages,
  empty,
  customerView,
}: {
  messages: readonly TicketMessage[]
  empty: ReactNode
  customerView?: boolean
}) {
  const { t } = useTranslation()
  if (!messages.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={empty} />
  return (
    <List
      dataSource={[...messages]}
      split={false}
      renderItem={(m) => {
        const internal = m.visibility === 'internal'
        const fromCustomer = m.authorType === 'customer'
        return (
          <List.Item style={{ display: 'block', padding: '6px 0' }}>
            <div
              data-testid={internal ? 'message-internal' : 'message-public'}
              style={{
                border: `1px solid ${internal ? '#ffe58f' : fromCustomer ? '#d6e4ff' : '#f0f0f0'}`,
                background: internal ? '#fffbe6' : fromCustomer ? '#f0f5ff' : '#fff',
                borderRadius: 8,
                padding: '10px 14px',
              }}
            >
              <Space size={8} wrap style={{ marginBottom: 4 }}>
                <Typography.Text strong>{m.authorName ?? t(`tickets.author.${m.authorType}`)}</Typography.Text>
                {!customerView && <Tag>{t(`tickets.author.${m.authorType}`)}</Tag>}
                {internal && (
                  <Tag color="gold" icon={<LockOutlined />}>
                    {t('tickets.internalNote')}
                  </Tag>
                )}
                <Typography.Text type="secondary">{dateTime(m.createdAt)}</Typography.Text>
              </Space>
              <div style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>{m.body}</div>
              <AttachmentLinks items={m.attachments} />
            </div>
          </List.Item>
        )
      }}
    />
  )
}

/** The users named as `@name` in a text (longest names first, so `@王 小明` is not read as `@王`). */
export function mentionedIds(text: string, staff: readonly StaffMember[]): string[] {
  const found = new Set<string>()
  for (const s of [...staff].sort((a, b) => b.name.length - a.name.length)) if (text.includes(`@${s.name}`)) found.add(s.id)
  return [...found].slice(0, 20)
}

export type ComposerMode = MessageVisibility

export function Composer({
  mode,
  onMode,
  staff,
  inputRef,
  onSend,
  sending,
  insert,
  tools,
}: {
  mode: ComposerMode
  onMode: (m: ComposerMode) => void
  staff: readonly StaffMember[]
  inputRef?: RefObject<{ focus: () => void } | null>
  onSend: (body: AddMessageBody) => Promise<unknown>
  sending: boolean
  /** Text to insert (a macro), with a counter so the same text can be inserted twice. */
  insert?: { text: string; n: number }
  /** Beside the public/internal switch (the macro picker). */
  tools?: ReactNode
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const [text, setText] = useState('')
  const [inserted, setInserted] = useState(0)
  if (insert && insert.n !== inserted) {
    setInserted(insert.n)
    setText((cur) => (cur ? `${cur}\n${insert.text}` : insert.text))
  }
  const internal = mode === 'internal'
  const send = async () => {
    const body = text.trim()
    if (!body) return message.warning(t('tickets.emptyMessage'))
    try {
      await onSend({ body, visibility: mode, mentionUserIds: mentionedIds(body, staff) })
      setText('')
    } catch {
      // the page has said why; the text stays for another try
    }
  }
  return (
    <div
      style={{
        border: `1px solid ${internal ? '#ffe58f' : '#d9d9d9'}`,
        background: internal ? '#fffbe6' : '#fff',
        borderRadius: 8,
        padding: 12,
      }}
      data-testid="composer"
    >
      <div style={{ display: 'flex', justifyContent: 'space-between', gap: 8, marginBottom: 8, flexWrap: 'wrap' }}>
        <Segmented<ComposerMode>
          value={mode}
          onChange={onMode}
          options={[
            { value: 'public', label: <span data-testid="mode-public">{t('tickets.publicReply')}</span> },
            { value: 'internal', label: <span data-testid="mode-internal">{t('tickets.internalNote')}</span> },
          ]}
        />
        {tools}
      </div>
      <Mentions
        ref={inputRef as never}
        rows={4}
        value={text}
        onChange={setText}
        placeholder={internal ? t('tickets.notePlaceholder') : t('tickets.replyPlaceholder')}
        options={staff.map((s) => ({ value: s.name, label: s.name, key: s.id }))}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) void send()
        }}
        data-testid="composer-input"
      />
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', marginTop: 8 }}>
        <Typography.Text type="secondary">{internal ? t('tickets.internalHint') : t('tickets.publicHint')}</Typography.Text>
        <Button type="primary" loading={sending} onClick={() => void send()} data-testid="composer-send">
          {internal ? t('tickets.addNote') : t('tickets.sendReply')}
        </Button>
      </div>
    </div>
  )
}
