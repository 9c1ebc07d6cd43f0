// Queues (service groups): a tier and the agents who share its work.
import { SupportTier, TicketQueue } from '@aftercare/contracts'
import { PlusOutlined } from '@ant-design/icons'
import { App, Button, Form, Input, Modal, Select, Switch, Table, Tag } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../../shared/api/errors.ts'
import { ticketsPath, useStaffDirectory, useTicketQueues } from '../tickets.api.ts'
import { useRefreshConfig } from './config.api.ts'

interface Values {
  name: string
  description?: string
  tier: SupportTier
  memberIds: string[]
  active: boolean
}

export function QueuesTab() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const queues = useTicketQueues()
  const { staff, nameOf } = useStaffDirectory()
  const refresh = useRefreshConfig()
  const [editing, setEditing] = useState<TicketQueue | 'new' | null>(null)
  const [busy, setBusy] = useState(false)
  const [form] = Form.useForm<Values>()

  const open = (q: TicketQueue | 'new') => {
    setEditing(q)
    form.setFieldsValue(
      q === 'new' ? { name: '', description: '', tier: 'L1', memberIds: [], active: true } : { ...q, description: q.description ?? '' },
    )
  }
  const save = async (v: Values) => {
    setBusy(true)
    try {
      if (editing === 'new')
        await api(`${ticketsPath}/queues`, TicketQueue, {
          method: 'POST',
          body: { name: v.name, tier: v.tier, memberIds: v.memberIds ?? [], ...(v.description ? { description: v.description } : {}) },
        })
      else if (editing)
        await api(`${ticketsPath}/queues/${editing.id}`, TicketQueue, {
          method: 'PATCH',
          body: { name: v.name, description: v.description || null, tier: v.tier, memberIds: v.memberIds ?? [], active: v.active },
        })
      message.success(t('common.saved'))
      setEditing(null)
      await refresh()
    } catch (e) {
      if (!applyFieldErrors(t, form, e, ['name', 'description', 'tier', 'memberIds', 'active'])) message.error(errorMessage(t, e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div>
      <div style={{ textAlign: 'right', marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="queue-create">
          {t('ticketAdmin.queues.create')}
        </Button>
      </div>
      <Table<TicketQueue>
        rowKey="id"
        size="small"
        loading={queues.isPending}
        dataSource={queues.data ?? []}
        pagination={false}
        locale={{ emptyText: t('ticketAdmin.queues.none') }}
        columns={[
          { title: t('ticketAdmin.queues.name'), dataIndex: 'name' },
          { title: t('ticketAdmin.queues.tier'), dataIndex: 'tier', width: 80 },
          {
            title: t('ticketAdmin.queues.members'),
            dataIndex: 'memberIds',
            render: (ids: string[]) => (ids.length ? ids.map((id) => <Tag key={id}>{nameOf(id) ?? t('tickets.someone')}</Tag>) : '—'),
          },
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
            render: (_: unknown, q) => (
              <Button type="link" size="small" onClick={() => open(q)}>
                {t('common.edit')}
              </Button>
            ),
          },
        ]}
      />
      <Modal
        open={editing !== null}
        title={editing === 'new' ? t('ticketAdmin.queues.create') : t('ticketAdmin.queues.edit')}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={busy}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Form form={form} name="queue" layout="vertical" onFinish={(v) => void save(v)}>
          <Form.Item
            name="name"
            label={t('ticketAdmin.queues.name')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100 }]}
          >
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="description" label={t('ticketAdmin.description')} rules={[{ max: 500 }]}>
            <Input.TextArea rows={2} maxLength={500} />
          </Form.Item>
          <Form.Item name="tier" label={t('ticketAdmin.queues.tier')}>
            <Select options={SupportTier.options.map((s) => ({ value: s, label: s }))} />
          </Form.Item>
          <Form.Item name="memberIds" label={t('ticketAdmin.queues.members')}>
            <Select
              mode="multiple"
              showSearch={{ optionFilterProp: 'label' }}
              options={staff.map((s) => ({ value: s.id, label: s.name }))}
            />
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
