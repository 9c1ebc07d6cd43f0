// What the outgoing and inbound webhook tabs share: a list of endpoints with a "create" button,
// each row switched on and off, its secret rotated (and shown once), deleted or opened in the
// tab's own editor. Each tab gives its API path, its columns and its editor.
import { Ok } from '@aftercare/contracts'
import { PlusOutlined } from '@ant-design/icons'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Button, Popconfirm, Space, Switch, Table, Typography } from 'antd'
import type { ColumnsType } from 'antd/es/table'
import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import type { z } from 'zod'
import { api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { dateTime } from '../../shared/format.ts'
import { etagOfVersion } from './integrations.api.ts'
import { SecretModal } from './SecretModal.tsx'

export interface Endpoint {
  id: string
  name: string
  enabled: boolean
  version: number
  updatedAt: string
}

/** What the tab's editor (a drawer or a dialog) is given. */
export interface EditorProps<T> {
  open: boolean
  /** The row being edited; null for a new one. */
  editing: T | null
  close: () => void
  /** Opens the editor on this row (after creating it, say). */
  edit: (row: T) => void
  /** Shows a new secret once. */
  showSecret: (secret: string) => void
}

export function WebhookEndpoints<T extends Endpoint>(props: {
  /** The collection's API path: `GET` lists, `/<id>` is patched and deleted, `/<id>/rotate-secret` rotates. */
  path: string
  queryKey: readonly unknown[]
  schemas: { item: z.ZodType<T>; list: z.ZodType<{ items: T[] }>; withSecret: z.ZodType<{ secret: string }> }
  labels: { create: string; intro: string; edit: string }
  ids: { create: string; row: string; edit?: string; enabled?: string }
  /** The columns between the name and the on/off switch. */
  columns: ColumnsType<T>
  /** Beside the switch (why it was switched off …). */
  enabledExtra?: (row: T) => ReactNode
  /** Links before "edit" in a row. */
  rowActions?: (row: T) => ReactNode
  editor: (p: EditorProps<T>) => ReactNode
  /** More drawers and dialogs of the tab. */
  children?: ReactNode
}) {
  const { path, queryKey, schemas, labels, ids, enabledExtra } = props
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const [editor, setEditor] = useState<{ editing: T | null } | null>(null)
  const [secret, setSecret] = useState<string | null>(null)
  const list = useQuery({ queryKey, queryFn: () => api(path, schemas.list) })
  const onError = (e: unknown) => void message.error(errorMessage(t, e))
  const refresh = () => client.invalidateQueries({ queryKey })
  const toggle = useMutation({
    mutationFn: (s: T) =>
      api(`${path}/${s.id}`, schemas.item, { method: 'PATCH', body: { enabled: !s.enabled }, ifMatch: etagOfVersion(s.version) }),
    onSuccess: refresh,
    onError,
  })
  const rotate = useMutation({
    mutationFn: (id: string) => api(`${path}/${id}/rotate-secret`, schemas.withSecret, { method: 'POST' }),
    onSuccess: async (r) => {
      setSecret(r.secret)
      await refresh()
    },
    onError,
  })
  const remove = useMutation({
    mutationFn: (id: string) => api(`${path}/${id}`, Ok, { method: 'DELETE' }),
    onSuccess: refresh,
    onError,
  })

  return (
    <div>
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} data-testid={ids.create} onClick={() => setEditor({ editing: null })}>
          {labels.create}
        </Button>
        <Typography.Text type="secondary">{labels.intro}</Typography.Text>
      </Space>
      {list.isError && <Typography.Text type="danger">{errorMessage(t, list.error)}</Typography.Text>}
      <Table<T>
        size="small"
        rowKey="id"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: true }}
        onRow={() => ({ 'data-testid': ids.row }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { key: 'name', title: t('integrations.outgoing.name'), render: (_, s) => <Typography.Text strong>{s.name}</Typography.Text> },
          ...props.columns,
          {
            key: 'enabled',
            title: t('integrations.outgoing.enabled'),
            render: (_, s) => {
              const on = (
                <Switch
                  checked={s.enabled}
                  size="small"
                  data-testid={ids.enabled}
                  loading={toggle.isPending && toggle.variables?.id === s.id}
                  onChange={() => toggle.mutate(s)}
                />
              )
              return enabledExtra ? (
                <Space>
                  {on}
                  {enabledExtra(s)}
                </Space>
              ) : (
                on
              )
            },
          },
          { key: 'updatedAt', title: t('notifications.templates.updatedAt'), render: (_, s) => dateTime(s.updatedAt) },
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_, s) => (
              <Space size={0} wrap>
                {props.rowActions?.(s)}
                <Button type="link" size="small" data-testid={ids.edit} onClick={() => setEditor({ editing: s })}>
                  {labels.edit}
                </Button>
                <Popconfirm title={t('integrations.secret.rotateConfirm')} onConfirm={() => rotate.mutate(s.id)}>
                  <Button type="link" size="small">
                    {t('integrations.secret.rotate')}
                  </Button>
                </Popconfirm>
                <Popconfirm title={t('integrations.outgoing.deleteConfirm', { name: s.name })} onConfirm={() => remove.mutate(s.id)}>
                  <Button type="link" size="small" danger>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      {props.editor({
        open: editor !== null,
        editing: editor?.editing ?? null,
        close: () => setEditor(null),
        edit: (row) => setEditor({ editing: row }),
        showSecret: setSecret,
      })}
      <SecretModal secret={secret} onClose={() => setSecret(null)} />
      {props.children}
    </div>
  )
}
