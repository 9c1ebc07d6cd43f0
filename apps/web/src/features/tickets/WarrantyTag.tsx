import type { WarrantyState } from '@aftercare/contracts'
import { Tag } from 'antd'
import { useTranslation } from 'react-i18next'

const color: Record<WarrantyState, string> = { under_contract: 'purple', in_warranty: 'green', expired: 'red', unknown: 'default' }

export function WarrantyTag({ state }: { state: WarrantyState }) {
  const { t } = useTranslation()
  return <Tag color={color[state]}>{t(`tickets.warranty.${state}`)}</Tag>
}
