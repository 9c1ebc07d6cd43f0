// Personal API tokens for the CLI and integrations: create (the token is shown once),
// list and revoke.
import { ApiToken, CreatedApiToken, Ok, type Permission } from '@aftercare/contracts'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Card, Form, Input, InputNumber, Modal, Popconfirm, Select, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { useCurrentUser } from '../../shared/auth/session.ts'
import { date, dateTime } from '../../shared/format.ts'

const key = ['auth', 'me', 'tokens'] as const

interface Values {
  name: string
  scopes: Permission[]
  expiresInDays: number
}

export function TokensCard() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const me = useCurrentUser()
  const client = useQueryClient()
  const [creating, setCreating] = useState(false)
  const [created, setCreated] = useState<string | null>(null)
  const [form] = Form.useForm<Values>()
  const tokens = useQuery({ queryKey: key, queryFn: () => api('/api/auth/me/tokens', z.array(ApiToken)) })
  const create = useMutation({
    mutationFn: (v: Values) => api('/api/auth/me/tokens', CreatedApiToken, { method: 'POST', body: v }),
    onSuccess: async (r) => {
      setCreating(false)
      form.resetFields()
      setCreated(r.token)
      await client.invalidateQueries({ queryKey: key })
    },
    onError: (e) => {
      if (!applyFieldErrors(t, form, e, ['name', 'scopes', 'expiresInDays'])) message.error(errorMessage(t, e))
    },
  })
  const revoke = useMutation({
    mutationFn: (id: string) => api(`/api/auth/me/tokens/${id}`, Ok, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
    onError: (e) => message.error(errorMessage(t, e)),
  })
  const grantable = me.permissions.filter((p) => p !== 'tokens.manage_own')

  return (
    <Card
      title={t('tokens.title')}
      extra={
        <Button size="small" type="primary" onClick={() => setCreating(true)} data-testid="token-create">
          {t('tokens.create')}
        </Button>
      }
    >
      <Typography.Paragraph type="secondary">{t('tokens.hint')}</Typography.Paragraph>
      <Table<ApiToken>
        size="small"
        rowKey="id"
        loading={tokens.isPending}
        dataSource={tokens.data ?? []}
        pagination={false}
        scroll={{ x: true }}
        locale={{ emptyText: tokens.isError ? errorMessage(t, tokens.error) : t('tokens.none') }}
        columns={[
          {
            title: t('tokens.name'),
            dataIndex: 'name',
            render: (name: string, r) => (
              <span>
                {name}{' '}
                <Typography.Text type="secondary" style={{ fontFamily: 'monospace', fontSize: 12 }}>
                  {r.prefix}…
                </Typography.Text>
              </span>
            ),
          },
          { title: t('tokens.expires'), dataIndex: 'expiresAt', render: (v: string | null) => date(v) },
          { title: t('tokens.lastUsed'), dataIndex: 'lastUsedAt', render: (v: string | null) => (v ? dateTime(v) : t('tokens.never')) },
          {
            title: t('common.actions'),
            key: 'actions',
            render: (_, r) =>
              r.revokedAt ? (
                <Tag>{t('tokens.revoked')}</Tag>
              ) : (
                <Popconfirm
                  title={t('tokens.revokeConfirm')}
                  onConfirm={() => revoke.mutate(r.id)}
                  okText={t('common.confirm')}
                  cancelText={t('common.cancel')}
                >
                  <Button type="link" danger size="small">
                    {t('tokens.revoke')}
                  </Button>
                </Popconfirm>
              ),
          },
        ]}
      />
      <Modal
        title={t('tokens.create')}
        open={creating}
        onCancel={() => setCreating(false)}
        onOk={() => form.submit()}
        confirmLoading={create.isPending}
        okText={t('common.create')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Form
          form={form}
          name="token"
          layout="vertical"
          initialValues={{ expiresInDays: 90, scopes: [] }}
          onFinish={(v) => create.mutate(v)}
        >
          <Form.Item
            name="name"
            label={t('tokens.name')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100 }]}
          >
            <Input placeholder={t('tokens.namePlaceholder')} maxLength={100} />
          </Form.Item>
          <Form.Item name="scopes" label={t('tokens.scopes')} rules={[{ required: true, message: t('validation.required') }]}>
            <Select mode="multiple" options={grantable.map((p) => ({ value: p, label: `${t(`permissions.${p}`)} (${p})` }))} />
          </Form.Item>
          <Form.Item name="expiresInDays" label={t('tokens.expiresInDays')} rules={[{ required: true, message: t('validation.required') }]}>
            <InputNumber min={1} max={365} precision={0} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal
        title={t('tokens.createdTitle')}
        open={created !== null}
        onCancel={() => setCreated(null)}
        footer={
          <Button type="primary" onClick={() => setCreated(null)}>
            {t('tokens.savedIt')}
          </Button>
        }
      >
        <Alert type="warning" showIcon title={t('tokens.shownOnce')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph
          copyable={{ text: created ?? '' }}
          style={{ fontFamily: 'monospace', wordBreak: 'break-all', background: '#fafafa', padding: 12, borderRadius: 6 }}
        >
          <span data-testid="token-value">{created}</span>
        </Typography.Paragraph>
      </Modal>
    </Card>
  )
}
