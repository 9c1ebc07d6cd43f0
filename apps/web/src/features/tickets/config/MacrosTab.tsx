// Shared macros (宏): saved replies the whole desk picks in the reply box, with {{variables}} and
// optional actions. Personal macros are their owners' and do not show here.
import { MacroStatus, Ok, TicketMacro, macroVariables, type TicketMacroActions } from '@aftercare/contracts'
import { PlusOutlined } from '@ant-design/icons'
import { useQueryClient } from '@tanstack/react-query'
import { App, Button, Form, Input, Modal, Popconfirm, Select, Space, Table, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../../shared/api/errors.ts'
import { macrosKey, useActionLines, useMacros } from '../MacroPicker.tsx'
import { ticketsPath, useTicketQueues } from '../tickets.api.ts'

interface Values {
  name: string
  body: string
  status?: TicketMacroActions['status']
  addTags?: string[]
  queueId?: string
}

export function MacrosTab() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const macros = useMacros()
  const queues = useTicketQueues()
  const actionLines = useActionLines()
  const [editing, setEditing] = useState<TicketMacro | 'new' | null>(null)
  const [busy, setBusy] = useState(false)
  const [form] = Form.useForm<Values>()
  const refresh = () => client.invalidateQueries({ queryKey: macrosKey })

  const open = (m: TicketMacro | 'new') => {
    setEditing(m)
    form.setFieldsValue(
      m === 'new'
        ? { name: '', body: '', status: undefined, addTags: [], queueId: undefined }
        : { name: m.name, body: m.body, status: m.actions.status, addTags: m.actions.addTags ?? [], queueId: m.actions.queueId },
    )
  }
  const save = async (v: Values) => {
    setBusy(true)
    const actions: TicketMacroActions = {
      ...(v.status ? { status: v.status } : {}),
      ...(v.addTags?.length ? { addTags: v.addTags } : {}),
      ...(v.queueId ? { queueId: v.queueId } : {}),
    }
    try {
      if (editing === 'new')
        await api(`${ticketsPath}/macros`, TicketMacro, { method: 'POST', body: { name: v.name, body: v.body, actions, shared: true } })
      else if (editing)
        await api(`${ticketsPath}/macros/${editing.id}`, TicketMacro, { method: 'PATCH', body: { name: v.name, body: v.body, actions } })
      message.success(t('common.saved'))
      setEditing(null)
      await refresh()
    } catch (e) {
      if (!applyFieldErrors(t, form, e, ['name', 'body', 'status', 'addTags', 'queueId'])) message.error(errorMessage(t, e))
    } finally {
      setBusy(false)
    }
  }
  const remove = async (m: TicketMacro) => {
    try {
      await api(`${ticketsPath}/macros/${m.id}`, Ok, { method: 'DELETE' })
      message.success(t('macros.deleted'))
      await refresh()
    } catch (e) {
      message.error(errorMessage(t, e))
    }
  }

  return (
    <div>
      <div style={{ textAlign: 'right', marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="macro-create">
          {t('macros.create')}
        </Button>
      </div>
      <Table<TicketMacro>
        rowKey="id"
        size="small"
        loading={macros.isPending}
        dataSource={(macros.data?.items ?? []).filter((m) => m.shared)}
        pagination={false}
        locale={{ emptyText: t('macros.none') }}
        columns={[
          { title: t('macros.name'), dataIndex: 'name', width: 180 },
          {
            title: t('macros.body'),
            dataIndex: 'body',
            render: (b: string) => (
              <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: 0 }}>
                {b}
              </Typography.Paragraph>
            ),
          },
          {
            title: t('macros.actions'),
            key: 'macro-actions',
            width: 220,
            render: (_: unknown, m) => actionLines(m.actions).join('；') || '—',
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 140,
            render: (_: unknown, m) => (
              <Space size={0}>
                <Button type="link" size="small" onClick={() => open(m)}>
                  {t('common.edit')}
                </Button>
                <Popconfirm title={t('macros.deleteConfirm', { name: m.name })} onConfirm={() => void remove(m)}>
                  <Button type="link" size="small" danger>
                    {t('common.delete')}
                  </Button>
                </Popconfirm>
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('macros.create') : t('macros.edit')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={busy}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        destroyOnHidden
        width={640}
      >
        <Form form={form} name="macro" layout="vertical" onFinish={(v) => void save(v)}>
          <Form.Item
            name="name"
            label={t('macros.name')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100 }]}
          >
            <Input maxLength={100} data-testid="macro-name" />
          </Form.Item>
          <Form.Item
            name="body"
            label={t('macros.body')}
            extra={t('macros.bodyHint', { vars: macroVariables.map((v) => `{{${v}}}`).join('  ') })}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 10000 }]}
          >
            <Input.TextArea rows={5} maxLength={10000} data-testid="macro-body" />
          </Form.Item>
          <Form.Item name="status" label={t('macros.status')}>
            <Select allowClear options={MacroStatus.options.map((s) => ({ value: s, label: t(`tickets.status.${s}`) }))} />
          </Form.Item>
          <Form.Item name="addTags" label={t('macros.tags')}>
            <Select mode="tags" tokenSeparators={[',', '，']} />
          </Form.Item>
          <Form.Item name="queueId" label={t('macros.queue')}>
            <Select allowClear options={(queues.data ?? []).filter((q) => q.active).map((q) => ({ value: q.id, label: q.name }))} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  )
}
