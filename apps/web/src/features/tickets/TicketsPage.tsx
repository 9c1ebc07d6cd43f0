// Every ticket the user may see, with the full set of filters and saved views.
import { Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { TicketWorkList } from './TicketWorkList.tsx'

export function TicketsPage() {
  const { t } = useTranslation()
  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('pages.tickets.title')}
      </Typography.Title>
      <TicketWorkList withTabs={false} />
    </div>
  )
}
