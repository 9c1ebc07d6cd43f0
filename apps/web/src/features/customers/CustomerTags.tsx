import type { CustomerTier, WarrantyState } from '@aftercare/contracts'
import { Tag } from 'antd'
import { useTranslation } from 'react-i18next'

const tierColor: Record<CustomerTier, string> = { standard: 'default', silver: 'cyan', gold: 'gold', strategic: 'magenta' }
const warrantyColor: Record<WarrantyState, string> = { under_contract: 'purple', in_warranty: 'green', expired: 'red', unknown: 'default' }

export function TierTag({ tier }: { tier: CustomerTier }) {
  const { t } = useTranslation()
  return <Tag color={tierColor[tier]}>{t(`customers.tiers.${tier}`)}</Tag>
}

export function WarrantyStateTag({ state }: { state: WarrantyState }) {
  const { t } = useTranslation()
  return (
    <Tag color={warrantyColor[state]} data-testid={`warranty-${state}`}>
      {t(`devices.warrantyStates.${state}`)}
    </Tag>
  )
}
