// Outgoing webhook subscriptions: which events go to which URL, switched on and off here (or
// automatically after persistent failure), the secret shown once, and each one's delivery log.
import { WebhookSubscription, WebhookSubscriptionList, WebhookWithSecret, type CreateWebhookBody } from '@aftercare/contracts'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Button, Form, Input, Modal, Select, Space, Tag, Tooltip, Typography } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { etagOfVersion, subscriptionsKey, suggestedEvents } from './integrations.api.ts'
import { WebhookDeliveriesDrawer } from './WebhookDeliveriesDrawer.tsx'
import { WebhookEndpoints } from './WebhookEndpoints.tsx'

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
  const [logOf, setLogOf] = useState<WebhookSubscription | null>(null)
  return (
    <WebhookEndpoints<WebhookSubscription>
      path="/api/webhooks/subscriptions"
      queryKey={subscriptionsKey}
      schemas={{ item: WebhookSubscription, list: WebhookSubscriptionList, withSecret: WebhookWithSecret }}
      labels={{ create: t('integrations.outgoing.create'), intro: t('integrations.outgoing.intro'), edit: t('common.edit') }}
      ids={{ create: 'webhook-create', row: 'webhook-row', enabled: 'webhook-enabled' }}
      columns={[
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
      ]}
      enabledExtra={(s) => (
        <>
          {s.disabledReason && (
            <Tooltip title={s.disabledReason}>
              <Tag color="red">{t('integrations.outgoing.autoDisabled')}</Tag>
            </Tooltip>
          )}
          {s.consecutiveFailures > 0 && <Tag color="orange">{t('integrations.outgoing.failures', { count: s.consecutiveFailures })}</Tag>}
        </>
      )}
      rowActions={(s) => (
        <Button type="link" size="small" data-testid="webhook-deliveries" onClick={() => setLogOf(s)}>
          {t('integrations.outgoing.deliveries')}
        </Button>
      )}
      editor={({ open, editing, close, showSecret }) => (
        <SubscriptionModal editing={editing} open={open} onClose={close} onCreated={showSecret} />
      )}
    >
      <WebhookDeliveriesDrawer subscription={logOf} onClose={() => setLogOf(null)} />
    </WebhookEndpoints>
  )
}
