// Outgoing webhook subscriptions: which events go to which URL, switched on and off here (or
// automatically after persistent failure), the secret shown once, and each one's delivery log.
import { Ok, WebhookSubscription, WebhookSubscriptionList, WebhookWithSecret, type CreateWebhookBody } from '@aftercare/contracts'
import { PlusOutlined } from '@ant-design/icons'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Button, Form, Input, Modal, Popconfirm, Select, Space, Switch, Table, Tag, Tooltip, Typography } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { dateTime } from '../../shared/format.ts'
import { etagOfVersion, subscriptionsKey, suggestedEvents } from './integrations.api.ts'
import { SecretModal } from './SecretModal.tsx'
import { WebhookDeliveriesDrawer } from './WebhookDeliveriesDrawer.tsx'

interface FormValues {
  name: string
  url: string
  events: string[]
}

function SubscriptionModal({
  editing,
  open,
  onClose,
  onCreated,
}: {
  editing: WebhookSubscription | null
  open: boolean
  onClose: () => void
  onCreated: (secret: string) => void
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const [form] = Form.useForm<FormValues>()
  useEffect(() => {
    if (!open) return
    form.resetFields()
    if (editing) form.setFieldsValue({ name: editing.name, url: editing.url, events: editing.events })
  }, [open, editing, form])
  const save = useMutation({
    mutationFn: async (v: FormValues) => {
      if (editing) {
        await api(`/api/webhooks/subscriptions/${editing.id}`, WebhookSubscription, {
          method: 'PATCH',
          body: v,
          ifMatch: etagOfVersion(editing.version),
        })
        return null
      }
      const body: CreateWebhookBody = { ...v, enabled: true }
      return (await api('/api/webhooks/subscriptions', WebhookWithSecret, { method: 'POST', body })).secret
    },
    onSuccess: async (secret) => {
      await client.invalidateQueries({ queryKey: subscriptionsKey })
      onClose()
      if (secret) onCreated(secret)
      else message.success(t('common.saved'))
    },
    onError: (e) => {
      if (!applyFieldErrors(t, form, e, ['name', 'url', 'events'])) message.error(errorMessage(t, e))
    },
  })
  return (
    <Modal
      open={open}
      onCancel={onClose}
      onOk={() => form.submit()}
      okButtonProps={{ loading: save.isPending }}
      title={editing ? t('integrations.outgoing.edit') : t('integrations.outgoing.create')}
      destroyOnHidden
    >
      <Form<FormValues> form={form} layout="vertical" name="webhook" onFinish={(v) => save.mutate(v)}>
        <Form.Item
          name="name"
          label={t('integrations.outgoing.name')}
          rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
        >
          <Input maxLength={100} data-testid="webhook-name" />
        </Form.Item>
        <Form.Item
          name="url"
          label={t('integrations.outgoing.url')}
          extra={t('integrations.outgoing.urlHint')}
          rules={[{ required: true, type: 'url', message: t('integrations.outgoing.urlRule') }]}
        >
          <Input maxLength={500} placeholder="https://example.com/hooks/aftercare" data-testid="webhook-url" />
        </Form.Item>
        <Form.Item
          name="events"
          label={t('integrations.outgoing.events')}
          extra={t('integrations.outgoing.eventsHint')}
          rules={[{ required: true, type: 'array', min: 1, message: t('validation.required') }]}
        >
          <Select mode="tags" data-testid="webhook-events" options={suggestedEvents.map((e) => ({ value: e, label: e }))} />
        </Form.Item>
      </Form>
    </Modal>
  )
}

export function SubscriptionsTab() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const [modal, setModal] = useState<{ editing: WebhookSubscription | null } | null>(null)
  const [secret, setSecret] = useState<string | null>(null)
  const [logOf, setLogOf] = useState<WebhookSubscription | null>(null)
  const list = useQuery({ queryKey: subscriptionsKey, queryFn: () => api('/api/webhooks/subscriptions', WebhookSubscriptionList) })
  const onError = (e: unknown) => void message.error(errorMessage(t, e))
  const refresh = () => client.invalidateQueries({ queryKey: subscriptionsKey })
  const toggle = useMutation({
    mutationFn: (s: WebhookSubscription) =>
      api(`/api/webhooks/subscriptions/${s.id}`, WebhookSubscription, {
        method: 'PATCH',
        body: { enabled: !s.enabled },
        ifMatch: etagOfVersion(s.version),
      }),
    onSuccess: refresh,
    onError,
  })
  const rotate = useMutation({
    mutationFn: (id: string) => api(`/api/webhooks/subscriptions/${id}/rotate-secret`, WebhookWithSecret, { method: 'POST' }),
    onSuccess: async (r) => {
      setSecret(r.secret)
      await refresh()
    },
    onError,
  })
  const remove = useMutation({
    mutationFn: (id: string) => api(`/api/webhooks/subscriptions/${id}`, Ok, { method: 'DELETE' }),
    onSuccess: refresh,
    onError,
  })

  return (
    <div>
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} data-testid="webhook-create" onClick={() => setModal({ editing: null })}>
          {t('integrations.outgoing.create')}
        </Button>
        <Typography.Text type="secondary">{t('integrations.outgoing.intro')}</Typography.Text>
      </Space>
      {list.isError && <Typography.Text type="danger">{errorMessage(t, list.error)}</Typography.Text>}
      <Table<WebhookSubscription>
        size="small"
        rowKey="id"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: true }}
        onRow={() => ({ 'data-testid': 'webhook-row' }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { key: 'name', title: t('integrations.outgoing.name'), render: (_, s) => <Typography.Text strong>{s.name}</Typography.Text> },
          {
            key: 'url',
            title: t('integrations.outgoing.url'),
            render: (_, s) => (
              <Typography.Text code copyable>
                {s.url}
              </Typography.Text>
            ),
          },
          {
            key: 'events',
            title: t('integrations.outgoing.events'),
            render: (_, s) => (
              <Space size={[4, 4]} wrap>
                {s.events.map((e) => (
                  <Tag key={e}>{e}</Tag>
                ))}
              </Space>
            ),
          },
          {
            key: 'enabled',
            title: t('integrations.outgoing.enabled'),
            render: (_, s) => (
              <Space>
                <Switch
                  checked={s.enabled}
                  size="small"
                  data-testid="webhook-enabled"
                  loading={toggle.isPending && toggle.variables?.id === s.id}
                  onChange={() => toggle.mutate(s)}
                />
                {s.disabledReason && (
                  <Tooltip title={s.disabledReason}>
                    <Tag color="red">{t('integrations.outgoing.autoDisabled')}</Tag>
                  </Tooltip>
                )}
                {s.consecutiveFailures > 0 && (
                  <Tag color="orange">{t('integrations.outgoing.failures', { count: s.consecutiveFailures })}</Tag>
                )}
              </Space>
            ),
          },
          { key: 'updatedAt', title: t('notifications.templates.updatedAt'), render: (_, s) => dateTime(s.updatedAt) },
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_, s) => (
              <Space size={0} wrap>
                <Button type="link" size="small" data-testid="webhook-deliveries" onClick={() => setLogOf(s)}>
                  {t('integrations.outgoing.deliveries')}
                </Button>
                <Button type="link" size="small" onClick={() => setModal({ editing: s })}>
                  {t('common.edit')}
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
      <SubscriptionModal editing={modal?.editing ?? null} open={modal !== null} onClose={() => setModal(null)} onCreated={setSecret} />
      <SecretModal secret={secret} onClose={() => setSecret(null)} />
      <WebhookDeliveriesDrawer subscription={logOf} onClose={() => setLogOf(null)} />
    </div>
  )
}
