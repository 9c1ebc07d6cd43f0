// Sign in with email and password; when the account has two-factor authentication the
// API answers 401 `totp_required` and a second step asks for the 6-digit code. The portal
// variant also offers sign-in with a one-time code sent to the contact's mobile or email.
import type { Me } from '@aftercare/contracts'
import { CustomerServiceOutlined, LockOutlined, MailOutlined, SafetyOutlined, ToolOutlined } from '@ant-design/icons'
import { Alert, Button, Card, Form, Input, Tabs, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useLocation, useNavigate } from 'react-router'
import { ApiRequestError } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { mayUse, shellHome, shellOf, useLogin, type Shell } from '../../shared/auth/session.ts'
import { LanguageSwitch } from '../../shared/ui/LanguageSwitch.tsx'
import { PortalCodeLogin } from '../portal/PortalCodeLogin.tsx'

interface Credentials {
  email: string
  password: string
}

const icons = { staff: <ToolOutlined />, portal: <CustomerServiceOutlined />, field: <ToolOutlined /> }

export function LoginPage({ variant }: { variant: Shell }) {
  const { t } = useTranslation()
  const login = useLogin()
  const navigate = useNavigate()
  const location = useLocation()
  const [form] = Form.useForm<Credentials>()
  const [codeForm] = Form.useForm<{ code: string }>()
  const [credentials, setCredentials] = useState<Credentials | null>(null)
  const [error, setError] = useState<string | null>(null)
  const large = variant === 'field' ? 'large' : 'middle'

  const goOn = async (me: Me) => {
    const from = (location.state as { from?: string } | null)?.from
    const target = mayUse(me, variant) ? (from ?? shellHome[variant]) : shellHome[shellOf(me)]
    await navigate(target, { replace: true })
  }

  const submit = async (c: Credentials, totp?: string) => {
    setError(null)
    try {
      const r = await login.mutateAsync({ email: c.email, password: c.password, ...(totp ? { totp } : {}) })
      await goOn(r.user)
    } catch (e) {
      if (e instanceof ApiRequestError && e.code === 'totp_required') {
        setCredentials(c)
        return
      }
      if (e instanceof ApiRequestError && e.code === 'totp_invalid') {
        // Shown above the form like other sign-in errors; the wrong code is cleared for the next try.
        // (The two forms carry keys: without them React reuses one <Form>, which keeps its first store.)
        setError(t('errors.totp_invalid'))
        codeForm.resetFields()
        return
      }
      if (!applyFieldErrors(t, credentials ? codeForm : form, e, credentials ? ['code'] : ['email', 'password']))
        setError(errorMessage(t, e))
    }
  }

  const passwordForm = (
    <Form key="credentials" form={form} name="login" layout="vertical" requiredMark={false} size={large} onFinish={(v) => void submit(v)}>
      <Form.Item name="email" label={t('login.email')} rules={[{ required: true, message: t('validation.required') }]}>
        <Input prefix={<MailOutlined />} autoComplete="username" inputMode="email" autoFocus placeholder="name@example.com" />
      </Form.Item>
      <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('validation.required') }]}>
        <Input.Password prefix={<LockOutlined />} autoComplete="current-password" />
      </Form.Item>
      <Button
        type="primary"
        htmlType="submit"
        block
        size="large"
        loading={login.isPending}
        data-testid="login-submit"
        style={variant === 'field' ? { height: 52 } : undefined}
      >
        {t('login.submit')}
      </Button>
    </Form>
  )

  return (
    <div
      style={{
        minHeight: '100dvh',
        display: 'flex',
        flexDirection: 'column',
        alignItems: 'center',
        justifyContent: 'center',
        padding: 16,
        background: variant === 'portal' ? 'linear-gradient(160deg,#eef4ff,#f8fafc)' : 'linear-gradient(160deg,#e8f0fe,#f5f7fa 60%)',
      }}
    >
      <div style={{ position: 'fixed', top: 12, right: 16 }}>
        <LanguageSwitch />
      </div>
      <Card
        style={{ width: '100%', maxWidth: variant === 'field' ? 460 : 400 }}
        styles={{ body: { padding: variant === 'field' ? 24 : 32 } }}
      >
        <div style={{ textAlign: 'center', marginBottom: 24 }}>
          <div style={{ fontSize: 36, color: '#1668dc' }}>{icons[variant]}</div>
          <Typography.Title level={3} style={{ margin: '8px 0 4px' }}>
            {t(`login.title.${variant}`)}
          </Typography.Title>
          <Typography.Text type="secondary">{t(`login.subtitle.${variant}`)}</Typography.Text>
        </div>
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="login-error" />}
        {!credentials ? (
          variant === 'portal' ? (
            <Tabs
              centered
              destroyOnHidden
              items={[
                {
                  key: 'password',
                  label: <span data-testid="login-tab-password">{t('portalLogin.byPassword')}</span>,
                  children: passwordForm,
                },
                {
                  key: 'code',
                  label: <span data-testid="login-tab-code">{t('portalLogin.byCode')}</span>,
                  children: <PortalCodeLogin onSignedIn={goOn} />,
                },
              ]}
            />
          ) : (
            passwordForm
          )
        ) : (
          <Form
            key="totp"
            form={codeForm}
            name="loginTotp"
            layout="vertical"
            requiredMark={false}
            size={large}
            onFinish={(v) => void submit(credentials, v.code)}
          >
            <Alert type="info" showIcon icon={<SafetyOutlined />} title={t('login.totpPrompt')} style={{ marginBottom: 16 }} />
            <Form.Item
              name="code"
              label={t('login.totpCode')}
              rules={[
                { required: true, message: t('validation.required') },
                { pattern: /^\d{6}$/, message: t('validation.sixDigits') },
              ]}
            >
              <Input
                autoComplete="one-time-code"
                inputMode="numeric"
                maxLength={6}
                autoFocus
                data-testid="totp-input"
                style={{ letterSpacing: 6, fontSize: 20 }}
              />
            </Form.Item>
            <Button
              type="primary"
              htmlType="submit"
              block
              size="large"
              loading={login.isPending}
              data-testid="totp-submit"
              style={variant === 'field' ? { height: 52 } : undefined}
            >
              {t('login.verify')}
            </Button>
            <Button
              type="link"
              block
              onClick={() => {
                setCredentials(null)
                setError(null)
                codeForm.resetFields()
              }}
            >
              {t('login.back')}
            </Button>
          </Form>
        )}
      </Card>
      <Typography.Text type="secondary" style={{ marginTop: 16, fontSize: 12 }}>
        {t('app.footer')}
      </Typography.Text>
    </div>
  )
}
