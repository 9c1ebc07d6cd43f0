// The user's own signed-in sessions, with sign-out of one or all others.
import { Session } from '@aftercare/contracts'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Button, Card, List, Popconfirm, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { z } from 'zod'
import { api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { dateTime } from '../../shared/format.ts'
import { Ok } from '@aftercare/contracts'

const key = ['auth', 'me', 'sessions'] as const

/** "Chrome on Windows" from a user agent, enough to recognise one's own devices. */
export function deviceOf(userAgent: string | null): string {
  if (!userAgent) return '—'
  const browser = /Edg\//.test(userAgent)
    ? 'Edge'
    : /Chrom(e|ium)\//.test(userAgent)
      ? 'Chrome'
      : /Firefox\//.test(userAgent)
        ? 'Firefox'
        : /Safari\//.test(userAgent)
          ? 'Safari'
          : /MicroMessenger/.test(userAgent)
            ? 'WeChat'
            : userAgent.split(/[ /]/)[0]
  const os = /Windows/.test(userAgent)
    ? 'Windows'
    : /Android/.test(userAgent)
      ? 'Android'
      : /iPhone|iPad/.test(userAgent)
        ? 'iOS'
        : /Mac OS/.test(userAgent)
          ? 'macOS'
          : /Linux/.test(userAgent)
            ? 'Linux'
            : ''
  return os ? `${browser} · ${os}` : (browser ?? '—')
}

export function SessionsCard({ compact }: { compact?: boolean }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const sessions = useQuery({ queryKey: key, queryFn: () => api('/api/auth/me/sessions', z.array(Session)) })
  const onError = (e: unknown) => message.error(errorMessage(t, e))
  const revoke = useMutation({
    mutationFn: (id: string) => api(`/api/auth/me/sessions/${id}`, Ok, { method: 'DELETE' }),
    onSuccess: () => client.invalidateQueries({ queryKey: key }),
    onError,
  })
  const revokeOthers = useMutation({
    mutationFn: () => api('/api/auth/me/sessions', z.object({ revoked: z.number() }), { method: 'DELETE' }),
    onSuccess: async (r) => {
      message.success(t('sessions.revokedOthers', { count: r.revoked }))
      await client.invalidateQueries({ queryKey: key })
    },
    onError,
  })
  const others = (sessions.data ?? []).filter((s) => !s.current).length
  return (
    <Card
      title={t('sessions.title')}
      extra={
        others > 0 && (
          <Popconfirm
            title={t('sessions.revokeOthersConfirm')}
            onConfirm={() => revokeOthers.mutate()}
            okText={t('common.confirm')}
            cancelText={t('common.cancel')}
          >
            <Button size="small" loading={revokeOthers.isPending}>
              {t('sessions.revokeOthers')}
            </Button>
          </Popconfirm>
        )
      }
    >
      <List
        loading={sessions.isPending}
        dataSource={sessions.data ?? []}
        locale={{ emptyText: sessions.isError ? errorMessage(t, sessions.error) : t('sessions.none') }}
        renderItem={(s) => (
          <List.Item
            actions={
              s.current
                ? []
                : [
                    <Button
                      key="revoke"
                      size="small"
                      type="link"
                      danger
                      loading={revoke.isPending && revoke.variables === s.id}
                      onClick={() => revoke.mutate(s.id)}
                    >
                      {t('sessions.revoke')}
                    </Button>,
                  ]
            }
          >
            <List.Item.Meta
              title={
                <span>
                  {deviceOf(s.userAgent)} {s.current && <Tag color="green">{t('sessions.current')}</Tag>}
                </span>
              }
              description={
                <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                  {t('sessions.detail', { ip: s.ip ?? '—', lastSeen: dateTime(s.lastSeenAt), created: dateTime(s.createdAt) })}
                  {!compact && ` · ${t('sessions.expires', { at: dateTime(s.expiresAt) })}`}
                </Typography.Text>
              }
            />
          </List.Item>
        )}
      />
    </Card>
  )
}
