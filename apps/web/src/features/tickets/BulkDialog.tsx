// One action on many tickets: assign (person and/or queue) or move them to a status.
// Each ticket succeeds or fails on its own; failures are listed with their reason.
import { BulkTicketResult, TicketStatus, type BulkTicketBody } from '@aftercare/contracts'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Form, List, Modal, Select } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { i18n } from '../../shared/i18n/index.ts'
import { ReasonFields, needsReason, type ReasonValues } from './ReasonFields.tsx'
import { ticketKeys, ticketsPath, useStaffDirectory, useTicketQueues } from './tickets.api.ts'

export type BulkKind = 'assign' | 'status'

interface Values extends ReasonValues {
  assigneeId?: string
  queueId?: string
  to?: TicketStatus
}

/** Statuses a bulk move may target (reopening needs the ticket's own history, so it is done one by one). */
const bulkTargets: TicketStatus[] = [
  'in_progress',
  'pending_customer',
  'pending_parts',
  'pending_third_party',
  'resolved',
  'closed',
  'cancelled',
]

export function BulkDialog({
  kind,
  ticketIds,
  onClose,
  onDone,
}: {
  kind: BulkKind
  ticketIds: string[]
  onClose: () => void
  onDone: () => void
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const [form] = Form.useForm<Values>()
  const to = Form.useWatch('to', form)
  const { staff } = useStaffDirectory()
  const queues = useTicketQueues()
  const [failures, setFailures] = useState<{ ticketId: string; message: string }[]>([])

  const resultMessage = (code?: string, text?: string) =>
    code && i18n.exists(`errors.${code}`) ? t(`errors.${code}`) : (text ?? code ?? '')
  const run = useMutation({
    mutationFn: (v: Values) => {
      const action: BulkTicketBody['action'] =
        kind === 'assign'
          ? { type: 'assign', ...(v.assigneeId ? { assigneeId: v.assigneeId } : {}), ...(v.queueId ? { queueId: v.queueId } : {}) }
          : {
              type: 'status',
              to: v.to ?? 'in_progress',
              ...(v.reason ? { reason: v.reason } : {}),
              ...(v.to === 'resolved'
                ? { resolution: { cause: v.cause ?? '', actions: v.actions ?? '', suggestions: v.suggestions ?? '' } }
                : {}),
            }
      return api(`${ticketsPath}/bulk`, BulkTicketResult, { method: 'POST', body: { ticketIds, action } satisfies BulkTicketBody })
    },
    onSuccess: async (r) => {
      await client.invalidateQueries({ queryKey: ticketKeys.all })
      const failed = r.results.filter((x) => !x.ok)
      const ok = r.results.length - failed.length
      if (failed.length === 0) {
        message.success(t('tickets.bulk.done', { count: ok }))
        onDone()
        onClose()
      } else {
        message.warning(t('tickets.bulk.partly', { ok, failed: failed.length }))
        setFailures(failed.map((f) => ({ ticketId: f.ticketId, message: resultMessage(f.code, f.message) })))
      }
    },
    onError: (e) => message.error(errorMessage(t, e)),
  })

  return (
    <Modal
      open
      title={t(kind === 'assign' ? 'tickets.bulk.assignTitle' : 'tickets.bulk.statusTitle', { count: ticketIds.length })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={run.isPending}
      destroyOnHidden
    >
      <Form
        form={form}
        name="bulk"
        layout="vertical"
        onFinish={(v) => {
          if (kind === 'assign' && !v.assigneeId && !v.queueId)
            return form.setFields([{ name: 'assigneeId', errors: [t('tickets.assignSomething')] }])
          run.mutate(v)
        }}
      >
        {kind === 'assign' ? (
          <>
            <Form.Item name="assigneeId" label={t('tickets.fields.assignee')}>
              <Select
                allowClear
                showSearch={{ optionFilterProp: 'label' }}
                options={staff.map((s) => ({ value: s.id, label: s.name }))}
                data-testid="bulk-assignee"
              />
            </Form.Item>
            <Form.Item name="queueId" label={t('tickets.fields.queue')}>
              <Select allowClear options={(queues.data ?? []).map((q) => ({ value: q.id, label: q.name }))} />
            </Form.Item>
          </>
        ) : (
          <>
            <Form.Item name="to" label={t('tickets.newStatus')} rules={[{ required: true, message: t('validation.required') }]}>
              <Select options={bulkTargets.map((s) => ({ value: s, label: t(`tickets.status.${s}`) }))} data-testid="bulk-to" />
            </Form.Item>
            {to && <ReasonFields reason={needsReason('in_progress', to)} resolution={to === 'resolved'} />}
          </>
        )}
      </Form>
      {failures.length > 0 && (
        <Alert
          type="warning"
          showIcon
          title={t('tickets.bulk.failedList')}
          description={<List size="small" dataSource={failures} renderItem={(f) => <List.Item>{f.message}</List.Item>} />}
        />
      )}
    </Modal>
  )
}
