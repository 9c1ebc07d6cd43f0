// Admin: teams (queues of people tickets are routed to).
import { Ok, Team } from '@aftercare/contracts'
import { PlusOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Button, Card, Form, Input, Modal, Popconfirm, Space, Table, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { teamsKey, useTeams } from './admin.queries.ts'

interface Values {
  name: string
  description?: string
}

export function TeamsPage() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const me = useCurrentUser()
  const manage = can(me, 'teams.manage')
  const client = useQueryClient()
  const teams = useTeams()
  const [editing, setEditing] = useState<Team | 'new' | null>(null)
  const [form] = Form.useForm<Values>()
  const onError = (e: unknown) => message.error(errorMessage(t, e))
  const save = useMutation({
    mutationFn: (v: Values) =>
      editing === 'new' || editing === null
        ? api('/api/teams', Team, { method: 'POST', body: { name: v.name, ...(v.description ? { description: v.description } : {}) } })
        : api(`/api/teams/${editing.id}`, Team, {
            method: 'PATCH',
            body: { name: v.name, description: v.description ? v.description : null },
          }),
    onSuccess: async () => {
      message.success(t('common.saved'))
      setEditing(null)
      await client.invalidateQueries({ queryKey: teamsKey })
    },
    onError: (e) => {
      if (!applyFieldErrors(t, form, e, ['name', 'description'])) onError(e)
    },
  })
  const remove = useMutation({
    mutationFn: (id: string) => api(`/api/teams/${id}`, Ok, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: teamsKey }),
    onError,
  })
  const open = (team: Team | 'new') => {
    setEditing(team)
    form.setFieldsValue(team === 'new' ? { name: '', description: '' } : { name: team.name, description: team.description ?? '' })
  }

  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('teams.title')}
      </Typography.Title>
      <Card
        extra={
          manage && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => open('new')} data-testid="team-create">
              {t('teams.create')}
            </Button>
          )
        }
        title={t('teams.hint')}
      >
        <Table<Team>
          rowKey="id"
          loading={teams.isPending}
          dataSource={teams.data ?? []}
          pagination={false}
          locale={{ emptyText: teams.isError ? errorMessage(t, teams.error) : t('teams.none') }}
          columns={[
            { title: t('teams.name'), dataIndex: 'name' },
            { title: t('teams.description'), dataIndex: 'description', render: (d: string | null) => d ?? '—' },
            { title: t('teams.members'), dataIndex: 'memberCount', width: 120 },
            ...(manage
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    width: 160,
                    render: (_: unknown, team: Team) => (
                      <Space size={0}>
                        <Button type="link" size="small" onClick={() => open(team)}>
                          {t('common.edit')}
                        </Button>
                        <Popconfirm
                          title={t('teams.deleteConfirm', { name: team.name })}
                          onConfirm={() => remove.mutate(team.id)}
                          okText={t('common.delete')}
                          okButtonProps={{ danger: true }}
                          cancelText={t('common.cancel')}
                        >
                          <Button type="link" size="small" danger>
                            {t('common.delete')}
                          </Button>
                        </Popconfirm>
                      </Space>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </Card>
      <Modal
        title={editing === 'new' ? t('teams.create') : t('teams.edit')}
        open={editing !== null}
        onCancel={() => setEditing(null)}
        onOk={() => form.submit()}
        confirmLoading={save.isPending}
        okText={t('common.save')}
        cancelText={t('common.cancel')}
        forceRender
      >
        <Form form={form} name="team" layout="vertical" onFinish={(v) => save.mutate(v)}>
          <Form.Item
            name="name"
            label={t('teams.name')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100 }]}
          >
            <Input maxLength={100} data-testid="team-name" />
          </Form.Item>
          <Form.Item name="description" label={t('teams.description')} rules={[{ max: 500 }]}>
            <Input.TextArea rows={3} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  )
}
