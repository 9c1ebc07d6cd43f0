// A list of configuration rows with a "create" button, an edit link per row and one dialog form
// for both: what the types, queues and macros tabs (and an agent's own macros) share. Each caller
// gives its columns, its form items, the form's values for a row and how to save them.
import { PlusOutlined } from '@ant-design/icons'
import { App, Button, Form, Input, Modal, Space, Switch, Table, Tag, type FormInstance } from 'antd'
import type { ColumnsType } from 'antd/es/table'
import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { applyFieldErrors, errorMessage } from '../../../shared/api/errors.ts'

export type Editing<T> = T | 'new'

export interface ConfigListEditorProps<T extends { id: string }, V> {
  rows: readonly T[]
  loading: boolean
  columns: ColumnsType<T>
  /** Button, dialog titles and the empty list's text: a catalog prefix with `create`, `edit` and `none`, or the texts. */
  labels: string | { create: string; edit: string; none: string }
  /** The create button's test id, and the form's name (its inputs' ids are `<form>_<field>`). */
  ids: { create: string; form: string }
  /** The form's values for a new row or for this one; a new row's fields are those whose server-side errors show under their inputs. */
  valuesOf: (row: Editing<T>) => V
  /** Sends the form; a thrown error stays in the dialog (field errors under their inputs). */
  save: (values: V, row: Editing<T>) => Promise<unknown>
  /** After a save: refetch what shows the rows. */
  refresh: () => Promise<unknown>
  /** Puts server errors on fields the usual mapping misses; true when it did. */
  fieldErrors?: (form: FormInstance<V>, e: unknown) => boolean
  /** The form items, for a new row or for this one. */
  children: (row: Editing<T>, form: FormInstance<V>) => ReactNode
  /** More links beside "edit" in a row (delete …). */
  rowActions?: (row: T) => ReactNode
  /** The actions column's width. */
  actionsWidth?: number
  modalWidth?: number
  /** Above the list, left of the create button. */
  toolbar?: ReactNode
}

export function ConfigListEditor<T extends { id: string }, V extends object>(props: ConfigListEditorProps<T, V>) {
  const { rows, loading, columns, ids, valuesOf, save, refresh, children, rowActions } = props
  const { t } = useTranslation()
  const labels =
    typeof props.labels === 'string'
      ? { create: t(`${props.labels}.create`), edit: t(`${props.labels}.edit`), none: t(`${props.labels}.none`) }
      : props.labels
  const { message } = App.useApp()
  const [editing, setEditing] = useState<Editing<T> | null>(null)
  const [busy, setBusy] = useState(false)
  const [form] = Form.useForm<V>()

  const open = (row: Editing<T>) => {
    setEditing(row)
    form.setFieldsValue(valuesOf(row) as Parameters<typeof form.setFieldsValue>[0])
  }
  const submit = async (v: V) => {
    if (editing === null) return
    setBusy(true)
    try {
      await save(v, editing)
      message.success(t('common.saved'))
      setEditing(null)
      await refresh()
    } catch (e) {
      if (!props.fieldErrors?.(form, e) && !applyFieldErrors(t, form, e, Object.keys(valuesOf('new')))) message.error(errorMessage(t, e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div>
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', gap: 12, marginBottom: 12 }}>
        <div>{props.toolbar}</div>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid={ids.create}>
          {labels.create}
        </Button>
      </div>
      <Table<T>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={[...rows]}
        pagination={false}
        locale={{ emptyText: labels.none }}
        columns={[
          ...columns,
          {
            title: t('common.actions'),
            key: 'actions',
            width: props.actionsWidth ?? 90,
            render: (_: unknown, row) => (
              <Space size={0}>
                <Button type="link" size="small" onClick={() => open(row)}>
                  {t('common.edit')}
                </Button>
                {rowActions?.(row)}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? labels.create : labels.edit}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={busy}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        destroyOnHidden
        width={props.modalWidth}
      >
        <Form form={form} name={ids.form} layout="vertical" onFinish={(v) => void submit(v)}>
          {editing !== null && children(editing, form)}
        </Form>
      </Modal>
    </div>
  )
}

/** The "state" column of rows that can be switched off (`active`). */
export function useActiveColumn<T extends { active: boolean }>(): ColumnsType<T>[number] {
  const { t } = useTranslation()
  return {
    title: t('ticketAdmin.state'),
    dataIndex: 'active',
    width: 90,
    render: (a: boolean) => (a ? <Tag color="green">{t('ticketAdmin.active')}</Tag> : <Tag>{t('ticketAdmin.inactive')}</Tag>),
  }
}

/** The fields such rows share: a required name, an optional description, and (once it exists) whether it is in use. */
export function NameDescriptionActiveItems({
  nameLabel,
  editing,
  children,
}: {
  nameLabel: string
  editing: unknown
  children?: ReactNode
}) {
  const { t } = useTranslation()
  return (
    <>
      <Form.Item
        name="name"
        label={nameLabel}
        rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100 }]}
      >
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item name="description" label={t('ticketAdmin.description')} rules={[{ max: 500 }]}>
        <Input.TextArea rows={2} maxLength={500} />
      </Form.Item>
      {children}
      {editing !== 'new' && (
        <Form.Item name="active" label={t('ticketAdmin.active')} valuePropName="checked">
          <Switch />
        </Form.Item>
      )}
    </>
  )
}
