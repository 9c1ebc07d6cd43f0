// Inbound webhooks: systems (shops, monitoring) that create tickets by posting signed JSON; each has
// its URL, its secret (shown once) and a mapping from the document to the ticket.
import { InboundSource, InboundSourceList, InboundSourceWithSecret, Ok } from '@aftercare/contracts'
import { PlusOutlined } from '@ant-design/icons'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Button, Popconfirm, Space, Switch, Table, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { dateTime } from '../../shared/format.ts'
import { InboundDrawer } from './InboundDrawer.tsx'
import { etagOfVersion, inboundKey } from './integrations.api.ts'
import { SecretModal } from './SecretModal.tsx'

/** The URL as the other system must call it (the API answers with a path relative to this site). */
export const absoluteUrl = (url: string) => (/^https?:\/\//.test(url) ? url : `${window.location.origin}${url}`)

export function InboundTab() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const [drawer, setDrawer] = useState<{ editing: InboundSource | null } | null>(null)
  const [secret, setSecret] = useState<string | null>(null)
  const list = useQuery({ queryKey: inboundKey, queryFn: () => api('/api/webhooks/inbound-sources', InboundSourceList) })
  const onError = (e: unknown) => void message.error(errorMessage(t, e))
  const refresh = () => client.invalidateQueries({ queryKey: inboundKey })
  const toggle = useMutation({
    mutationFn: (s: InboundSource) =>
      api(`/api/webhooks/inbound-sources/${s.id}`, InboundSource, {
        method: 'PATCH',
        body: { enabled: !s.enabled },
        ifMatch: etagOfVersion(s.version),
      }),
    onSuccess: refresh,
    onError,
  })
  const rotate = useMutation({
    mutationFn: (id: string) => api(`/api/webhooks/inbound-sources/${id}/rotate-secret`, InboundSourceWithSecret, { method: 'POST' }),
    onSuccess: async (r) => {
      setSecret(r.secret)
      await refresh()
    },
    onError,
  })
  const remove = useMutation({
    mutationFn: (id: string) => api(`/api/webhooks/inbound-sources/${id}`, Ok, { method: 'DELETE' }),
    onSuccess: refresh,
    onError,
  })
  return (
    <div>
      <Space style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PlusOutlined />} data-testid="inbound-create" onClick={() => setDrawer({ editing: null })}>
          {t('integrations.inbound.create')}
        </Button>
        <Typography.Text type="secondary">{t('integrations.inbound.intro')}</Typography.Text>
      </Space>
      {list.isError && <Typography.Text type="danger">{errorMessage(t, list.error)}</Typography.Text>}
      <Table<InboundSource>
        size="small"
        rowKey="id"
        loading={list.isFetching}
        dataSource={list.data?.items ?? []}
        pagination={false}
        scroll={{ x: true }}
        onRow={() => ({ 'data-testid': 'inbound-row' }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { key: 'name', title: t('integrations.outgoing.name'), render: (_, s) => <Typography.Text strong>{s.name}</Typography.Text> },
          {
            key: 'url',
            title: t('integrations.inbound.url'),
            render: (_, s) => (
              <Typography.Text code copyable={{ text: absoluteUrl(s.url) }}>
                {s.url}
              </Typography.Text>
            ),
          },
          { key: 'priority', title: t('integrations.inbound.defaultPriority'), dataIndex: 'defaultPriority' },
          {
            key: 'enabled',
            title: t('integrations.outgoing.enabled'),
            render: (_, s) => (
              <Switch
                checked={s.enabled}
                size="small"
                loading={toggle.isPending && toggle.variables?.id === s.id}
                onChange={() => toggle.mutate(s)}
              />
            ),
          },
          { key: 'updatedAt', title: t('notifications.templates.updatedAt'), render: (_, s) => dateTime(s.updatedAt) },
          {
            key: 'actions',
            title: t('common.actions'),
            render: (_, s) => (
              <Space size={0} wrap>
                <Button type="link" size="small" data-testid="inbound-edit" onClick={() => setDrawer({ editing: s })}>
                  {t('integrations.inbound.editMapping')}
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
      <InboundDrawer
        open={drawer !== null}
        editing={drawer?.editing ?? null}
        onClose={() => setDrawer(null)}
        onCreated={(r) => {
          setSecret(r.secret)
          setDrawer({ editing: r.source })
        }}
      />
      <SecretModal secret={secret} onClose={() => setSecret(null)} />
    </div>
  )
}
