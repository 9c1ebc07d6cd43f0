// Portal sign-in with a one-time code: the contact enters their mobile or email, receives a 6-digit
// code (SMS or email) and signs in with it. The page never says whether the address is known.
import { LoginResult, PortalOtpRequested, type Me } from '@aftercare/contracts'
import { MessageOutlined, SafetyOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, Button, Form, Input } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useSearchParams } from 'react-router'
import { api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { signedIn } from '../../shared/auth/session.ts'
import { currentLocale } from '../../shared/i18n/index.ts'

const targetPattern = /^(?:[^\s@]+@[^\s@]+\.[^\s@]+|(?:\+86|0086)?[\s-]*1[\d\s-]{10,14})$/

export function PortalCodeLogin({ onSignedIn }: { onSignedIn: (me: Me) => Promise<void> }) {
  const { t } = useTranslation()
  const client = useQueryClient()
  const [params] = useSearchParams()
  const tenant = params.get('tenant') ?? undefined
  const [targetForm] = Form.useForm<{ target: string }>()
  const [codeForm] = Form.useForm<{ code: string }>()
  const [sent, setSent] = useState<(PortalOtpRequested & { target: string }) | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [wait, setWait] = useState(0)

  useEffect(() => {
    if (wait <= 0) return
    const timer = setTimeout(() => setWait((w) => w - 1), 1000)
    return () => clearTimeout(timer)
  }, [wait])

  const send = useMutation({
    mutationFn: (target: string) =>
      api('/api/auth/portal/otp', PortalOtpRequested, {
        method: 'POST',
        body: { target, locale: currentLocale(), ...(tenant ? { tenant } : {}) },
      }),
  })
  const verify = useMutation({
    mutationFn: (b: { target: string; code: string }) =>
      api('/api/auth/portal/otp/verify', LoginResult, { method: 'POST', body: { ...b, ...(tenant ? { tenant } : {}) } }),
    onSuccess: async (r) => {
      await signedIn(client, { ...r.user, csrfToken: r.csrfToken })
    },
  })

  const requestCode = async (target: string) => {
    setError(null)
    try {
      const r = await send.mutateAsync(target)
      setSent({ ...r, target })
      setWait(r.resendAfterSeconds)
    } catch (e) {
      if (!applyFieldErrors(t, targetForm, e, ['target'])) setError(errorMessage(t, e))
    }
  }

  const signIn = async (code: string) => {
    if (!sent) return
    setError(null)
    try {
      const r = await verify.mutateAsync({ target: sent.target, code })
      await onSignedIn(r.user)
    } catch (e) {
      codeForm.resetFields()
      setError(errorMessage(t, e))
    }
  }

  const minutes = sent ? Math.max(1, Math.round((Date.parse(sent.expiresAt) - Date.now()) / 60_000)) : 0

  return (
    <div>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="otp-error" />}
      {!sent ? (
        <Form
          key="target"
          form={targetForm}
          name="portalOtp"
          layout="vertical"
          requiredMark={false}
          onFinish={(v) => void requestCode(v.target)}
        >
          <Form.Item
            name="target"
            label={t('portalLogin.target')}
            rules={[
              { required: true, message: t('validation.required') },
              { pattern: targetPattern, message: t('portalLogin.targetRule') },
            ]}
          >
            <Input
              prefix={<MessageOutlined />}
              autoComplete="username"
              autoFocus
              placeholder={t('portalLogin.targetPlaceholder')}
              data-testid="otp-target"
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={send.isPending} data-testid="otp-send">
            {t('portalLogin.send')}
          </Button>
        </Form>
      ) : (
        <Form key="code" form={codeForm} name="portalOtpCode" layout="vertical" requiredMark={false} onFinish={(v) => void signIn(v.code)}>
          <Alert
            type="info"
            showIcon
            icon={<SafetyOutlined />}
            title={t('portalLogin.sent', { destination: sent.destination, minutes })}
            style={{ marginBottom: 16 }}
            data-testid="otp-sent"
          />
          <Form.Item
            name="code"
            label={t('portalLogin.code')}
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
              data-testid="otp-code"
              style={{ letterSpacing: 6, fontSize: 20 }}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={verify.isPending} data-testid="otp-submit">
            {t('portalLogin.submit')}
          </Button>
          <div style={{ display: 'flex', justifyContent: 'space-between', marginTop: 8 }}>
            <Button
              type="link"
              style={{ paddingInline: 0 }}
              onClick={() => {
                setSent(null)
                setError(null)
                codeForm.resetFields()
              }}
            >
              {t('portalLogin.changeTarget')}
            </Button>
            <Button
              type="link"
              style={{ paddingInline: 0 }}
              disabled={wait > 0}
              loading={send.isPending}
              onClick={() => void requestCode(sent.target)}
              data-testid="otp-resend"
            >
              {wait > 0 ? t('portalLogin.resendIn', { seconds: wait }) : t('portalLogin.resend')}
            </Button>
          </div>
        </Form>
      )}
    </div>
  )
}
