// /q/:token — what a phone shows after scanning a device label: the device (model, serial,
// warranty) and its owner masked; the reporter proves they belong to the owner with a one-time
// code sent to one of the owner's contacts, then describes the fault. No account needed.
// An altered, expired or unknown label gets a page of its own.
import { QrOtpRequested, QrPrefill, QrReportResult, QrVerified, type OtpChannel } from '@aftercare/contracts'
import { MailOutlined, MobileOutlined, ToolOutlined } from '@ant-design/icons'
import { useMutation, useQuery } from '@tanstack/react-query'
import { Alert, App, Button, Card, ConfigProvider, Descriptions, Form, Input, Radio, Result, Skeleton, Space, Typography } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useParams } from 'react-router'
import { ApiRequestError, api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { LanguageSwitch } from '../../shared/ui/LanguageSwitch.tsx'
import { WarrantyStateTag } from '../customers/CustomerTags.tsx'

const RESEND_SECONDS = 60

function BadLabel({ error }: { error: unknown }) {
  const { t } = useTranslation()
  const code = error instanceof ApiRequestError ? error.code : ''
  const kind = code === 'qr_expired' ? 'expired' : code === 'qr_unknown' ? 'unknown' : code === 'qr_invalid' ? 'invalid' : null
  if (!kind) return <Result status="error" title={errorMessage(t, error)} />
  return (
    <Result
      status={kind === 'unknown' ? '404' : kind === 'expired' ? 'warning' : 'error'}
      title={t(`qrReport.bad.${kind}.title`)}
      subTitle={t(`qrReport.bad.${kind}.hint`)}
      data-testid={`qr-bad-${kind}`}
    />
  )
}

function useCountdown() {
  const [left, setLeft] = useState(0)
  useEffect(() => {
    if (left <= 0) return
    const timer = setTimeout(() => setLeft((s) => s - 1), 1000)
    return () => clearTimeout(timer)
  }, [left])
  return [left, () => setLeft(RESEND_SECONDS)] as const
}

function Verify({
  token,
  prefill,
  onVerified,
}: {
  token: string
  prefill: QrPrefill
  onVerified: (reportToken: string, contactId: string) => void
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const [choice, setChoice] = useState<string | undefined>(prefill.verifyOptions.length === 1 ? '0' : undefined)
  const [sent, setSent] = useState<{ destination: string; contactId: string } | null>(null)
  const [left, restart] = useCountdown()
  const [form] = Form.useForm<{ code: string }>()
  const option = choice === undefined ? undefined : prefill.verifyOptions[Number(choice)]
  const send = useMutation({
    mutationFn: (o: { contactId: string; channel: OtpChannel }) =>
      api(`/api/public/qr/${token}/otp`, QrOtpRequested, { method: 'POST', body: o }),
    onSuccess: (r, o) => {
      setSent({ destination: r.destination, contactId: o.contactId })
      restart()
    },
    onError: (e) => message.error(errorMessage(t, e)),
  })
  const verify = useMutation({
    mutationFn: (code: string) =>
      api(`/api/public/qr/${token}/verify`, QrVerified, { method: 'POST', body: { contactId: sent!.contactId, code } }),
    onSuccess: (r) => onVerified(r.reportToken, sent!.contactId),
    onError: (e) => form.setFields([{ name: 'code', errors: [errorMessage(t, e)] }]),
  })

  if (!prefill.verifyOptions.length) return <Alert type="warning" showIcon title={t('qrReport.noContact')} />
  return (
    <Card title={t('qrReport.verifyTitle')} size="small">
      <Typography.Paragraph type="secondary">{t('qrReport.verifyHint')}</Typography.Paragraph>
      <Radio.Group value={choice} onChange={(e) => setChoice(e.target.value as string)} style={{ width: '100%' }}>
        <Space orientation="vertical" style={{ width: '100%' }}>
          {prefill.verifyOptions.map((o, i) => (
            <Radio
              key={`${o.contactId}:${o.channel}`}
              value={String(i)}
              style={{ minHeight: 40, alignItems: 'center' }}
              data-testid={`qr-option-${i}`}
            >
              {o.channel === 'sms' ? <MobileOutlined /> : <MailOutlined />} {o.destination}
            </Radio>
          ))}
        </Space>
      </Radio.Group>
      <Button
        block
        size="large"
        style={{ marginTop: 16 }}
        disabled={!option || left > 0}
        loading={send.isPending}
        onClick={() => option && send.mutate({ contactId: option.contactId, channel: option.channel })}
        data-testid="qr-send-code"
      >
        {left > 0 ? t('qrReport.resendIn', { seconds: left }) : sent ? t('qrReport.resend') : t('qrReport.sendCode')}
      </Button>
      {sent && (
        <Form form={form} layout="vertical" style={{ marginTop: 16 }} onFinish={(v) => verify.mutate(v.code)}>
          <Alert type="success" showIcon title={t('qrReport.codeSent', { destination: sent.destination })} style={{ marginBottom: 12 }} />
          <Form.Item
            name="code"
            label={t('qrReport.code')}
            rules={[{ required: true, pattern: /^\d{6}$/, message: t('validation.sixDigits') }]}
          >
            <Input size="large" inputMode="numeric" autoComplete="one-time-code" maxLength={6} data-testid="qr-code-input" />
          </Form.Item>
          <Button type="primary" block size="large" htmlType="submit" loading={verify.isPending} data-testid="qr-verify">
            {t('qrReport.verify')}
          </Button>
        </Form>
      )}
    </Card>
  )
}

function ReportForm({ token, reportToken, onDone }: { token: string; reportToken: string; onDone: (r: QrReportResult) => void }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const submit = useMutation({
    mutationFn: (v: { subject: string; description: string; reporterName?: string }) =>
      api(`/api/public/qr/${token}/report`, QrReportResult, {
        method: 'POST',
        body: { ...v, reporterName: v.reporterName?.trim() || undefined, reportToken },
      }),
    onSuccess: onDone,
    onError: (e) => message.error(errorMessage(t, e)),
  })
  return (
    <Card title={t('qrReport.reportTitle')} size="small">
      <Form layout="vertical" onFinish={(v) => submit.mutate(v)}>
        <Form.Item
          name="subject"
          label={t('qrReport.subject')}
          rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 200 }]}
        >
          <Input size="large" placeholder={t('qrReport.subjectPlaceholder')} data-testid="qr-subject" />
        </Form.Item>
        <Form.Item
          name="description"
          label={t('qrReport.description')}
          rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 5000 }]}
        >
          <Input.TextArea rows={5} placeholder={t('qrReport.descriptionPlaceholder')} data-testid="qr-description" />
        </Form.Item>
        <Form.Item name="reporterName" label={t('qrReport.reporterName')} rules={[{ max: 100 }]}>
          <Input size="large" />
        </Form.Item>
        <Button type="primary" block size="large" htmlType="submit" loading={submit.isPending} data-testid="qr-submit">
          {t('qrReport.submit')}
        </Button>
      </Form>
    </Card>
  )
}

export function QrReportPage() {
  const { t } = useTranslation()
  const { token = '' } = useParams()
  const [reportToken, setReportToken] = useState<string | null>(null)
  const [done, setDone] = useState<QrReportResult | null>(null)
  const prefill = useQuery({
    queryKey: ['public', 'qr', token],
    queryFn: () => api(`/api/public/qr/${token}`, QrPrefill),
    retry: false,
    staleTime: Infinity,
  })

  return (
    <ConfigProvider theme={{ token: { fontSize: 15 } }}>
      <div style={{ maxWidth: 480, margin: '0 auto', minHeight: '100vh', background: '#f5f5f5' }}>
        <header
          style={{
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            padding: '12px 16px',
            background: '#1668dc',
            color: '#fff',
          }}
        >
          <Space>
            <ToolOutlined />
            <span style={{ fontWeight: 600 }}>{t('qrReport.title')}</span>
          </Space>
          <LanguageSwitch light size="small" />
        </header>
        <main style={{ padding: 12 }}>
          {prefill.isPending ? (
            <Skeleton active />
          ) : prefill.isError ? (
            <BadLabel error={prefill.error} />
          ) : done ? (
            <Result
              status="success"
              title={t('qrReport.doneTitle')}
              subTitle={t('qrReport.doneHint', { number: done.ticketNumber })}
              data-testid="qr-done"
            />
          ) : (
            <Space orientation="vertical" size={12} style={{ width: '100%' }}>
              <Card size="small" data-testid="qr-device">
                <Descriptions column={1} size="small">
                  <Descriptions.Item label={t('devices.product')}>
                    {prefill.data.device.productName} · {prefill.data.device.model}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('devices.serialNumber')}>{prefill.data.device.serialNumber}</Descriptions.Item>
                  <Descriptions.Item label={t('devices.owner')}>{prefill.data.ownerName}</Descriptions.Item>
                  <Descriptions.Item label={t('devices.warranty')}>
                    <Space size={4}>
                      <WarrantyStateTag state={prefill.data.warrantyState} />
                      {prefill.data.warrantyEndsOn && (
                        <Typography.Text type="secondary">{t('qrReport.until', { date: prefill.data.warrantyEndsOn })}</Typography.Text>
                      )}
                    </Space>
                  </Descriptions.Item>
                </Descriptions>
              </Card>
              {reportToken ? (
                <ReportForm token={token} reportToken={reportToken} onDone={setDone} />
              ) : (
                <Verify token={token} prefill={prefill.data} onVerified={(r) => setReportToken(r)} />
              )}
            </Space>
          )}
        </main>
      </div>
    </ConfigProvider>
  )
}
