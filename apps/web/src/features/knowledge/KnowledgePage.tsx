import { useTranslation } from 'react-i18next'
import { ComingSoon } from '../../shared/ui/ComingSoon.tsx'

export function KnowledgePage() {
  const { t } = useTranslation()
  return (
    <ComingSoon
      title={t('pages.knowledge.title')}
      description={t('pages.knowledge.description')}
      points={[t('pages.knowledge.point1'), t('pages.knowledge.point2'), t('pages.knowledge.point3')]}
    />
  )
}
