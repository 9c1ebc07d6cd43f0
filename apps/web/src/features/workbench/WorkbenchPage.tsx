// The staff home page: a greeting now; the user's queues and SLA alerts once tickets exist.
import { useTranslation } from 'react-i18next'
import { useCurrentUser } from '../../shared/auth/session.ts'
import { ComingSoon } from '../../shared/ui/ComingSoon.tsx'

export function WorkbenchPage() {
  const { t } = useTranslation()
  const me = useCurrentUser()
  return (
    <ComingSoon
      title={t('pages.workbench.greeting', { name: me.name })}
      description={t('pages.workbench.description')}
      points={[t('pages.workbench.point1'), t('pages.workbench.point2'), t('pages.workbench.point3')]}
    />
  )
}
