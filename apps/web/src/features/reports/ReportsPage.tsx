import { useTranslation } from 'react-i18next'
import { ComingSoon } from '../../shared/ui/ComingSoon.tsx'

export function ReportsPage() {
  const { t } = useTranslation()
  return (
    <ComingSoon
      title={t('pages.reports.title')}
      description={t('pages.reports.description')}
      points={[t('pages.reports.point1'), t('pages.reports.point2'), t('pages.reports.point3')]}
    />
  )
}
