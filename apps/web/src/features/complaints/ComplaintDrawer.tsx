// One complaint: its two deadlines (live), what was said and when, and the actions its status
// allows (respond, give the plan, close), each with its text and the version it was read at.
import { Complaint as ComplaintSchema, type Complaint } from '@aftercare/contracts'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Descriptions, Drawer, Form, Input, Modal, Skeleton, Space, Tag, Timeline, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { dateTime } from '../../shared/format.ts'
import { useCustomerNames } from '../tickets/pickers.tsx'
import { ClockTag, GradeTag, TicketLink } from './CaseParts.tsx'
import { caseError, clockOf, clockSummary, complaintKeys, formatSpec, isStale, useComplaint } from './complaints.api.ts'

type Action = 'respond' | 'plan' | 'close'

export const statusColor: Record<Complaint['status'], string> = {
  open: 'gold',
  responded: 'processing',
  planned: 'cyan',
  closed: 'default',
}

function allowed(c: Complaint): Action[] {
  if (c.status === 'closed') return []
  if (c.status === 'open') return ['respond', 'plan', 'close']
  if (c.status === 'responded') return ['plan', 'close']
  return ['close']
}

export function ComplaintDrawer({
  id,
  onClose,
  onOpenDispute,
}: {
  id: string
  onClose: () => void
  onOpenDispute: (c: Complaint) => void
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const me = useCurrentUser()
  const qc = useQueryClient()
  const q = useComplaint(id)
  const customer = useCustomerNames()
  const [acting, setActing] = useState<Action | null>(null)
  const [stale, setStale] = useState(false)
  const [form] = Form.useForm<{ text: string }>()

  const act = useMutation({
    mutationFn: (v: { c: Complaint; action: Action; text: string }) =>
      api(`/api/sla/complaints/${v.c.id}/actions`, ComplaintSchema, {
        method: 'POST',
        body: { action: v.action, text: v.text },
        ifMatch: `"v${v.c.version}"`,
      }),
    onSuccess: (c, v) => {
      qc.setQueryData(complaintKeys.one(c.id), c)
      void qc.invalidateQueries({ queryKey: complaintKeys.all })
      void message.success(t(`complaints.actionDone.${v.action}`))
      setActing(null)
      form.resetFields()
    },
    onError: (e) => {
      if (isStale(e)) {
        setActing(null)
        setStale(true)
        return
      }
      void message.error(caseError(t, e))
    },
  })

  const reload = async () => {
    setStale(false)
    await q.refetch()
    void qc.invalidateQueries({ queryKey: complaintKeys.all })
  }

  const c = q.data
  const response = c && clockOf(c, 'complaint_response')
  const plan = c && clockOf(c, 'complaint_plan')
  const mayWrite = can(me, 'tickets.write')

  const events: { at: string; color: string; text: string; detail?: string | null; testId: string }[] = []
  if (c) {
    events.push({
      at: c.createdAt,
      color: 'blue',
      text: t('complaints.events.created', { grade: c.grade }),
      detail: c.summary,
      testId: 'created',
    })
    if (c.respondedAt)
      events.push({ at: c.respondedAt, color: 'green', text: t('complaints.events.responded'), detail: c.response, testId: 'responded' })
    if (c.plannedAt)
      events.push({ at: c.plannedAt, color: 'green', text: t('complaints.events.planned'), detail: c.plan, testId: 'planned' })
    for (const k of c.clocks)
      if (k.state === 'stopped' && k.stoppedAt)
        events.push({
          at: k.stoppedAt,
          color: clockSummary(k) === 'met' ? 'green' : 'red',
          text: t('complaints.clockStopped', {
            target: t(`sla.targets.${k.target}`),
            state: t(`sla.states.${clockSummary(k)}`),
            at: dateTime(k.stoppedAt),
          }),
          testId: `clock-${k.target}`,
        })
    if (c.status === 'closed') {
      const at = c.clocks.find((k) => k.stopReason === 'closed')?.stoppedAt
      events.push({ at: at ?? c.createdAt, color: 'gray', text: t('complaints.events.closed'), testId: 'closed' })
    }
    events.sort((a, b) => a.at.localeCompare(b.at))
  }

  return (
    <Drawer
      open
      size={620}
      title={c ? t('complaints.detailTitle', { grade: t(`complaints.grades.${c.grade}`) }) : t('complaints.title')}
      onClose={onClose}
      destroyOnHidden
      data-testid="complaint-drawer"
      extra={
        c &&
        mayWrite && (
          <Space wrap>
            {allowed(c).map((a) => (
              <Button
                key={a}
                type={a === 'close' ? 'default' : 'primary'}
                danger={a === 'close'}
                data-testid={`complaint-action-${a}`}
                onClick={() => setActing(a)}
              >
                {t(`complaints.actions.${a}`)}
              </Button>
            ))}
            <Button data-testid="complaint-open-dispute" onClick={() => onOpenDispute(c)}>
              {t('complaints.openDispute')}
            </Button>
          </Space>
        )
      }
    >
      {stale && (
        <Alert
          type="warning"
          showIcon
          title={t('complaints.stale')}
          action={
            <Button size="small" onClick={() => void reload()} data-testid="complaint-reload">
              {t('common.reload')}
            </Button>
          }
          style={{ marginBottom: 16 }}
          data-testid="stale-alert"
        />
      )}
      {q.isPending ? (
        <Skeleton active />
      ) : q.isError ? (
        <Alert type="error" showIcon title={caseError(t, q.error)} />
      ) : c ? (
        <>
          <Descriptions column={1} size="small" bordered styles={{ label: { width: 120 } }}>
            <Descriptions.Item label={t('complaints.grade')}>
              <GradeTag grade={c.grade} />
            </Descriptions.Item>
            <Descriptions.Item label={t('complaints.status')}>
              <Tag color={statusColor[c.status]} data-testid="complaint-status">
                {t(`complaints.statuses.${c.status}`)}
              </Tag>
            </Descriptions.Item>
            <Descriptions.Item label={t('complaints.customer')}>{customer(c.customerId)?.name ?? '—'}</Descriptions.Item>
            <Descriptions.Item label={t('complaints.ticket')}>
              <TicketLink ticketId={c.ticketId} />
            </Descriptions.Item>
            <Descriptions.Item label={t('complaints.responseDue')}>
              <ClockTag clock={response} testId="complaint-detail-response-clock" />
              {response?.dueAt && (
                <Typography.Text type="secondary" style={{ marginInlineStart: 8 }} data-testid="complaint-response-due">
                  {t('complaints.clockDue', { at: dateTime(response.dueAt), spec: formatSpec(t, response.spec) })}
                </Typography.Text>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('complaints.planDue')}>
              <ClockTag clock={plan} testId="complaint-detail-plan-clock" />
              {plan?.dueAt && (
                <Typography.Text type="secondary" style={{ marginInlineStart: 8 }}>
                  {t('complaints.clockDue', { at: dateTime(plan.dueAt), spec: formatSpec(t, plan.spec) })}
                </Typography.Text>
              )}
            </Descriptions.Item>
            <Descriptions.Item label={t('complaints.summary')}>
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{c.summary}</Typography.Paragraph>
            </Descriptions.Item>
            {c.response && (
              <Descriptions.Item label={t('complaints.response')}>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} data-testid="complaint-response-text">
                  {c.response}
                </Typography.Paragraph>
              </Descriptions.Item>
            )}
            {c.plan && (
              <Descriptions.Item label={t('complaints.plan')}>
                <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }}>{c.plan}</Typography.Paragraph>
              </Descriptions.Item>
            )}
          </Descriptions>
          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('complaints.timeline')}
          </Typography.Title>
          <Timeline
            data-testid="complaint-timeline"
            items={events.map((e) => ({
              color: e.color,
              content: (
                <div data-testid={`complaint-event-${e.testId}`}>
                  <Typography.Text strong>{e.text}</Typography.Text> <Typography.Text type="secondary">{dateTime(e.at)}</Typography.Text>
                  {e.detail && <div style={{ whiteSpace: 'pre-wrap' }}>{e.detail}</div>}
                </div>
              ),
            }))}
          />
        </>
      ) : null}
      <Modal
        open={acting !== null && !!c}
        title={acting ? t(`complaints.actionTitles.${acting}`) : ''}
        okText={t('common.confirm')}
        okButtonProps={{ loading: act.isPending, ...({ 'data-testid': 'complaint-action-ok' } as Record<string, string>) }}
        onOk={() => form.submit()}
        onCancel={() => setActing(null)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" onFinish={(v) => c && acting && act.mutate({ c, action: acting, text: v.text })}>
          <Form.Item
            name="text"
            label={acting ? t(`complaints.actionText.${acting}`) : ''}
            rules={[{ required: true, whitespace: true, message: t('complaints.textRequired') }]}
          >
            <Input.TextArea rows={4} maxLength={5000} showCount data-testid="complaint-action-text" />
          </Form.Item>
        </Form>
      </Modal>
    </Drawer>
  )
}
