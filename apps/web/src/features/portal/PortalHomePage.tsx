import { useTranslation } from 'react-i18next'
import { ComingSoon } from '../../shared/ui/ComingSoon.tsx'

export function PortalHomePage() {
  const { t } = useTranslation()
  return (
    <ComingSoon
      title={t('pages.portal.title')}
      description={t('pages.portal.description')}
      points={[t('pages.portal.point1'), t('pages.portal.point2'), t('pages.portal.point3')]}
    />
  )
}
