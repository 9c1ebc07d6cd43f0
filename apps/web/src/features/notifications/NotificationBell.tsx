// The bell in the staff and portal headers: the unread count, live over the realtime socket, and a
// drawer-like list of the newest notifications; opening one marks it read and shows its ticket.
import type { InAppNotification } from '@aftercare/contracts'
import { BellOutlined } from '@ant-design/icons'
import { App, Badge, Button, Empty, Popover, Spin, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import { errorMessage } from '../../shared/api/errors.ts'
import { useCurrentUser } from '../../shared/auth/session.ts'
import { dateTime } from '../../shared/format.ts'
import { useBellList, useMarkRead, useUnreadCount } from './notifications.api.ts'

function Item({ n, onOpen }: { n: InAppNotification; onOpen: (n: InAppNotification) => void }) {
  const isUnread = n.readAt === null
  return (
    <button
      type="button"
      data-testid="notification-item"
      data-unread={isUnread}
      onClick={() => onOpen(n)}
      style={{
        display: 'block',
        width: '100%',
        textAlign: 'left',
        border: 0,
        borderBottom: '1px solid #f0f0f0',
        padding: '10px 12px',
        background: isUnread ? '#f0f7ff' : 'transparent',
        cursor: 'pointer',
      }}
    >
      <Typography.Text strong={isUnread} ellipsis style={{ display: 'block' }}>
        {isUnread && <Badge status="processing" style={{ marginRight: 6 }} />}
        {n.title}
      </Typography.Text>
      <Typography.Paragraph type="secondary" ellipsis={{ rows: 2 }} style={{ margin: '2px 0', fontSize: 13 }}>
        {n.body}
      </Typography.Paragraph>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {dateTime(n.createdAt)}
      </Typography.Text>
    </button>
  )
}

export function NotificationBell() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const me = useCurrentUser()
  const navigate = useNavigate()
  const [open, setOpen] = useState(false)
  const unread = useUnreadCount(me.id)
  const list = useBellList(open)
  const markRead = useMarkRead()
  const count = unread.data?.unread ?? 0
  const fail = (e: unknown) => void message.error(errorMessage(t, e))

  const handleOpen = (n: InAppNotification) => {
    if (n.readAt === null) markRead.mutate({ ids: [n.id] }, { onError: fail })
    if (n.link) {
      setOpen(false)
      void navigate(n.link)
    }
  }

  const items = list.data?.items ?? []
  const content = (
    <div style={{ width: 360, maxWidth: '86vw' }} data-testid="notification-list">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', padding: '4px 12px 8px' }}>
        <Typography.Text strong>{t('notifications.bell.title')}</Typography.Text>
        <Button
          type="link"
          size="small"
          data-testid="notification-mark-all"
          disabled={count === 0}
          loading={markRead.isPending}
          onClick={() => markRead.mutate({ all: true }, { onError: fail })}
        >
          {t('notifications.bell.markAllRead')}
        </Button>
      </div>
      <div style={{ maxHeight: 420, overflowY: 'auto', borderTop: '1px solid #f0f0f0' }}>
        {list.isPending ? (
          <div style={{ padding: 24, textAlign: 'center' }}>
            <Spin />
          </div>
        ) : list.isError ? (
          <Typography.Text type="danger" style={{ display: 'block', padding: 12 }}>
            {errorMessage(t, list.error)}
          </Typography.Text>
        ) : items.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.bell.empty')} />
        ) : (
          items.map((n) => <Item key={n.id} n={n} onOpen={handleOpen} />)
        )}
      </div>
    </div>
  )

  return (
    <Popover
      trigger="click"
      placement="bottomRight"
      open={open}
      onOpenChange={setOpen}
      content={content}
      styles={{ container: { padding: '8px 0' } }}
    >
      <Button type="text" data-testid="notification-bell" data-unread={count} aria-label={t('notifications.bell.label', { count })}>
        <Badge count={count} size="small" overflowCount={99}>
          <BellOutlined style={{ fontSize: 18 }} />
        </Badge>
      </Button>
    </Popover>
  )
}
