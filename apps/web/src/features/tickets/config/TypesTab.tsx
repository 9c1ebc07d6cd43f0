// Ticket types (repair, consultation, installation …): a stable code, a name, whether in use.
import { CreateTicketTypeBody, TicketType } from '@aftercare/contracts'
import { PlusOutlined } from '@ant-design/icons'
import { App, Button, Form, Input, InputNumber, Modal, Switch, Table, Tag } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { z } from 'zod'
import { api } from '../../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../../shared/api/errors.ts'
import { ticketsPath, useTicketTypes } from '../tickets.api.ts'
import { useRefreshConfig } from './config.api.ts'

interface Values {
  code: string
  name: string
  description?: string
  sortOrder: number
  active: boolean
}

export function TypesTab() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const types = useTicketTypes()
  const refresh = useRefreshConfig()
  const [editing, setEditing] = useState<TicketType | 'new' | null>(null)
  const [busy, setBusy] = useState(false)
  const [form] = Form.useForm<Values>()

  const open = (ty: TicketType | 'new') => {
    setEditing(ty)
    form.setFieldsValue(
      ty === 'new' ? { code: '', name: '', description: '', sortOrder: 0, active: true } : { ...ty, description: ty.description ?? '' },
    )
  }
  const save = async (v: Values) => {
    setBusy(true)
    try {
      if (editing === 'new') {
        const body: z.input<typeof CreateTicketTypeBody> = {
          code: v.code,
          name: v.name,
          sortOrder: v.sortOrder,
          ...(v.description ? { description: v.description } : {}),
        }
        await api(`${ticketsPath}/types`, TicketType, { method: 'POST', body })
      } else if (editing) {
        await api(`${ticketsPath}/types/${editing.id}`, TicketType, {
          method: 'PATCH',
          body: { name: v.name, description: v.description || null, sortOrder: v.sortOrder, active: v.active },
        })
      }
      message.success(t('common.saved'))
      setEditing(null)
      await refresh()
    } catch (e) {
      if (!applyFieldErrors(t, form, e, ['code', 'name', 'description', 'sortOrder', 'active'])) message.error(errorMessage(t, e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div>
      <div style={{ textAlign: 'right', marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="type-create">
          {t('ticketAdmin.types.create')}
        </Button>
      </div>
      <Table<TicketType>
        rowKey="id"
        size="small"
        loading={types.isPending}
        dataSource={[...(types.data ?? [])].sort((a, b) => a.sortOrder - b.sortOrder)}
        pagination={false}
        locale={{ emptyText: t('ticketAdmin.types.none') }}
        columns={[
          { title: t('ticketAdmin.types.name'), dataIndex: 'name' },
          { title: t('ticketAdmin.types.code'), dataIndex: 'code', render: (c: string) => <code>{c}</code> },
          { title: t('ticketAdmin.description'), dataIndex: 'description', render: (d: string | null) => d ?? '—' },
          { title: t('ticketAdmin.sortOrder'), dataIndex: 'sortOrder', width: 90 },
          {
            title: t('ticketAdmin.state'),
            dataIndex: 'active',
            width: 90,
            render: (a: boolean) => (a ? <Tag color="green">{t('ticketAdmin.active')}</Tag> : <Tag>{t('ticketAdmin.inactive')}</Tag>),
          },
          {
            title: t('common.actions'),
            key: 'actions',
            width: 90,
            render: (_: unknown, ty) => (
              <Button type="link" size="small" onClick={() => open(ty)}>
                {t('common.edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('ticketAdmin.types.create') : t('ticketAdmin.types.edit')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={busy}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Form form={form} name="ticketType" layout="vertical" onFinish={(v) => void save(v)}>
          <Form.Item
            name="code"
            label={t('ticketAdmin.types.code')}
            extra={t('ticketAdmin.keyRule')}
            rules={[
              { required: true, message: t('validation.required') },
              { pattern: /^[a-z][a-z0-9_]{0,39}$/, message: t('ticketAdmin.keyRule') },
            ]}
          >
            <Input disabled={editing !== 'new'} />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('ticketAdmin.types.name')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100 }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="description" label={t('ticketAdmin.description')} rules={[{ max: 500 }]}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
          <Form.Item name="sortOrder" label={t('ticketAdmin.sortOrder')}>
            <InputNumber min={0} max={10000} />
          </Form.Item>
          {editing !== 'new' && (
            <Form.Item name="active" label={t('ticketAdmin.active')} valuePropName="checked">
              <Switch />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </div>
  )
}
