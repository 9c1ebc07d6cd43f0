// The inputs a status move asks for: a reason (pending, cancel, reopen) and the resolution notes (resolve).
import type { TicketStatus } from '@aftercare/contracts'
import { Form, Input } from 'antd'
import { useTranslation } from 'react-i18next'

export interface ReasonValues {
  reason?: string
  cause?: string
  actions?: string
  suggestions?: string
}

const pending: readonly TicketStatus[] = ['pending_customer', 'pending_parts', 'pending_third_party']

/** The API requires a reason for waiting, cancelling and reopening (409 reason_required otherwise). */
export function needsReason(from: TicketStatus, to: TicketStatus): boolean {
  const reopen = (from === 'resolved' || from === 'closed') && (to === 'in_progress' || to === 'new')
  return pending.includes(to) || to === 'cancelled' || reopen
}

export function ReasonFields({ reason, resolution }: { reason: boolean; resolution: boolean }) {
  const { t } = useTranslation()
  const required = { required: true, whitespace: true, message: t('validation.required') }
  return (
    <>
      {reason && (
        <Form.Item name="reason" label={t('tickets.reason')} rules={[required, { max: 2000 }]}>
          <Input.TextArea rows={3} maxLength={2000} data-testid="reason-input" />
        </Form.Item>
      )}
      {resolution && (
        <>
          <Form.Item name="cause" label={t('tickets.resolution.cause')} rules={[required, { max: 5000 }]}>
            <Input.TextArea rows={3} maxLength={5000} data-testid="resolution-cause" />
          </Form.Item>
          <Form.Item name="actions" label={t('tickets.resolution.actions')} rules={[required, { max: 5000 }]}>
            <Input.TextArea rows={3} maxLength={5000} data-testid="resolution-actions" />
          </Form.Item>
          <Form.Item name="suggestions" label={t('tickets.resolution.suggestions')} rules={[{ max: 5000 }]}>
            <Input.TextArea rows={2} maxLength={5000} />
          </Form.Item>
        </>
      )}
    </>
  )
}
