// The list filters: keyword, status, priority, type, category, queue, assignee, customer, created range.
import { TicketPriority, TicketStatus, type TicketFilters } from '@aftercare/contracts'
import { Button, DatePicker, Form, Input, Select, TreeSelect } from 'antd'
import dayjs from 'dayjs'
import { useEffect, useState, type Ref } from 'react'
import { useTranslation } from 'react-i18next'
import { categoryTree } from './categories.ts'
import { CustomerSelect } from './pickers.tsx'
import { useStaffDirectory, useTicketCategories, useTicketQueues, useTicketTypes } from './tickets.api.ts'

export type Filters = Omit<TicketFilters, 'tab'>

/** A multiple choice filter: nothing chosen means no filter. */
function MultiFilter<T extends string>({
  width,
  placeholder,
  value,
  onChange,
  options,
  testId,
}: {
  width: number
  placeholder: string
  value: T[] | undefined
  onChange: (v: T[] | undefined) => void
  options: { value: T; label: string }[]
  testId?: string
}) {
  return (
    <Form.Item>
      <Select
        mode="multiple"
        allowClear
        maxTagCount="responsive"
        style={{ width }}
        placeholder={placeholder}
        value={value ?? []}
        onChange={(v: T[]) => onChange(v.length ? v : undefined)}
        options={options}
        data-testid={testId}
      />
    </Form.Item>
  )
}

export function TicketFilterBar({
  value,
  onChange,
  searchRef,
  hideCustomer,
}: {
  value: Filters
  onChange: (f: Filters) => void
  searchRef?: Ref<HTMLInputElement>
  hideCustomer?: boolean
}) {
  const { t } = useTranslation()
  const types = useTicketTypes()
  const categories = useTicketCategories()
  const queues = useTicketQueues()
  const { staff } = useStaffDirectory()
  const [q, setQ] = useState(value.q ?? '')
  useEffect(() => setQ(value.q ?? ''), [value.q])
  const set = (patch: Partial<Filters>) => onChange({ ...value, ...patch })

  return (
    <Form layout="inline" style={{ rowGap: 8 }} data-testid="ticket-filters">
      <Form.Item>
        <Input.Search
          allowClear
          ref={(el) => {
            if (typeof searchRef === 'function') searchRef(el?.input ?? null)
            else if (searchRef) (searchRef as { current: HTMLInputElement | null }).current = el?.input ?? null
          }}
          placeholder={t('tickets.searchPlaceholder')}
          style={{ width: 240 }}
          value={q}
          onChange={(e) => setQ(e.target.value)}
          onSearch={(s) => set({ q: s.trim() || undefined })}
          data-testid="ticket-search"
        />
      </Form.Item>
      <MultiFilter
        width={180}
        placeholder={t('tickets.fields.status')}
        value={value.status}
        onChange={(status) => set({ status })}
        options={TicketStatus.options.map((s) => ({ value: s, label: t(`tickets.status.${s}`) }))}
        testId="filter-status"
      />
      <MultiFilter
        width={140}
        placeholder={t('tickets.fields.priority')}
        value={value.priority}
        onChange={(priority) => set({ priority })}
        options={TicketPriority.options.map((p) => ({ value: p, label: p }))}
      />
      <MultiFilter
        width={150}
        placeholder={t('tickets.fields.type')}
        value={value.typeId}
        onChange={(typeId) => set({ typeId })}
        options={(types.data ?? []).map((ty) => ({ value: ty.id, label: ty.name }))}
      />
      <Form.Item>
        <TreeSelect
          multiple
          allowClear
          treeCheckable={false}
          maxTagCount="responsive"
          style={{ width: 180 }}
          placeholder={t('tickets.fields.category')}
          value={value.categoryId ?? []}
          onChange={(v: string[]) => set({ categoryId: v.length ? v : undefined })}
          treeData={categoryTree(categories.data ?? [], { includeInactive: true })}
          treeDefaultExpandAll
        />
      </Form.Item>
      <MultiFilter
        width={150}
        placeholder={t('tickets.fields.queue')}
        value={value.queueId}
        onChange={(queueId) => set({ queueId })}
        options={(queues.data ?? []).map((qu) => ({ value: qu.id, label: qu.name }))}
      />
      <Form.Item>
        <Select
          allowClear
          showSearch={{ optionFilterProp: 'label' }}
          style={{ width: 150 }}
          placeholder={t('tickets.fields.assignee')}
          value={value.assigneeId}
          onChange={(v?: string) => set({ assigneeId: v })}
          options={[
            { value: 'me', label: t('tickets.assigneeMe') },
            { value: 'none', label: t('tickets.unassigned') },
            ...staff.map((s) => ({ value: s.id, label: s.name })),
          ]}
          data-testid="filter-assignee"
        />
      </Form.Item>
      {!hideCustomer && (
        <Form.Item>
          <CustomerSelect
            style={{ width: 200 }}
            placeholder={t('tickets.fields.customer')}
            value={value.customerId}
            onChange={(id) => set({ customerId: id })}
          />
        </Form.Item>
      )}
      <Form.Item>
        <DatePicker.RangePicker
          allowEmpty={[true, true]}
          placeholder={[t('tickets.createdFrom'), t('tickets.createdTo')]}
          value={[value.createdFrom ? dayjs(value.createdFrom) : null, value.createdTo ? dayjs(value.createdTo) : null]}
          onChange={(range) =>
            set({
              createdFrom: range?.[0]?.startOf('day').toISOString(),
              createdTo: range?.[1]?.endOf('day').toISOString(),
            })
          }
        />
      </Form.Item>
      <Form.Item>
        <Button onClick={() => onChange({})}>{t('tickets.resetFilters')}</Button>
      </Form.Item>
    </Form>
  )
}
