// A category's form, rendered from its template: one input per custom field, by type. Values use the
// API's shapes (date 'YYYY-MM-DD', address codes from @vant/area-data, file = attachment ids).
import type { AddressValue, CustomFieldDef, TicketAttachment } from '@aftercare/contracts'
import { useQuery } from '@tanstack/react-query'
import { Cascader, DatePicker, Form, Input, InputNumber, Select, Space, Typography } from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import type { TFunction } from 'i18next'
import type { ReactElement } from 'react'
import { useTranslation } from 'react-i18next'

interface AreaOption {
  value: string
  label: string
  children?: AreaOption[]
}

/** Province → city → district from @vant/area-data, loaded on first use (it is ~100 kB). */
function useAreaOptions() {
  return useQuery({
    queryKey: ['area-data'],
    staleTime: Infinity,
    queryFn: async (): Promise<AreaOption[]> => {
      const { areaList } = await import('@vant/area-data')
      const entries = (list: Record<string, string>) => Object.entries(list).sort(([a], [b]) => a.localeCompare(b))
      const counties = entries(areaList.county_list)
      const cities = entries(areaList.city_list)
      return entries(areaList.province_list).map(([pc, pn]) => ({
        value: pc,
        label: pn,
        children: cities
          .filter(([cc]) => cc.slice(0, 2) === pc.slice(0, 2))
          .map(([cc, cn]) => {
            const children = counties.filter(([dc]) => dc.slice(0, 4) === cc.slice(0, 4)).map(([dc, dn]) => ({ value: dc, label: dn }))
            return { value: cc, label: cn, ...(children.length ? { children } : {}) }
          }),
      }))
    },
  })
}

function AddressInput({ value, onChange, id }: { value?: AddressValue; onChange?: (v: AddressValue | undefined) => void; id?: string }) {
  const { t } = useTranslation()
  const areas = useAreaOptions()
  const codes = value ? [value.provinceCode, value.cityCode, value.districtCode].filter((c): c is string => !!c) : []
  return (
    <Space.Compact style={{ width: '100%' }} id={id}>
      <Cascader
        style={{ width: '50%' }}
        options={areas.data ?? []}
        loading={areas.isPending}
        changeOnSelect
        showSearch
        placeholder={t('tickets.form.region')}
        value={codes}
        onChange={(path) => {
          const [provinceCode, cityCode, districtCode] = (path ?? []).map(String)
          onChange?.(provinceCode ? { provinceCode, cityCode, districtCode, detail: value?.detail ?? '' } : undefined)
        }}
      />
      <Input
        style={{ width: '50%' }}
        placeholder={t('tickets.form.street')}
        maxLength={300}
        disabled={!value?.provinceCode}
        value={value?.detail}
        onChange={(e) => value && onChange?.({ ...value, detail: e.target.value })}
      />
    </Space.Compact>
  )
}

const dateProps = {
  getValueProps: (v: unknown) => ({ value: typeof v === 'string' && v ? dayjs(v) : undefined }),
  normalize: (d: Dayjs | null) => (d ? d.format('YYYY-MM-DD') : undefined),
}

/**
 * The input for one field, as an element (not a component) so the Form.Item around it can give it
 * its id, value and onChange.
 */
function fieldInput(field: CustomFieldDef, t: TFunction, attachments?: readonly TicketAttachment[]): ReactElement {
  const options = (field.options ?? []).map((o) => ({ value: o.value, label: o.label }))
  switch (field.type) {
    case 'text':
      return (field.maxLength ?? 200) > 200 ? (
        <Input.TextArea rows={3} maxLength={field.maxLength} />
      ) : (
        <Input maxLength={field.maxLength} />
      )
    case 'number':
      return <InputNumber style={{ width: 200 }} min={field.min} max={field.max} />
    case 'select':
      return <Select allowClear options={options} />
    case 'multi_select':
      return <Select mode="multiple" allowClear options={options} />
    case 'date':
      return <DatePicker />
    case 'address':
      return <AddressInput />
    case 'file':
      // the files are the ticket's attachments: chosen from them once the ticket exists
      return attachments ? (
        <Select
          mode="multiple"
          allowClear
          options={attachments.map((a) => ({ value: a.id, label: a.fileName }))}
          notFoundContent={t('attachments.none')}
        />
      ) : (
        <FileNote text={t('tickets.form.fileAfterCreate')} />
      )
  }
}

/** Files are attached in the conversation once the ticket exists. */
function FileNote({ text }: { text: string; value?: unknown; onChange?: unknown; id?: string }) {
  return <Typography.Text type="secondary">{text}</Typography.Text>
}

/**
 * The inputs of a form template under `customFields.<key>`. `audience: 'customer'` leaves out
 * staff-only fields (the portal).
 */
export function CustomFieldInputs({
  fields,
  audience = 'staff',
  attachments,
}: {
  fields: readonly CustomFieldDef[]
  audience?: 'staff' | 'customer'
  /** The ticket's files, for file fields (absent while the ticket does not exist yet). */
  attachments?: readonly TicketAttachment[]
}) {
  const { t } = useTranslation()
  const shown = fields.filter((f) => audience === 'staff' || f.visibleToCustomer)
  return (
    <>
      {shown.map((f) => (
        <Form.Item
          key={f.key}
          name={['customFields', f.key]}
          label={f.label}
          extra={f.helpText}
          rules={f.type === 'file' && !attachments ? [] : [{ required: f.required, message: t('validation.required') }]}
          {...(f.type === 'date' ? dateProps : {})}
          data-testid={`custom-field-${f.key}`}
        >
          {fieldInput(f, t, attachments)}
        </Form.Item>
      ))}
    </>
  )
}

/** Drops empty values so the API only sees what was filled in. */
export function filledCustomFields(values: Record<string, unknown> | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values ?? {}).filter(([, v]) => v !== undefined && v !== null && v !== '' && !(Array.isArray(v) && v.length === 0)),
  )
}

function useAreaNames() {
  return useQuery({
    queryKey: ['area-names'],
    staleTime: Infinity,
    queryFn: async () => {
      const { areaList } = await import('@vant/area-data')
      return { ...areaList.province_list, ...areaList.city_list, ...areaList.county_list } as Record<string, string>
    },
  })
}

/** A custom field's value as text: option labels, region names, dates as they are. */
export function CustomFieldValue({
  field,
  value,
  attachments,
}: {
  field: CustomFieldDef
  value: unknown
  attachments?: readonly TicketAttachment[]
}) {
  const names = useAreaNames()
  const label = (v: unknown) => field.options?.find((o) => o.value === v)?.label ?? String(v)
  if (value === undefined || value === null || value === '') return <>—</>
  switch (field.type) {
    case 'select':
      return <>{label(value)}</>
    case 'multi_select':
      return <>{Array.isArray(value) ? value.map(label).join('、') : String(value)}</>
    case 'address': {
      const a = value as Partial<AddressValue>
      const region = [a.provinceCode, a.cityCode, a.districtCode].map((c) => (c ? (names.data?.[c] ?? c) : '')).filter(Boolean)
      // a municipality repeats its name as the city (北京市 北京市): say it once
      return <>{[...new Set(region)].join(' ') + (a.detail ? ` ${a.detail}` : '')}</>
    }
    case 'file': {
      const ids = Array.isArray(value) ? value : []
      return <>{ids.map((id) => attachments?.find((a) => a.id === id)?.fileName ?? '…').join('、')}</>
    }
    case 'text':
    case 'number':
    case 'date':
      return <>{String(value)}</>
  }
}
