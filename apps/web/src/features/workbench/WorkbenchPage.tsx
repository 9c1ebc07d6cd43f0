// The agent's one screen: a greeting, then their work in tabs (mine, unassigned, my queues,
// watching, all) with counts. Staff without ticket access see what the workbench will hold for them.
import { Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { ComingSoon } from '../../shared/ui/ComingSoon.tsx'
import { TicketWorkList } from '../tickets/TicketWorkList.tsx'

export function WorkbenchPage() {
  const { t } = useTranslation()
  const me = useCurrentUser()
  if (!can(me, 'tickets.read'))
    return (
      <ComingSoon
        title={t('pages.workbench.greeting', { name: me.name })}
        description={t('pages.workbench.description')}
        points={[t('pages.workbench.point1'), t('pages.workbench.point2'), t('pages.workbench.point3')]}
      />
    )
  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('pages.workbench.greeting', { name: me.name })}
      </Typography.Title>
      <TicketWorkList withTabs />
    </div>
  )
}
