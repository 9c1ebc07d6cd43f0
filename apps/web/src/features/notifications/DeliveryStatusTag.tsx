// A delivery's status as a coloured tag (the notification and webhook logs share the statuses).
import type { DeliveryStatus } from '@aftercare/contracts'
import { Tag } from 'antd'
import { useTranslation } from 'react-i18next'

const colors: Record<DeliveryStatus, string> = {
  queued: 'default',
  sending: 'processing',
  sent: 'success',
  retrying: 'warning',
  failed: 'error',
  dead: 'magenta',
}

export function DeliveryStatusTag({ status }: { status: DeliveryStatus }) {
  const { t } = useTranslation()
  return (
    <Tag color={colors[status]} data-testid={`delivery-status-${status}`}>
      {t(`notifications.deliveryStatus.${status}`)}
    </Tag>
  )
}
