import { useTranslation } from 'react-i18next'
import { ComingSoon } from '../../shared/ui/ComingSoon.tsx'

export function FieldHomePage() {
  const { t } = useTranslation()
  return (
    <ComingSoon
      title={t('pages.field.title')}
      description={t('pages.field.description')}
      points={[t('pages.field.point1'), t('pages.field.point2'), t('pages.field.point3')]}
    />
  )
}
