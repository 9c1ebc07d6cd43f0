// Pieces complaints and disputes share: the grade tag, a deadline as the live SLA badge, the linked
// ticket, and the case drawer (header actions, the text each action asks for, the stale-version
// alert with reload, facts, deadlines, texts kept as typed, the timeline).
import type { SlaClock } from '@aftercare/contracts'
import { useMutation, useQueryClient, type QueryKey } from '@tanstack/react-query'
import { Alert, App, Button, Descriptions, Drawer, Form, Input, Modal, Skeleton, Space, Tag, Timeline, Typography } from 'antd'
import type { Rule } from 'antd/es/form'
import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { applyFieldErrors } from '../../shared/api/errors.ts'
import { dateTime } from '../../shared/format.ts'
import { SlaTag } from '../sla/SlaBadge.tsx'
import { useTicketSla } from '../sla/sla.api.ts'
import { caseError, clockSummary, formatSpec, isStale, type ComplaintGrade } from './complaints.api.ts'

export const gradeColor: Record<ComplaintGrade, string> = { A: 'red', B: 'orange', C: 'blue' }

export function GradeTag({ grade }: { grade: ComplaintGrade }) {
  const { t } = useTranslation()
  return (
    <Tag color={gradeColor[grade]} data-testid={`grade-${grade}`} style={{ marginInlineEnd: 0 }}>
      {t(`complaints.grades.${grade}`)}
    </Tag>
  )
}

/**
 * One deadline, counting down every second (the SLA badge of tickets, fed one clock): time left,
 * warned, overdue (counting the time over), or met / missed once stopped.
 */
export function ClockTag({ clock, testId, pending }: { clock: SlaClock | undefined; testId: string; pending?: string }) {
  if (!clock)
    return (
      <Typography.Text type="secondary" data-testid={testId} data-sla-state="none">
        {pending ?? '—'}
      </Typography.Text>
    )
  const summary = clockSummary(clock)
  return (
    <span data-testid={testId} data-sla-state={summary}>
      <SlaTag
        key={`${clock.id}-${clock.state}-${clock.dueAt ?? ''}`}
        sla={{ summary, next: clock, now: new Date().toISOString(), policy: null }}
      />
    </span>
  )
}

/** A deadline in a case's facts: the live badge, then when it is due and its target. */
export function Deadline({
  clock,
  testId,
  pending,
  dueTestId,
}: {
  clock: SlaClock | undefined
  testId: string
  pending?: string
  dueTestId?: string
}) {
  const { t } = useTranslation()
  return (
    <>
      <ClockTag clock={clock} testId={testId} pending={pending} />
      {clock?.dueAt && (
        <Typography.Text type="secondary" style={{ marginInlineStart: 8 }} data-testid={dueTestId}>
          {t('complaints.clockDue', { at: dateTime(clock.dueAt), spec: formatSpec(t, clock.spec) })}
        </Typography.Text>
      )}
    </>
  )
}

/** The ticket a case points at, by number (from the batched SLA reading), linking to the ticket. */
export function TicketLink({ ticketId }: { ticketId: string | null }) {
  const sla = useTicketSla(ticketId ?? '')
  if (!ticketId) return <>—</>
  return (
    <Link to={`/tickets/${ticketId}`} data-testid="case-ticket-link" onClick={(e) => e.stopPropagation()}>
      {sla.data?.number ?? ticketId.slice(0, 8)}
    </Link>
  )
}

/** Text as it was typed (line breaks kept). */
export function CaseText({ text, testId }: { text: string; testId?: string }) {
  return (
    <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginBottom: 0 }} data-testid={testId}>
      {text}
    </Typography.Paragraph>
  )
}

/** A case's facts, one per line. */
export function CaseFacts({ children }: { children: ReactNode }) {
  return (
    <Descriptions column={1} size="small" bordered styles={{ label: { width: 120 } }}>
      {children}
    </Descriptions>
  )
}

export interface CaseEvent {
  at: string
  color: string
  text: string
  detail?: string | null
  testId: string
}

/** What happened to a case, oldest first, each with its time and what was said. */
export function CaseTimeline({
  title,
  testId,
  itemTestId,
  events,
}: {
  title: string
  testId: string
  /** Each event's test id: this, a dash, the event's. */
  itemTestId: string
  events: CaseEvent[]
}) {
  return (
    <>
      <Typography.Title level={5} style={{ marginTop: 24 }}>
        {title}
      </Typography.Title>
      <Timeline
        data-testid={testId}
        items={events.map((e) => ({
          color: e.color,
          content: (
            <div data-testid={`${itemTestId}-${e.testId}`}>
              <Typography.Text strong>{e.text}</Typography.Text> <Typography.Text type="secondary">{dateTime(e.at)}</Typography.Text>
              {e.detail && <div style={{ whiteSpace: 'pre-wrap' }}>{e.detail}</div>}
            </div>
          ),
        }))}
      />
    </>
  )
}

/**
 * An action on a case read at one version: which one is being asked for, the form for its text, and
 * the write, whose answer replaces the cached case (its lists refetch). A 412 (someone else changed
 * the case) closes the form and shows the stale alert, whose reload reads the case again; a 422
 * marks the field.
 */
export function useCaseAction<A extends string, R extends { id: string }>({
  run,
  done,
  fieldOf,
  query,
  keys,
}: {
  run: (action: A, text: string | undefined) => Promise<R>
  /** What the success message says. */
  done: (result: R, action: A) => string
  /** The form field of an action's text, named as the API names it. */
  fieldOf: (action: A) => string
  query: { refetch: () => Promise<unknown> }
  keys: { one: (id: string) => QueryKey; lists: QueryKey }
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const qc = useQueryClient()
  const [acting, setActing] = useState<A | null>(null)
  const [stale, setStale] = useState(false)
  const [form] = Form.useForm<Record<string, string | undefined>>()
  const mutation = useMutation({
    mutationFn: (v: { action: A; text: string | undefined }) => run(v.action, v.text),
    onSuccess: (r, v) => {
      qc.setQueryData(keys.one(r.id), r)
      void qc.invalidateQueries({ queryKey: keys.lists })
      void message.success(done(r, v.action))
      setActing(null)
      form.resetFields()
    },
    onError: (e, v) => {
      if (isStale(e)) {
        setActing(null)
        setStale(true)
        return
      }
      if (!applyFieldErrors(t, form, e, [fieldOf(v.action)])) void message.error(caseError(t, e))
    },
  })
  return {
    acting,
    setActing,
    stale,
    form,
    mutation,
    fieldOf,
    async reload() {
      setStale(false)
      await query.refetch()
      void qc.invalidateQueries({ queryKey: keys.lists })
    },
  }
}
export type CaseAction<A extends string> = ReturnType<typeof useCaseAction<A, { id: string }>>

export interface CaseButton<A extends string> {
  action: A
  label: string
  testId: string
  type?: 'primary' | 'default'
  danger?: boolean
}

/**
 * The drawer of one complaint or dispute: its actions in the header (each opens the form for its
 * text), the stale alert, the body once loaded, and the action form.
 */
export function CaseDrawer<A extends string>({
  title,
  testId,
  reloadTestId,
  size,
  onClose,
  query,
  action,
  buttons,
  extra,
  form,
  children,
}: {
  title: ReactNode
  testId: string
  reloadTestId: string
  size: number
  onClose: () => void
  query: { isPending: boolean; isError: boolean; error: unknown }
  action: CaseAction<A>
  /** Actions allowed now (none: no header buttons). */
  buttons: CaseButton<A>[]
  /** More header content after the buttons. */
  extra?: ReactNode
  /** The action form: its title, label, whether the text is required, and its test ids. */
  form: { title: (a: A) => string; label: (a: A) => string; rules: (a: A) => Rule[]; okTestId: string; textTestId: string }
  children: ReactNode
}) {
  const { t } = useTranslation()
  const { acting } = action
  return (
    <Drawer
      open
      size={size}
      title={title}
      onClose={onClose}
      destroyOnHidden
      data-testid={testId}
      extra={
        (buttons.length > 0 || extra) && (
          <Space wrap>
            {buttons.map((b) => (
              <Button key={b.action} type={b.type} danger={b.danger} data-testid={b.testId} onClick={() => action.setActing(b.action)}>
                {b.label}
              </Button>
            ))}
            {extra}
          </Space>
        )
      }
    >
      {action.stale && (
        <Alert
          type="warning"
          showIcon
          title={t('complaints.stale')}
          action={
            <Button size="small" onClick={() => void action.reload()} data-testid={reloadTestId}>
              {t('common.reload')}
            </Button>
          }
          style={{ marginBottom: 16 }}
          data-testid="stale-alert"
        />
      )}
      {query.isPending ? <Skeleton active /> : query.isError ? <Alert type="error" showIcon title={caseError(t, query.error)} /> : children}
      <Modal
        open={acting !== null && !query.isPending && !query.isError}
        title={acting ? form.title(acting) : ''}
        okText={t('common.confirm')}
        okButtonProps={{ loading: action.mutation.isPending, ...({ 'data-testid': form.okTestId } as Record<string, string>) }}
        onOk={() => action.form.submit()}
        onCancel={() => action.setActing(null)}
        destroyOnHidden
      >
        <Form
          form={action.form}
          layout="vertical"
          onFinish={(v) => acting && action.mutation.mutate({ action: acting, text: v[action.fieldOf(acting)] })}
        >
          {acting && (
            <Form.Item name={action.fieldOf(acting)} label={form.label(acting)} rules={form.rules(acting)}>
              <Input.TextArea rows={4} maxLength={5000} showCount data-testid={form.textTestId} />
            </Form.Item>
          )}
        </Form>
      </Modal>
    </Drawer>
  )
}
