// Two-factor authentication: enrol an authenticator app (QR code + secret, then a code
// to prove it works) or remove it (password + a current code).
import { Ok, TotpEnrollment } from '@aftercare/contracts'
import { SafetyCertificateOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Card, Form, Input, Space, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { z } from 'zod'
import { api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { meKey, useCurrentUser } from '../../shared/auth/session.ts'

const codeRules = (t: (k: string) => string) => [
  { required: true, message: t('validation.required') },
  { pattern: /^\d{6}$/, message: t('validation.sixDigits') },
]

function Enrol({ onDone }: { onDone: () => void }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const [enrollment, setEnrollment] = useState<z.infer<typeof TotpEnrollment> | null>(null)
  const [form] = Form.useForm<{ code: string }>()
  const [passwordForm] = Form.useForm<{ password: string }>()
  const start = useMutation({
    mutationFn: (password: string) => api('/api/auth/me/totp', TotpEnrollment, { method: 'POST', body: { password } }),
    onSuccess: setEnrollment,
    onError: (e) => {
      if (!applyFieldErrors(t, passwordForm, e, ['password'])) message.error(errorMessage(t, e))
    },
  })
  const confirm = useMutation({
    mutationFn: (code: string) => api('/api/auth/me/totp/confirm', Ok, { method: 'POST', body: { code } }),
    onSuccess: async () => {
      message.success(t('totp.enabledMessage'))
      await client.invalidateQueries({ queryKey: meKey })
      onDone()
    },
    onError: (e) => {
      if (!applyFieldErrors(t, form, e, ['code'])) message.error(errorMessage(t, e))
    },
  })

  if (!enrollment)
    return (
      <Space orientation="vertical" size={12}>
        <Typography.Text type="secondary">{t('totp.offHint')}</Typography.Text>
        {/* the password again: a borrowed session cannot bind its own authenticator */}
        <Form form={passwordForm} name="totpStart" layout="inline" onFinish={(v) => start.mutate(v.password)} style={{ rowGap: 8 }}>
          <Form.Item name="password" label={t('profile.currentPassword')} rules={[{ required: true, message: t('validation.required') }]}>
            <Input.Password autoComplete="current-password" style={{ width: 220 }} data-testid="totp-start-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" icon={<SafetyCertificateOutlined />} loading={start.isPending} data-testid="totp-start">
            {t('totp.enable')}
          </Button>
        </Form>
      </Space>
    )
  return (
    <div>
      <Typography.Paragraph>{t('totp.scan')}</Typography.Paragraph>
      <div style={{ display: 'flex', gap: 16, flexWrap: 'wrap', alignItems: 'center', marginBottom: 16 }}>
        <img
          src={enrollment.qrDataUrl}
          alt={t('totp.qrAlt')}
          width={180}
          height={180}
          style={{ border: '1px solid #f0f0f0', borderRadius: 8 }}
          data-testid="totp-qr"
        />
        <div style={{ minWidth: 0 }}>
          <Typography.Text type="secondary">{t('totp.manual')}</Typography.Text>
          <Typography.Paragraph
            copyable={{ text: enrollment.secret }}
            style={{ fontFamily: 'monospace', fontSize: 15, wordBreak: 'break-all', margin: '4px 0 0' }}
          >
            <span data-testid="totp-secret">{enrollment.secret}</span>
          </Typography.Paragraph>
        </div>
      </div>
      <Form form={form} name="totpEnrol" layout="inline" onFinish={(v) => confirm.mutate(v.code)} style={{ rowGap: 8 }}>
        <Form.Item name="code" label={t('totp.code')} rules={codeRules(t)}>
          <Input
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={6}
            style={{ width: 140, letterSpacing: 4 }}
            data-testid="totp-confirm-code"
          />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={confirm.isPending} data-testid="totp-confirm">
          {t('totp.confirm')}
        </Button>
      </Form>
    </div>
  )
}

function Remove() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const [open, setOpen] = useState(false)
  const [form] = Form.useForm<{ password: string; code: string }>()
  const remove = useMutation({
    mutationFn: (v: { password: string; code: string }) => api('/api/auth/me/totp', Ok, { method: 'DELETE', body: v }),
    onSuccess: async () => {
      message.success(t('totp.removedMessage'))
      setOpen(false)
      form.resetFields()
      await client.invalidateQueries({ queryKey: meKey })
    },
    onError: (e) => {
      if (!applyFieldErrors(t, form, e, ['password', 'code'])) message.error(errorMessage(t, e))
    },
  })
  if (!open)
    return (
      <Button danger onClick={() => setOpen(true)} data-testid="totp-remove">
        {t('totp.remove')}
      </Button>
    )
  return (
    <Form form={form} name="totpRemove" layout="vertical" onFinish={(v) => remove.mutate(v)}>
      <Alert type="warning" showIcon title={t('totp.removeWarning')} style={{ marginBottom: 12 }} />
      <Form.Item name="password" label={t('profile.currentPassword')} rules={[{ required: true, message: t('validation.required') }]}>
        <Input.Password autoComplete="current-password" />
      </Form.Item>
      <Form.Item name="code" label={t('totp.code')} rules={codeRules(t)}>
        <Input inputMode="numeric" autoComplete="one-time-code" maxLength={6} style={{ width: 140, letterSpacing: 4 }} />
      </Form.Item>
      <Space>
        <Button danger type="primary" htmlType="submit" loading={remove.isPending}>
          {t('totp.removeConfirm')}
        </Button>
        <Button onClick={() => setOpen(false)}>{t('common.cancel')}</Button>
      </Space>
    </Form>
  )
}

export function TwoFactorCard() {
  const { t } = useTranslation()
  const me = useCurrentUser()
  const [round, setRound] = useState(0)
  return (
    <Card
      title={t('totp.title')}
      extra={
        <Tag color={me.totpEnabled ? 'green' : 'default'} data-testid="totp-status">
          {me.totpEnabled ? t('totp.on') : t('totp.off')}
        </Tag>
      }
    >
      {me.totpEnabled ? <Remove /> : <Enrol key={round} onDone={() => setRound((r) => r + 1)} />}
    </Card>
  )
}
