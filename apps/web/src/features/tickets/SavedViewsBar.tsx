// Saved views: the user's own and the shared ones; apply one, save the current filters as a view,
// update or delete a view one may edit (its owner, or someone who configures tickets).
import { SavedView } from '@aftercare/contracts'
import { DeleteOutlined, SaveOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Button, Checkbox, Form, Input, Modal, Popconfirm, Select, Space, Tooltip } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import type { Filters } from './TicketFilterBar.tsx'
import { ticketKeys, ticketsPath, useSavedViews } from './tickets.api.ts'

type Sort = SavedView['sort']
type Order = SavedView['order']

export function SavedViewsBar({
  filters,
  sort,
  onApply,
}: {
  filters: Filters
  sort: { sort: Sort; order: Order }
  onApply: (v: { filters: Filters; sort: Sort; order: Order }) => void
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const me = useCurrentUser()
  const client = useQueryClient()
  const views = useSavedViews()
  const [current, setCurrent] = useState<string | undefined>()
  const [saving, setSaving] = useState(false)
  const [form] = Form.useForm<{ name: string; shared: boolean }>()
  const all = views.data?.items ?? []
  const selected = all.find((v) => v.id === current)
  const mayEdit = (v: SavedView) => v.ownerId === me.id || can(me, 'tickets.configure')
  const refresh = () => client.invalidateQueries({ queryKey: ticketKeys.views })
  const onError = (e: unknown) => message.error(errorMessage(t, e))

  const create = useMutation({
    mutationFn: (v: { name: string; shared: boolean }) =>
      api(`${ticketsPath}/views`, SavedView, { method: 'POST', body: { ...v, filters, ...sort } }),
    onSuccess: async (v) => {
      message.success(t('views.saved', { name: v.name }))
      setCurrent(v.id)
      setSaving(false)
      form.resetFields()
      await refresh()
    },
    onError: (e) => {
      if (!applyFieldErrors(t, form, e, ['name'])) onError(e)
    },
  })
  const update = useMutation({
    mutationFn: (id: string) => api(`${ticketsPath}/views/${id}`, SavedView, { method: 'PATCH', body: { filters, ...sort } }),
    onSuccess: async (v) => {
      message.success(t('views.updated', { name: v.name }))
      await refresh()
    },
    onError,
  })
  const remove = useMutation({
    mutationFn: (id: string) => api(`${ticketsPath}/views/${id}`, z.unknown(), { method: 'DELETE' }),
    onSuccess: async () => {
      setCurrent(undefined)
      await refresh()
    },
    onError,
  })

  const group = (label: string, list: SavedView[]) => ({ label, options: list.map((v) => ({ value: v.id, label: v.name })) })
  const mine = all.filter((v) => v.ownerId === me.id)
  const shared = all.filter((v) => v.ownerId !== me.id && v.shared)

  return (
    <>
      <Space.Compact>
        <Select
          allowClear
          style={{ width: 200 }}
          placeholder={t('views.pick')}
          value={current}
          loading={views.isPending}
          notFoundContent={t('views.none')}
          onChange={(id?: string) => {
            setCurrent(id)
            const v = all.find((x) => x.id === id)
            if (v) onApply({ filters: v.filters, sort: v.sort, order: v.order })
            else onApply({ filters: {}, sort: 'updatedAt', order: 'desc' })
          }}
          options={[group(t('views.mine'), mine), group(t('views.shared'), shared)].filter((g) => g.options.length)}
          data-testid="saved-views"
        />
        {selected && mayEdit(selected) && (
          <Tooltip title={t('views.update')}>
            <Button icon={<SaveOutlined />} loading={update.isPending} onClick={() => update.mutate(selected.id)} />
          </Tooltip>
        )}
        {selected && mayEdit(selected) && (
          <Popconfirm
            title={t('views.deleteConfirm', { name: selected.name })}
            onConfirm={() => remove.mutate(selected.id)}
            okText={t('common.confirm')}
            cancelText={t('common.cancel')}
          >
            <Button icon={<DeleteOutlined />} danger />
          </Popconfirm>
        )}
        <Button onClick={() => setSaving(true)} data-testid="view-save">
          {t('views.saveAs')}
        </Button>
      </Space.Compact>
      <Modal
        open={saving}
        title={t('views.saveAs')}
        onCancel={() => setSaving(false)}
        onOk={() => form.submit()}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        confirmLoading={create.isPending}
        destroyOnHidden
      >
        <Form form={form} name="view" layout="vertical" initialValues={{ shared: false }} onFinish={(v) => create.mutate(v)}>
          <Form.Item
            name="name"
            label={t('views.name')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100 }]}
          >
            <Input maxLength={100} data-testid="view-name" />
          </Form.Item>
          <Form.Item name="shared" valuePropName="checked" extra={t('views.sharedHint')}>
            <Checkbox>{t('views.shareWithTeam')}</Checkbox>
          </Form.Item>
        </Form>
      </Modal>
    </>
  )
}
