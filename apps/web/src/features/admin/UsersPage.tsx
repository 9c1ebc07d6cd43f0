// Admin: the tenant's users. Filters → actions → table → more, as Chinese consoles do.
import { Role, User, UserList, UserStatus } from '@aftercare/contracts'
import { PlusOutlined } from '@ant-design/icons'
import { useInfiniteQuery, useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Button, Dropdown, Form, Input, Modal, Space, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { dateTime } from '../../shared/format.ts'
import { emptyText, FilterSelect, ListPage, LoadMore, useListFilters } from '../../shared/ui/ListPage.tsx'
import { useTeams, usersKey } from './admin.queries.ts'
import { UserDrawer } from './UserDrawer.tsx'
import { newPasswordRules } from '../../shared/ui/passwordRules.ts'

interface Filters {
  q?: string
  role?: Role
  status?: z.infer<typeof UserStatus>
  teamId?: string
}

function ResetPasswordModal({ user, onClose }: { user: User | null; onClose: () => void }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const [form] = Form.useForm<{ password: string }>()
  const reset = useMutation({
    mutationFn: (password: string) =>
      api(`/api/users/${user?.id}/reset-password`, z.object({ ok: z.literal(true) }), { method: 'POST', body: { password } }),
    onSuccess: () => {
      message.success(t('users.passwordReset', { name: user?.name }))
      form.resetFields()
      onClose()
    },
    onError: (e) => {
      if (!applyFieldErrors(t, form, e, ['password'])) message.error(errorMessage(t, e))
    },
  })
  return (
    <Modal
      title={t('users.resetPasswordOf', { name: user?.name })}
      open={user !== null}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={reset.isPending}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      <Typography.Paragraph type="secondary">{t('users.resetPasswordHint')}</Typography.Paragraph>
      <Form form={form} name="resetPassword" layout="vertical" onFinish={(v) => reset.mutate(v.password)}>
        <Form.Item
          name="password"
          label={t('profile.newPassword')}
          extra={t('validation.passwordRule')}
          rules={newPasswordRules(t)}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  )
}

export function UsersPage() {
  const { t } = useTranslation()
  const { message, modal } = App.useApp()
  const me = useCurrentUser()
  const manage = can(me, 'users.manage')
  const client = useQueryClient()
  const view = useListFilters<Filters>()
  const [drawer, setDrawer] = useState<{ mode: 'create' } | { mode: 'edit'; id: string } | null>(null)
  const [resetting, setResetting] = useState<User | null>(null)
  const teams = useTeams()
  const teamName = new Map((teams.data ?? []).map((tm) => [tm.id, tm.name]))
  const roles = Role.options.map((r) => ({ value: r, label: t(`roles.${r}`) }))
  const statuses = UserStatus.options.map((s) => ({ value: s, label: t(`users.statuses.${s}`) }))
  const teamOptions = (teams.data ?? []).map((tm) => ({ value: tm.id, label: tm.name }))

  const users = useInfiniteQuery({
    queryKey: [...usersKey, view.filters],
    queryFn: ({ pageParam }) => api('/api/users', UserList, { query: { ...view.filters, limit: 50, cursor: pageParam } }),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last) => last.nextCursor ?? undefined,
  })
  const rows = users.data?.pages.flatMap((p) => p.items) ?? []

  const refresh = () => client.invalidateQueries({ queryKey: usersKey })
  const onError = (e: unknown) => message.error(errorMessage(t, e))
  const setStatus = useMutation({
    mutationFn: ({ id, action }: { id: string; action: 'disable' | 'enable' }) =>
      api(`/api/users/${id}/${action}`, User, { method: 'POST' }),
    onSuccess: async (u) => {
      message.success(u.status === 'disabled' ? t('users.disabledMessage', { name: u.name }) : t('users.enabledMessage', { name: u.name }))
      await refresh()
    },
    onError,
  })
  const revokeSessions = useMutation({
    mutationFn: (id: string) => api(`/api/users/${id}/sessions`, z.object({ revoked: z.number() }), { method: 'DELETE' }),
    onSuccess: (r) => message.success(t('users.sessionsRevoked', { count: r.revoked })),
    onError,
  })

  const act = (u: User, key: string) => {
    if (key === 'edit') setDrawer({ mode: 'edit', id: u.id })
    else if (key === 'reset') setResetting(u)
    else if (key === 'enable') setStatus.mutate({ id: u.id, action: 'enable' })
    else if (key === 'disable')
      modal.confirm({
        title: t('users.disableConfirm', { name: u.name }),
        content: t('users.disableHint'),
        okText: t('users.disable'),
        okButtonProps: { danger: true },
        cancelText: t('common.cancel'),
        onOk: () => setStatus.mutateAsync({ id: u.id, action: 'disable' }),
      })
    else if (key === 'sessions')
      modal.confirm({
        title: t('users.revokeSessionsConfirm', { name: u.name }),
        okText: t('common.confirm'),
        cancelText: t('common.cancel'),
        onOk: () => revokeSessions.mutateAsync(u.id),
      })
  }

  return (
    <ListPage
      title={t('users.title')}
      search={{ placeholder: t('users.searchPlaceholder'), width: 260, testId: 'users-search', onSearch: (q) => view.filter({ q }) }}
      filters={
        <>
          <FilterSelect of={view} name="role" label={t('users.role')} width={150} options={roles} />
          <FilterSelect of={view} name="status" label={t('users.status')} width={120} options={statuses} />
          <FilterSelect of={view} name="teamId" label={t('users.team')} width={160} options={teamOptions} />
        </>
      }
      listTitle={t('users.list')}
      actions={
        manage && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setDrawer({ mode: 'create' })} data-testid="user-create">
            {t('users.create')}
          </Button>
        )
      }
      overlays={
        <>
          {drawer && <UserDrawer mode={drawer} onClose={() => setDrawer(null)} onSaved={() => void refresh()} />}
          <ResetPasswordModal user={resetting} onClose={() => setResetting(null)} />
        </>
      }
    >
      <Table<User>
        rowKey="id"
        loading={users.isPending}
        dataSource={rows}
        pagination={false}
        scroll={{ x: 1180 }}
        locale={{ emptyText: emptyText(t, users, t('users.none')) }}
        columns={[
          {
            title: t('users.name'),
            dataIndex: 'name',
            width: 150,
            render: (name: string, u) => <span data-testid={`user-row-${u.email}`}>{name}</span>,
          },
          { title: t('users.email'), dataIndex: 'email', width: 250 },
          {
            title: t('users.roles'),
            dataIndex: 'roles',
            render: (roles: Role[]) =>
              roles.map((r) => (
                <Tag key={r} color="blue">
                  {t(`roles.${r}`)}
                </Tag>
              )),
          },
          {
            title: t('users.teams'),
            dataIndex: 'teamIds',
            render: (ids: string[]) => ids.map((id) => <Tag key={id}>{teamName.get(id) ?? '…'}</Tag>),
          },
          {
            title: t('users.status'),
            dataIndex: 'status',
            render: (s: User['status']) => <Tag color={s === 'active' ? 'green' : 'red'}>{t(`users.statuses.${s}`)}</Tag>,
          },
          {
            title: t('users.twoFactor'),
            dataIndex: 'totpEnabled',
            render: (on: boolean) => (on ? <Tag color="green">{t('totp.on')}</Tag> : <Tag>{t('totp.off')}</Tag>),
          },
          {
            title: t('users.lastLogin'),
            dataIndex: 'lastLoginAt',
            render: (v: string | null) => (v ? dateTime(v) : t('users.neverLoggedIn')),
          },
          ...(manage
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  fixed: 'right' as const,
                  render: (_: unknown, u: User) => (
                    <Space size={0}>
                      <Button type="link" size="small" onClick={() => act(u, 'edit')} data-testid={`user-edit-${u.email}`}>
                        {t('common.edit')}
                      </Button>
                      <Dropdown
                        trigger={['click']}
                        menu={{
                          items: [
                            { key: 'reset', label: t('users.resetPassword') },
                            { key: 'sessions', label: t('users.revokeSessions') },
                            u.status === 'active'
                              ? {
                                  key: 'disable',
                                  danger: true,
                                  disabled: u.id === me.id,
                                  label: <span data-testid="user-disable">{t('users.disable')}</span>,
                                }
                              : { key: 'enable', label: <span data-testid="user-enable">{t('users.enable')}</span> },
                          ],
                          onClick: ({ key }) => act(u, key),
                        }}
                      >
                        <Button type="link" size="small" data-testid={`user-more-${u.email}`}>
                          {t('common.more')}
                        </Button>
                      </Dropdown>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      <LoadMore list={users} />
    </ListPage>
  )
}
