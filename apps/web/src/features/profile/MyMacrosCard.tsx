// An agent's own macros (saved replies), also reachable from the reply box; the preview needs a
// ticket, so it is offered there.
import { Card } from 'antd'
import { useTranslation } from 'react-i18next'
import { MacroList } from '../tickets/MacroList.tsx'

export function MyMacrosCard() {
  const { t } = useTranslation()
  return (
    <Card title={t('macros.mine')} data-testid="my-macros-card">
      <MacroList shared={false} />
    </Card>
  )
}
