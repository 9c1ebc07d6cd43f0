// Administration of tickets: types, the category tree with each category's form, queues, the
// priority matrix and the numbering / reopen / attachment settings.
import { Card, Tabs, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { MacroList } from '../MacroList.tsx'
import { CategoriesTab } from './CategoriesTab.tsx'
import { MatrixTab } from './MatrixTab.tsx'
import { QueuesTab } from './QueuesTab.tsx'
import { SettingsTab } from './SettingsTab.tsx'
import { TypesTab } from './TypesTab.tsx'

export function TicketConfigPage() {
  const { t } = useTranslation()
  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('nav.ticketConfig')}
      </Typography.Title>
      <Card>
        <Tabs
          items={[
            { key: 'categories', label: t('ticketAdmin.tabs.categories'), children: <CategoriesTab /> },
            { key: 'types', label: t('ticketAdmin.tabs.types'), children: <TypesTab /> },
            { key: 'queues', label: t('ticketAdmin.tabs.queues'), children: <QueuesTab /> },
            { key: 'macros', label: <span data-testid="tab-macros">{t('macros.tab')}</span>, children: <MacroList shared /> },
            { key: 'matrix', label: t('ticketAdmin.tabs.matrix'), children: <MatrixTab /> },
            { key: 'settings', label: t('ticketAdmin.tabs.settings'), children: <SettingsTab /> },
          ]}
        />
      </Card>
    </div>
  )
}
