import { useTranslation } from 'react-i18next'
import { ComingSoon } from '../../shared/ui/ComingSoon.tsx'

export function DispatchPage() {
  const { t } = useTranslation()
  return (
    <ComingSoon
      title={t('pages.dispatch.title')}
      description={t('pages.dispatch.description')}
      points={[t('pages.dispatch.point1'), t('pages.dispatch.point2'), t('pages.dispatch.point3')]}
    />
  )
}
