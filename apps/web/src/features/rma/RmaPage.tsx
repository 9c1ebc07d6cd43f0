import { useTranslation } from 'react-i18next'
import { ComingSoon } from '../../shared/ui/ComingSoon.tsx'

export function RmaPage() {
  const { t } = useTranslation()
  return (
    <ComingSoon
      title={t('pages.rma.title')}
      description={t('pages.rma.description')}
      points={[t('pages.rma.point1'), t('pages.rma.point2'), t('pages.rma.point3')]}
    />
  )
}
