// What an agent does to a ticket besides talking: move its status (with the reason or resolution the
// move needs), assign or transfer it, escalate it a tier, watch it, link, merge or split it.
import { TicketStatus, TicketWatchers, type Ticket, type TicketMessage } from '@aftercare/contracts'
import { DownOutlined, EyeInvisibleOutlined, EyeOutlined } from '@ant-design/icons'
import { App, Button, Checkbox, Dropdown, Form, Input, Modal, Select, Space } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import { z } from 'zod'
import { applyFieldErrors } from '../../shared/api/errors.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { ReasonFields, needsReason, type ReasonValues } from './ReasonFields.tsx'
import { TicketPicker } from './TicketPicker.tsx'
import { agentLabel, useStaffDirectory, useTicketQueues } from './tickets.api.ts'
import type { TicketWrites } from './useTicketWrites.ts'

export type ActionDialog =
  { kind: 'status'; to: TicketStatus } | { kind: 'assign' } | { kind: 'escalate' } | { kind: 'merge' } | { kind: 'split' }

interface Props {
  ticket: Ticket
  etag: string | null
  writes: TicketWrites
  messages: readonly TicketMessage[]
  dialog: ActionDialog | null
  onDialog: (d: ActionDialog | null) => void
}

function StatusDialog({
  ticket,
  etag,
  writes,
  to,
  onClose,
}: Omit<Props, 'dialog' | 'onDialog' | 'messages'> & { to: TicketStatus; onClose: () => void }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const [form] = Form.useForm<ReasonValues>()
  const [busy, setBusy] = useState(false)
  const reason = needsReason(ticket.status, to)
  const resolution = to === 'resolved'
  const submit = async (v: ReasonValues) => {
    setBusy(true)
    try {
      await writes.write('/transition', {
        body: {
          to,
          ...(v.reason ? { reason: v.reason } : {}),
          ...(resolution ? { resolution: { cause: v.cause ?? '', actions: v.actions ?? '', suggestions: v.suggestions ?? '' } } : {}),
        },
        ifMatch: etag,
      })
      message.success(t('tickets.movedTo', { status: t(`tickets.status.${to}`) }))
      onClose()
    } catch (e) {
      applyFieldErrors(t, form, e, ['reason', 'cause', 'actions', 'suggestions'])
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal
      open
      title={t('tickets.moveTitle', { status: t(`tickets.status.${to}`) })}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Form form={form} name="transition" layout="vertical" onFinish={(v) => void submit(v)} initialValues={ticket.resolution ?? undefined}>
        {!reason && !resolution && <p>{t('tickets.moveConfirm', { number: ticket.number, status: t(`tickets.status.${to}`) })}</p>}
        <ReasonFields reason={reason} resolution={resolution} />
      </Form>
    </Modal>
  )
}

function AssignDialog({
  ticket,
  etag,
  writes,
  onClose,
  escalate,
}: Omit<Props, 'dialog' | 'onDialog' | 'messages'> & { onClose: () => void; escalate: boolean }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const { assignable } = useStaffDirectory()
  const queues = useTicketQueues()
  const [form] = Form.useForm<{ assigneeId?: string | null; queueId?: string | null; note?: string; reason?: string }>()
  const [busy, setBusy] = useState(false)
  const submit = async (v: { assigneeId?: string | null; queueId?: string | null; note?: string; reason?: string }) => {
    setBusy(true)
    try {
      if (escalate) {
        await writes.write('/escalate', {
          body: {
            reason: v.reason ?? '',
            ...(v.queueId ? { queueId: v.queueId } : {}),
            ...(v.assigneeId ? { assigneeId: v.assigneeId } : {}),
          },
          ifMatch: etag,
        })
        message.success(t('tickets.escalated'))
      } else {
        const body = {
          ...(v.assigneeId !== undefined ? { assigneeId: v.assigneeId ?? null } : {}),
          ...(v.queueId !== undefined ? { queueId: v.queueId ?? null } : {}),
          ...(v.note ? { note: v.note } : {}),
        }
        if (body.assigneeId === undefined && body.queueId === undefined) {
          form.setFields([{ name: 'assigneeId', errors: [t('tickets.assignSomething')] }])
          return
        }
        await writes.write('/assign', { body, ifMatch: etag })
        message.success(t('tickets.assignedMessage'))
      }
      onClose()
    } catch (e) {
      applyFieldErrors(t, form, e, ['assigneeId', 'queueId', 'note', 'reason'])
    } finally {
      setBusy(false)
    }
  }
  const nextTier = ticket.tier === 'L1' ? 'L2' : 'L3'
  return (
    <Modal
      open
      title={escalate ? t('tickets.escalateTitle', { from: ticket.tier, to: nextTier }) : t('tickets.assignTitle')}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={t('common.confirm')}
      cancelText={t('common.cancel')}
      confirmLoading={busy}
      destroyOnHidden
    >
      <Form
        form={form}
        name={escalate ? 'escalate' : 'assign'}
        layout="vertical"
        onFinish={(v) => void submit(v)}
        initialValues={escalate ? {} : { assigneeId: ticket.assigneeId, queueId: ticket.queueId }}
      >
        {escalate && (
          <Form.Item
            name="reason"
            label={t('tickets.reason')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 2000 }]}
          >
            <Input.TextArea rows={3} maxLength={2000} data-testid="escalate-reason" />
          </Form.Item>
        )}
        <Form.Item name="queueId" label={t('tickets.fields.queue')}>
          <Select
            allowClear
            options={(queues.data ?? [])
              .filter((q) => q.active && (!escalate || q.tier === nextTier))
              .map((q) => ({ value: q.id, label: `${q.name} (${q.tier})` }))}
            data-testid="assign-queue"
          />
        </Form.Item>
        <Form.Item name="assigneeId" label={t('tickets.fields.assignee')}>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            options={assignable.map((s) => ({ value: s.id, label: agentLabel(s) }))}
            data-testid="assign-user"
          />
        </Form.Item>
        {!escalate && (
          <Form.Item name="note" label={t('tickets.assignNote')} rules={[{ max: 2000 }]}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        )}
      </Form>
    </Modal>
  )
}

function MergeDialog({ ticket, writes, onClose }: { ticket: Ticket; writes: TicketWrites; onClose: () => void }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const [into, setInto] = useState<string | undefined>()
  const [busy, setBusy] = useState(false)
  const submit = async () => {
    if (!into) return
    setBusy(true)
    try {
      await writes.write('/merge', { body: { intoId: into } })
      message.success(t('links.merged'))
      onClose()
    } catch {
      // explained by the page
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal
      open
      title={t('links.mergeTitle', { number: ticket.number })}
      onCancel={onClose}
      onOk={() => void submit()}
      okButtonProps={{ disabled: !into, danger: true }}
      confirmLoading={busy}
      okText={t('links.merge')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      <p>{t('links.mergeHint')}</p>
      <TicketPicker customerId={ticket.customerId} exceptId={ticket.id} value={into} onChange={setInto} />
    </Modal>
  )
}

function SplitDialog({
  ticket,
  writes,
  messages,
  onClose,
}: {
  ticket: Ticket
  writes: TicketWrites
  messages: readonly TicketMessage[]
  onClose: () => void
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const navigate = useNavigate()
  const [form] = Form.useForm<{ subject: string; description?: string; messageIds: string[] }>()
  const [busy, setBusy] = useState(false)
  const submit = async (v: { subject: string; description?: string; messageIds?: string[] }) => {
    setBusy(true)
    try {
      const created = await writes.write('/split', {
        body: { subject: v.subject, description: v.description ?? '', messageIds: v.messageIds ?? [] },
      })
      message.success(t('links.splitDone', { number: created.number }))
      onClose()
      void navigate(`/tickets/${created.id}`)
    } catch (e) {
      applyFieldErrors(t, form, e, ['subject', 'description', 'messageIds'])
    } finally {
      setBusy(false)
    }
  }
  return (
    <Modal
      open
      title={t('links.splitTitle', { number: ticket.number })}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={busy}
      okText={t('links.split')}
      cancelText={t('common.cancel')}
      destroyOnHidden
      width={640}
    >
      <Form form={form} name="split" layout="vertical" onFinish={(v) => void submit(v)} initialValues={{ messageIds: [] }}>
        <Form.Item
          name="subject"
          label={t('tickets.fields.subject')}
          rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 200 }]}
        >
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="description" label={t('tickets.fields.description')}>
          <Input.TextArea rows={3} />
        </Form.Item>
        <Form.Item name="messageIds" label={t('links.splitMessages')} extra={t('links.splitMessagesHint')}>
          <Checkbox.Group
            style={{ display: 'flex', flexDirection: 'column', gap: 4 }}
            options={messages.map((m) => ({ value: m.id, label: `${m.authorName ?? ''}：${m.body.slice(0, 60)}` }))}
          />
        </Form.Item>
      </Form>
    </Modal>
  )
}

export function TicketActions({ ticket, etag, writes, messages, dialog, onDialog }: Props) {
  const { t } = useTranslation()
  const me = useCurrentUser()
  const mayWrite = can(me, 'tickets.write')
  const mayAssign = can(me, 'tickets.assign')
  const close = () => onDialog(null)
  // the API offers the moves its state machine and this user's rights allow now
  const moves = ticket.allowedTransitions
  const toggleWatch = () =>
    void writes
      .write(ticket.watching ? `/watchers/${me.id}` : '/watchers', {
        method: ticket.watching ? 'DELETE' : 'POST',
        body: ticket.watching ? undefined : {},
        schema: TicketWatchers,
      })
      .catch(() => undefined)

  return (
    <>
      <Space wrap>
        {moves.length > 0 && (
          <Dropdown
            trigger={['click']}
            menu={{
              items: moves.map((to) => ({ key: to, label: <span data-testid={`move-${to}`}>{t(`tickets.moveTo.${to}`)}</span> })),
              onClick: ({ key }) => onDialog({ kind: 'status', to: TicketStatus.parse(key) }),
            }}
          >
            <Button type="primary" data-testid="ticket-status-menu">
              {t('tickets.changeStatus')} <DownOutlined />
            </Button>
          </Dropdown>
        )}
        {mayAssign && (
          <Button onClick={() => onDialog({ kind: 'assign' })} data-testid="ticket-assign">
            {t('tickets.assign')}
          </Button>
        )}
        {mayWrite && ticket.tier !== 'L3' && (
          <Button onClick={() => onDialog({ kind: 'escalate' })} data-testid="ticket-escalate">
            {t('tickets.escalate')}
          </Button>
        )}
        {(ticket.watching || ticket.mayWatch) && (
          <Button icon={ticket.watching ? <EyeInvisibleOutlined /> : <EyeOutlined />} onClick={toggleWatch} data-testid="ticket-watch">
            {ticket.watching ? t('tickets.unwatch') : t('tickets.watch')}
          </Button>
        )}
        {mayWrite && (
          <Dropdown
            trigger={['click']}
            menu={{
              items: [
                { key: 'merge', label: t('links.merge'), disabled: ticket.mergedIntoId !== null },
                { key: 'split', label: t('links.split') },
              ],
              onClick: ({ key }) => onDialog(z.enum(['merge', 'split']).parse(key) === 'merge' ? { kind: 'merge' } : { kind: 'split' }),
            }}
          >
            <Button>
              {t('common.more')} <DownOutlined />
            </Button>
          </Dropdown>
        )}
      </Space>
      {dialog?.kind === 'status' && <StatusDialog ticket={ticket} etag={etag} writes={writes} to={dialog.to} onClose={close} />}
      {((dialog?.kind === 'assign' && mayAssign) || dialog?.kind === 'escalate') && (
        <AssignDialog ticket={ticket} etag={etag} writes={writes} onClose={close} escalate={dialog.kind === 'escalate'} />
      )}
      {dialog?.kind === 'merge' && <MergeDialog ticket={ticket} writes={writes} onClose={close} />}
      {dialog?.kind === 'split' && <SplitDialog ticket={ticket} writes={writes} messages={messages} onClose={close} />}
    </>
  )
}
