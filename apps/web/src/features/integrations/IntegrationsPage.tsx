// Webhooks administration: outgoing subscriptions with their delivery log and replays, and inbound
// webhooks that create tickets from other systems' JSON through a mapping.
import { Card, Tabs, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { InboundTab } from './InboundTab.tsx'
import { SubscriptionsTab } from './SubscriptionsTab.tsx'

export function IntegrationsPage() {
  const { t } = useTranslation()
  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('integrations.title')}
      </Typography.Title>
      <Card>
        <Tabs
          destroyOnHidden
          items={[
            { key: 'outgoing', label: t('integrations.outgoing.tab'), children: <SubscriptionsTab /> },
            { key: 'inbound', label: t('integrations.inbound.tab'), children: <InboundTab /> },
          ]}
        />
      </Card>
    </div>
  )
}
