// Related tickets: parent / child / related links, added and removed here; a merged ticket points at
// the ticket it went into.
import { TicketLinkKind, TicketLinkList, type Ticket } from '@aftercare/contracts'
import { DeleteOutlined } from '@ant-design/icons'
import { Alert, Button, List, Popconfirm, Select, Space, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { z } from 'zod'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { StatusTag } from './TicketTags.tsx'
import { TicketPicker } from './TicketPicker.tsx'
import { useTicketLinks } from './tickets.api.ts'
import type { TicketWrites } from './useTicketWrites.ts'

export function LinksPanel({ ticket, writes }: { ticket: Ticket; writes: TicketWrites }) {
  const { t } = useTranslation()
  const me = useCurrentUser()
  const links = useTicketLinks(ticket.id)
  const [other, setOther] = useState<string | undefined>()
  const [kind, setKind] = useState<z.infer<typeof TicketLinkKind>>('related')
  const [busy, setBusy] = useState(false)
  const add = async () => {
    if (!other) return
    setBusy(true)
    try {
      await writes.write('/links', { body: { ticketId: other, kind }, schema: TicketLinkList })
      setOther(undefined)
      await links.refetch()
    } catch {
      // explained by the page
    } finally {
      setBusy(false)
    }
  }
  const remove = async (linkId: string) => {
    await writes.write(`/links/${linkId}`, { method: 'DELETE', schema: z.unknown() }).catch(() => undefined)
    await links.refetch()
  }
  return (
    <div>
      {ticket.mergedIntoId && (
        <Alert
          type="info"
          showIcon
          style={{ marginBottom: 12 }}
          title={
            <span>
              {t('links.mergedInto')} <Link to={`/tickets/${ticket.mergedIntoId}`}>{t('links.openTarget')}</Link>
            </span>
          }
        />
      )}
      <List
        size="small"
        loading={links.isPending}
        dataSource={links.data?.items ?? []}
        locale={{ emptyText: t('links.none') }}
        renderItem={(l) => (
          <List.Item
            actions={
              can(me, 'tickets.write')
                ? [
                    <Popconfirm
                      key="rm"
                      title={t('links.removeConfirm')}
                      onConfirm={() => void remove(l.id)}
                      okText={t('common.confirm')}
                      cancelText={t('common.cancel')}
                    >
                      <Button type="text" size="small" icon={<DeleteOutlined />} />
                    </Popconfirm>,
                  ]
                : []
            }
          >
            <Space wrap>
              <Tag>{t(`links.kind.${l.kind}`)}</Tag>
              <Link to={`/tickets/${l.ticket.id}`}>{l.ticket.number}</Link>
              <Typography.Text>{l.ticket.subject}</Typography.Text>
              <StatusTag status={l.ticket.status} />
            </Space>
          </List.Item>
        )}
      />
      {can(me, 'tickets.write') && (
        <Space.Compact style={{ width: '100%', marginTop: 12 }}>
          <Select
            style={{ width: 130 }}
            value={kind}
            onChange={setKind}
            options={TicketLinkKind.options.map((k) => ({ value: k, label: t(`links.kind.${k}`) }))}
          />
          <TicketPicker exceptId={ticket.id} value={other} onChange={setOther} />
          <Button type="primary" disabled={!other} loading={busy} onClick={() => void add()}>
            {t('links.add')}
          </Button>
        </Space.Compact>
      )}
    </div>
  )
}
