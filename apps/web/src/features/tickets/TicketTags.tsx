// How a ticket's status, priority and tier look everywhere: one colour per value, names from the catalogs.
import type { SupportTier, TicketPriority, TicketStatus } from '@aftercare/contracts'
import { Tag } from 'antd'
import { useTranslation } from 'react-i18next'

const statusColor: Record<TicketStatus, string> = {
  new: 'blue',
  assigned: 'geekblue',
  in_progress: 'processing',
  pending_customer: 'gold',
  pending_parts: 'gold',
  pending_third_party: 'gold',
  resolved: 'green',
  closed: 'default',
  cancelled: 'default',
}

const priorityColor: Record<TicketPriority, string> = { P0: 'red', P1: 'volcano', P2: 'orange', P3: 'blue', P4: 'default' }

export function StatusTag({ status }: { status: TicketStatus }) {
  const { t } = useTranslation()
  return (
    <Tag color={statusColor[status]} data-testid="ticket-status">
      {t(`tickets.status.${status}`)}
    </Tag>
  )
}

export function PriorityTag({ priority }: { priority: TicketPriority }) {
  const { t } = useTranslation()
  return (
    <Tag color={priorityColor[priority]} title={t(`tickets.priorityHint.${priority}`)}>
      {priority}
    </Tag>
  )
}

export function TierTag({ tier }: { tier: SupportTier }) {
  return <Tag>{tier}</Tag>
}
