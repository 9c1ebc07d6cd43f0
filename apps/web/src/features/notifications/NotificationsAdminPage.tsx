// Administration of the notification center: templates per event × channel × language × audience
// with a live preview, and the delivery log.
import { Card, Tabs, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { DeliveriesTab } from './DeliveriesTab.tsx'
import { TemplatesTab } from './TemplatesTab.tsx'

export function NotificationsAdminPage() {
  const { t } = useTranslation()
  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('notifications.admin.title')}
      </Typography.Title>
      <Card>
        <Tabs
          destroyOnHidden
          items={[
            { key: 'templates', label: t('notifications.admin.templates'), children: <TemplatesTab /> },
            { key: 'deliveries', label: t('notifications.admin.deliveries'), children: <DeliveriesTab /> },
          ]}
        />
      </Card>
    </div>
  )
}
