import { useTranslation } from 'react-i18next'
import { ComingSoon } from '../../shared/ui/ComingSoon.tsx'

export function PartsPage() {
  const { t } = useTranslation()
  return (
    <ComingSoon
      title={t('pages.parts.title')}
      description={t('pages.parts.description')}
      points={[t('pages.parts.point1'), t('pages.parts.point2'), t('pages.parts.point3')]}
    />
  )
}
