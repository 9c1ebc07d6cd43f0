// Ticket numbers, the reopen window and attachment limits.
import { formatTicketNumber, TicketSettings } from '@aftercare/contracts'
import { App, Button, Form, Input, InputNumber } from 'antd'
import { useEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { api, ApiRequestError } from '../../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../../shared/api/errors.ts'
import { ticketsPath, useTicketSettings } from '../tickets.api.ts'
import { useRefreshConfig } from './config.api.ts'

interface Values {
  numberFormat: string
  reopenDays: number
  maxAttachmentMb: number
  maxTicketAttachmentMb: number
}

const MB = 1024 * 1024

/** What the first number of a period looks like with this format (formatted as the server does). */
const sample = (format: string) => formatTicketNumber(format, new Date(), 1)

export function SettingsTab() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const settings = useTicketSettings()
  const refresh = useRefreshConfig()
  const [form] = Form.useForm<Values>()
  const format = Form.useWatch('numberFormat', form) ?? ''
  useEffect(() => {
    const s = settings.data?.data
    if (s)
      form.setFieldsValue({
        numberFormat: s.numberFormat,
        reopenDays: s.reopenDays,
        maxAttachmentMb: Math.round(s.maxAttachmentBytes / MB),
        maxTicketAttachmentMb: Math.round(s.maxTicketAttachmentBytes / MB),
      })
  }, [settings.data, form])

  const save = async (v: Values) => {
    try {
      await api(`${ticketsPath}/settings`, TicketSettings, {
        method: 'PATCH',
        body: {
          numberFormat: v.numberFormat,
          reopenDays: v.reopenDays,
          maxAttachmentBytes: v.maxAttachmentMb * MB,
          maxTicketAttachmentBytes: v.maxTicketAttachmentMb * MB,
        },
        ifMatch: settings.data?.etag ?? null,
      })
      message.success(t('common.saved'))
      await refresh()
    } catch (e) {
      if (!applyFieldErrors(t, form, e, ['numberFormat', 'reopenDays'])) message.error(errorMessage(t, e))
      // someone saved in between: show what is stored now
      if (e instanceof ApiRequestError && e.status === 412) await refresh()
    }
  }

  return (
    <Form form={form} name="ticketSettings" layout="vertical" style={{ maxWidth: 520 }} onFinish={(v) => void save(v)}>
      <Form.Item
        name="numberFormat"
        label={t('ticketAdmin.settings.numberFormat')}
        extra={t('ticketAdmin.settings.numberFormatHint', { sample: format ? sample(format) : '—' })}
        rules={[
          { required: true, whitespace: true, message: t('validation.required') },
          { max: 60 },
          { pattern: /\{seq(?::\d{1,2})?\}/, message: t('ticketAdmin.settings.needsSeq') },
        ]}
      >
        <Input maxLength={60} data-testid="settings-number-format" />
      </Form.Item>
      <Form.Item
        name="reopenDays"
        label={t('ticketAdmin.settings.reopenDays')}
        rules={[{ required: true, message: t('validation.required') }]}
      >
        <InputNumber min={0} max={365} addonAfter={t('ticketAdmin.settings.days')} />
      </Form.Item>
      <Form.Item
        name="maxAttachmentMb"
        label={t('ticketAdmin.settings.maxAttachment')}
        rules={[{ required: true, message: t('validation.required') }]}
      >
        <InputNumber min={1} max={1024} addonAfter="MB" />
      </Form.Item>
      <Form.Item
        name="maxTicketAttachmentMb"
        label={t('ticketAdmin.settings.maxTicketAttachment')}
        rules={[{ required: true, message: t('validation.required') }]}
      >
        <InputNumber min={1} max={10240} addonAfter="MB" />
      </Form.Item>
      <Button type="primary" htmlType="submit" disabled={settings.isPending}>
        {t('common.save')}
      </Button>
    </Form>
  )
}
