// The type and category inputs of a ticket form, and the chosen category's own fields. They live in
// an antd Form with `typeId` and `categoryPath` (root → leaf ids, as the Cascader gives them).
import { Cascader, Form, Select } from 'antd'
import { useTranslation } from 'react-i18next'
import { categoryTree } from './categories.ts'
import { CustomFieldInputs } from './CustomFieldInputs.tsx'
import { useTicketCategories, useTicketTypes } from './tickets.api.ts'

/** The leaf of a Cascader path: the category the ticket belongs to. */
export const categoryIdOf = (path: string[] | undefined) => (path?.length ? path[path.length - 1] : undefined)

export function TypeField({ label, testId }: { label: string; testId: string }) {
  const { t } = useTranslation()
  const form = Form.useFormInstance()
  const types = useTicketTypes()
  const active = (types.data ?? []).filter((ty) => ty.active).sort((a, b) => a.sortOrder - b.sortOrder)
  return (
    <Form.Item name="typeId" label={label} rules={[{ required: true, message: t('validation.required') }]}>
      <Select
        options={active.map((ty) => ({ value: ty.id, label: ty.name }))}
        // a category may belong to one type only: choose it again
        onChange={() => form.setFieldValue('categoryPath', undefined)}
        notFoundContent={t('tickets.noTypes')}
        data-testid={testId}
      />
    </Form.Item>
  )
}

export function CategoryField({ testId }: { testId: string }) {
  const { t } = useTranslation()
  const categories = useTicketCategories()
  const typeId = Form.useWatch('typeId', Form.useFormInstance()) as string | undefined
  return (
    <Form.Item name="categoryPath" label={t('tickets.fields.category')}>
      <Cascader
        changeOnSelect
        options={categoryTree(categories.data ?? [], { typeId })}
        placeholder={t('tickets.pickCategory')}
        data-testid={testId}
      />
    </Form.Item>
  )
}

/** The chosen category's form template, rendered. */
export function CategoryFormFields({ audience = 'staff' }: { audience?: 'staff' | 'customer' }) {
  const categories = useTicketCategories()
  const path = Form.useWatch('categoryPath', Form.useFormInstance()) as string[] | undefined
  const category = categories.data?.find((c) => c.id === categoryIdOf(path))
  return <CustomFieldInputs fields={category?.form ?? []} audience={audience} />
}
