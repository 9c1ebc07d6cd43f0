// The signed-in user's own account: name and language, password, two-factor
// authentication, sessions, API tokens and (service desk) their own macros. Used by all three shells.
import { Me, type Locale } from '@aftercare/contracts'
import { LogoutOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Button, Card, Col, Descriptions, Form, Input, Row, Select, Space, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { useLocation, useNavigate } from 'react-router'
import { api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { localeOptions } from '../../shared/i18n/index.ts'
import { can, mayUse, signedIn, useChangeLocale, useCurrentUser, useLogout } from '../../shared/auth/session.ts'
import { MyMacrosCard } from './MyMacrosCard.tsx'
import { NotificationPreferencesCard } from './NotificationPreferencesCard.tsx'
import { PasswordCard } from './PasswordCard.tsx'
import { SessionsCard } from './SessionsCard.tsx'
import { TokensCard } from './TokensCard.tsx'
import { TwoFactorCard } from './TwoFactorCard.tsx'

function DetailsCard() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const me = useCurrentUser()
  const client = useQueryClient()
  const [form] = Form.useForm<{ name: string }>()
  const changeLocale = useChangeLocale()
  const save = useMutation({
    mutationFn: (name: string) => api('/api/auth/me', Me, { method: 'PATCH', body: { name } }),
    onSuccess: async (updated) => {
      await signedIn(client, { ...updated, csrfToken: updated.csrfToken ?? me.csrfToken })
      message.success(t('common.saved'))
    },
    onError: (e) => {
      if (!applyFieldErrors(t, form, e, ['name'])) message.error(errorMessage(t, e))
    },
  })
  return (
    <Card title={t('profile.details')}>
      <Descriptions column={1} size="small" style={{ marginBottom: 16 }}>
        <Descriptions.Item label={t('profile.email')}>{me.email}</Descriptions.Item>
        <Descriptions.Item label={t('profile.organisation')}>{me.tenantName}</Descriptions.Item>
        <Descriptions.Item label={t('profile.roles')}>
          <Space size={[4, 4]} wrap>
            {me.roles.map((r) => (
              <Tag key={r} color="blue">
                {t(`roles.${r}`)}
              </Tag>
            ))}
          </Space>
        </Descriptions.Item>
      </Descriptions>
      <Form form={form} name="profile" layout="vertical" initialValues={{ name: me.name }} onFinish={(v) => save.mutate(v.name)}>
        <Form.Item
          name="name"
          label={t('profile.name')}
          rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100 }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item label={t('profile.language')}>
          <Select<Locale>
            value={me.locale}
            loading={changeLocale.isPending}
            data-testid="profile-language"
            onChange={(l) =>
              changeLocale.mutate(l, {
                onError: (e) => {
                  void message.error(errorMessage(t, e))
                },
              })
            }
            options={localeOptions}
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  )
}

export function ProfilePage() {
  const { t } = useTranslation()
  const me = useCurrentUser()
  const { pathname } = useLocation()
  const navigate = useNavigate()
  const logout = useLogout()
  const mobile = pathname.startsWith('/m/')
  const span = mobile ? 24 : 12
  return (
    <div>
      {!mobile && (
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {t('profile.title')}
        </Typography.Title>
      )}
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={span}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <DetailsCard />
            <PasswordCard />
          </Space>
        </Col>
        <Col xs={24} lg={span}>
          <Space orientation="vertical" size={16} style={{ width: '100%' }}>
            <TwoFactorCard />
            <SessionsCard compact={mobile} />
            {can(me, 'tokens.manage_own') && <TokensCard />}
          </Space>
        </Col>
        <Col span={24}>
          <NotificationPreferencesCard />
        </Col>
        {!mobile && mayUse(me, 'staff') && can(me, 'tickets.reply') && (
          <Col span={24}>
            <MyMacrosCard />
          </Col>
        )}
      </Row>
      {mobile && (
        <Button
          block
          danger
          size="large"
          icon={<LogoutOutlined />}
          style={{ marginTop: 16, height: 52 }}
          loading={logout.isPending}
          onClick={() => logout.mutate(undefined, { onSuccess: () => void navigate('/m/login', { replace: true }) })}
        >
          {t('auth.logout')}
        </Button>
      )}
    </div>
  )
}
