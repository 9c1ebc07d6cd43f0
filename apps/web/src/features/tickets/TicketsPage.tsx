import { useTranslation } from 'react-i18next'
import { ComingSoon } from '../../shared/ui/ComingSoon.tsx'

export function TicketsPage() {
  const { t } = useTranslation()
  return (
    <ComingSoon
      title={t('pages.tickets.title')}
      description={t('pages.tickets.description')}
      points={[t('pages.tickets.point1'), t('pages.tickets.point2'), t('pages.tickets.point3')]}
    />
  )
}
