// Province / city / district from @vant/area-data, the data the API validates against.
import { useCascaderAreaData } from '@vant/area-data'
import { Cascader } from 'antd'
import { useMemo } from 'react'
import { useTranslation } from 'react-i18next'

/** `[provinceCode, cityCode, districtCode]`. */
export type RegionValue = [string, string, string]

let cached: ReturnType<typeof useCascaderAreaData> | undefined
// Not a React hook despite its name: it builds a plain tree once.
const areaTree = () => (cached ??= useCascaderAreaData())

export function RegionCascader({
  value,
  onChange,
  id,
}: {
  value?: RegionValue
  onChange?: (v: RegionValue | undefined) => void
  id?: string
}) {
  const { t } = useTranslation()
  const options = useMemo(areaTree, [])
  return (
    <Cascader
      id={id}
      options={options}
      fieldNames={{ label: 'text', value: 'value', children: 'children' }}
      value={value}
      onChange={(v) => onChange?.(v && v.length === 3 ? (v as RegionValue) : undefined)}
      placeholder={t('customers.regionPlaceholder')}
      showSearch={{ filter: (input, path) => path.some((o) => String(o.text).includes(input)) }}
      style={{ width: '100%' }}
      data-testid="region-cascader"
    />
  )
}
