// Create a user, or edit one (with the ETag of what was read, so a concurrent change is
// refused with 412 instead of silently overwritten); an edited user's tokens can be revoked.
import { ApiToken, Ok, Role, Session, User, type CreateUserBody, type Locale, type UpdateUserBody } from '@aftercare/contracts'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Divider, Drawer, Form, Input, List, Popconfirm, Select, Skeleton, Space, Tag, Typography } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { ApiRequestError, api, request } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { localeOptions } from '../../shared/i18n/index.ts'
import { date, dateTime } from '../../shared/format.ts'
import { useTeams } from './admin.queries.ts'
import { newPasswordRules } from '../../shared/ui/passwordRules.ts'

type Mode = { mode: 'create' } | { mode: 'edit'; id: string }

interface Values {
  email: string
  name: string
  phone?: string
  password: string
  roles: Role[]
  teamIds: string[]
  locale: Locale
}

const fields = ['email', 'name', 'phone', 'password', 'roles', 'teamIds', 'locale'] as const

function CredentialsSection({ userId }: { userId: string }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const key = ['users', userId, 'credentials']
  const sessions = useQuery({ queryKey: [...key, 'sessions'], queryFn: () => api(`/api/users/${userId}/sessions`, z.array(Session)) })
  const tokens = useQuery({ queryKey: [...key, 'tokens'], queryFn: () => api(`/api/users/${userId}/tokens`, z.array(ApiToken)) })
  const onError = (e: unknown) => message.error(errorMessage(t, e))
  const revokeSessions = useMutation({
    mutationFn: () => api(`/api/users/${userId}/sessions`, z.object({ revoked: z.number() }), { method: 'DELETE' }),
    onSuccess: async (r) => {
      message.success(t('users.sessionsRevoked', { count: r.revoked }))
      await client.invalidateQueries({ queryKey: key })
    },
    onError,
  })
  const revokeToken = useMutation({
    mutationFn: (tokenId: string) => api(`/api/users/${userId}/tokens/${tokenId}`, Ok, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
    onError,
  })
  const activeSessions = sessions.data?.length ?? 0
  return (
    <>
      <Divider titlePlacement="start">{t('users.sessionsAndTokens')}</Divider>
      <Space style={{ marginBottom: 12 }}>
        <Typography.Text>{t('users.activeSessions', { count: activeSessions })}</Typography.Text>
        <Popconfirm
          title={t('users.revokeSessionsShort')}
          onConfirm={() => revokeSessions.mutate()}
          okText={t('common.confirm')}
          cancelText={t('common.cancel')}
          disabled={activeSessions === 0}
        >
          <Button size="small" danger disabled={activeSessions === 0} loading={revokeSessions.isPending}>
            {t('users.revokeSessions')}
          </Button>
        </Popconfirm>
      </Space>
      <List
        size="small"
        bordered
        loading={tokens.isPending}
        dataSource={tokens.data ?? []}
        locale={{ emptyText: t('tokens.none') }}
        renderItem={(tk) => (
          <List.Item
            actions={
              tk.revokedAt
                ? [<Tag key="r">{t('tokens.revoked')}</Tag>]
                : [
                    <Popconfirm
                      key="r"
                      title={t('tokens.revokeConfirm')}
                      onConfirm={() => revokeToken.mutate(tk.id)}
                      okText={t('common.confirm')}
                      cancelText={t('common.cancel')}
                    >
                      <Button type="link" danger size="small">
                        {t('tokens.revoke')}
                      </Button>
                    </Popconfirm>,
                  ]
            }
          >
            <List.Item.Meta
              title={`${tk.name} (${tk.prefix}…)`}
              description={t('users.tokenDetail', {
                expires: date(tk.expiresAt),
                lastUsed: tk.lastUsedAt ? dateTime(tk.lastUsedAt) : t('tokens.never'),
              })}
            />
          </List.Item>
        )}
      />
    </>
  )
}

export function UserDrawer({ mode, onClose, onSaved }: { mode: Mode; onClose: () => void; onSaved: () => void }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const [form] = Form.useForm<Values>()
  const [stale, setStale] = useState(false)
  const teams = useTeams()
  const editId = mode.mode === 'edit' ? mode.id : null
  const current = useQuery({
    queryKey: ['users', editId, 'detail'],
    queryFn: () => request(`/api/users/${editId}`, User),
    enabled: editId !== null,
    staleTime: 0,
    gcTime: 0,
  })

  useEffect(() => {
    const u = current.data?.data
    if (u)
      form.setFieldsValue({
        email: u.email,
        name: u.name,
        phone: u.phone ?? undefined,
        roles: u.roles,
        teamIds: u.teamIds,
        locale: u.locale,
      })
  }, [current.data, form])

  const save = useMutation({
    mutationFn: async (v: Values) => {
      if (editId === null) {
        const body: CreateUserBody = {
          email: v.email,
          name: v.name,
          password: v.password,
          roles: v.roles,
          teamIds: v.teamIds ?? [],
          locale: v.locale,
          ...(v.phone ? { phone: v.phone } : {}),
        }
        return api('/api/users', User, { method: 'POST', body })
      }
      const body: UpdateUserBody = {
        name: v.name,
        phone: v.phone ? v.phone : null,
        roles: v.roles,
        teamIds: v.teamIds ?? [],
        locale: v.locale,
      }
      return api(`/api/users/${editId}`, User, { method: 'PATCH', body, ifMatch: current.data?.etag })
    },
    onSuccess: (u) => {
      message.success(editId === null ? t('users.createdMessage', { name: u.name }) : t('common.saved'))
      onSaved()
      onClose()
    },
    onError: (e) => {
      if (e instanceof ApiRequestError && e.status === 412) return setStale(true)
      if (!applyFieldErrors(t, form, e, fields)) message.error(errorMessage(t, e))
    },
  })

  const reload = async () => {
    setStale(false)
    await current.refetch()
  }

  return (
    <Drawer
      open
      size={520}
      title={editId === null ? t('users.create') : t('users.editTitle', { name: current.data?.data.name ?? '' })}
      onClose={onClose}
      destroyOnHidden
      footer={
        <Space style={{ justifyContent: 'flex-end', width: '100%' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            loading={save.isPending}
            onClick={() => form.submit()}
            disabled={editId !== null && !current.data}
            data-testid="user-save"
          >
            {editId === null ? t('common.create') : t('common.save')}
          </Button>
        </Space>
      }
    >
      {stale && (
        <Alert
          type="warning"
          showIcon
          title={t('errors.precondition_failed')}
          action={
            <Button size="small" onClick={() => void reload()}>
              {t('common.reload')}
            </Button>
          }
          style={{ marginBottom: 16 }}
          data-testid="stale-alert"
        />
      )}
      {editId !== null && current.isPending ? (
        <Skeleton active />
      ) : current.isError ? (
        <Alert type="error" showIcon title={errorMessage(t, current.error)} />
      ) : (
        <Form
          form={form}
          name="user"
          layout="vertical"
          initialValues={{ roles: [], teamIds: [], locale: 'zh-CN' }}
          onFinish={(v) => save.mutate(v)}
        >
          <Form.Item
            name="email"
            label={t('users.email')}
            rules={[
              { required: true, message: t('validation.required') },
              { type: 'email', message: t('validation.email') },
            ]}
          >
            <Input disabled={editId !== null} autoComplete="off" data-testid="user-email" />
          </Form.Item>
          <Form.Item
            name="name"
            label={t('users.name')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100 }]}
          >
            <Input maxLength={100} data-testid="user-name" />
          </Form.Item>
          <Form.Item name="phone" label={t('users.phone')} rules={[{ pattern: /^\+?[0-9 -]{5,20}$/, message: t('validation.phone') }]}>
            <Input placeholder="+86 138 0013 8000" autoComplete="off" />
          </Form.Item>
          {editId === null && (
            <Form.Item
              name="password"
              label={t('users.initialPassword')}
              extra={t('validation.passwordRule')}
              rules={newPasswordRules(t)}
            >
              <Input.Password autoComplete="new-password" data-testid="user-password" />
            </Form.Item>
          )}
          <Form.Item name="roles" label={t('users.roles')} rules={[{ required: true, message: t('validation.required') }]}>
            <Select mode="multiple" options={Role.options.map((r) => ({ value: r, label: t(`roles.${r}`) }))} data-testid="user-roles" />
          </Form.Item>
          <Form.Item name="teamIds" label={t('users.teams')}>
            <Select
              mode="multiple"
              loading={teams.isPending}
              options={(teams.data ?? []).map((tm) => ({ value: tm.id, label: tm.name }))}
            />
          </Form.Item>
          <Form.Item name="locale" label={t('profile.language')}>
            <Select options={localeOptions} />
          </Form.Item>
        </Form>
      )}
      {editId !== null && current.data && <CredentialsSection userId={editId} />}
    </Drawer>
  )
}
