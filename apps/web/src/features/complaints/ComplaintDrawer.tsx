// One complaint: its two deadlines (live), what was said and when, the actions its status allows
// (respond, give the plan, resolve with the resolution), each with its text and the version it was
// read at, and the disputes that appeal it.
import { Complaint as ComplaintSchema, type Complaint } from '@aftercare/contracts'
import { Button, Descriptions, List, Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { api } from '../../shared/api/client.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { dateTime } from '../../shared/format.ts'
import { useStaffDirectory } from '../tickets/tickets.api.ts'
import { useCustomerNames } from '../tickets/pickers.tsx'
import {
  CaseDrawer,
  CaseFacts,
  CaseText,
  CaseTimeline,
  Deadline,
  GradeTag,
  TicketLink,
  useCaseAction,
  type CaseEvent,
} from './CaseParts.tsx'
import { StageTag } from './DisputesTab.tsx'
import { clockOf, clockSummary, complaintKeys, useComplaint, useDisputes } from './complaints.api.ts'

type Action = 'respond' | 'plan' | 'resolve'

export const statusColor: Record<Complaint['status'], string> = {
  open: 'gold',
  responded: 'processing',
  planned: 'cyan',
  resolved: 'success',
}

function allowed(c: Complaint): Action[] {
  if (c.status === 'resolved') return []
  if (c.status === 'open') return ['respond', 'plan', 'resolve']
  if (c.status === 'responded') return ['plan', 'resolve']
  return ['resolve']
}

/** Where a dispute opens on this page (the disputes tab, its drawer). */
export const disputeHref = (id: string) => `/complaints?tab=disputes&dispute=${id}`

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
  const me = useCurrentUser()
  const q = useComplaint(id)
  const disputes = useDisputes({ complaintId: id })
  const customer = useCustomerNames()
  const { nameOf } = useStaffDirectory()

  const action = useCaseAction<Action, Complaint>({
    run: (a, text) => {
      const c = q.data!
      return a === 'resolve'
        ? api(`/api/sla/complaints/${c.id}/resolve`, ComplaintSchema, {
            method: 'POST',
            body: { resolution: text ?? '' },
            ifMatch: `"v${c.version}"`,
          })
        : api(`/api/sla/complaints/${c.id}/actions`, ComplaintSchema, {
            method: 'POST',
            body: { action: a, text: text ?? '' },
            ifMatch: `"v${c.version}"`,
          })
    },
    done: (_, a) => t(`complaints.actionDone.${a}`),
    fieldOf: (a) => (a === 'resolve' ? 'resolution' : 'text'),
    query: q,
    keys: { one: complaintKeys.one, lists: complaintKeys.all },
  })

  const c = q.data
  const mayWrite = can(me, 'tickets.write')
  const resolvedBy = c?.resolvedBy ? (nameOf(c.resolvedBy) ?? t('tickets.someone')) : null

  const events: CaseEvent[] = []
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
    if (c.resolvedAt)
      events.push({
        at: c.resolvedAt,
        color: 'gray',
        text: t('complaints.events.resolved', { name: resolvedBy ?? t('tickets.someone') }),
        detail: c.resolution,
        testId: 'resolved',
      })
    events.sort((a, b) => a.at.localeCompare(b.at))
  }

  return (
    <CaseDrawer<Action>
      size={620}
      title={c ? t('complaints.detailTitle', { grade: t(`complaints.grades.${c.grade}`) }) : t('complaints.title')}
      onClose={onClose}
      testId="complaint-drawer"
      reloadTestId="complaint-reload"
      query={q}
      action={action}
      buttons={
        c && mayWrite
          ? allowed(c).map((a) => ({
              action: a,
              label: t(`complaints.actions.${a}`),
              testId: `complaint-action-${a}`,
              type: a === 'resolve' ? 'default' : 'primary',
            }))
          : []
      }
      extra={
        c &&
        mayWrite && (
          <Button data-testid="complaint-open-dispute" onClick={() => onOpenDispute(c)}>
            {t('complaints.openDispute')}
          </Button>
        )
      }
      form={{
        title: (a) => t(`complaints.actionTitles.${a}`),
        label: (a) => t(`complaints.actionText.${a}`),
        rules: (a) => [
          { required: true, whitespace: true, message: t(a === 'resolve' ? 'complaints.resolutionRequired' : 'complaints.textRequired') },
        ],
        okTestId: 'complaint-action-ok',
        textTestId: 'complaint-action-text',
      }}
    >
      {c && (
        <>
          <CaseFacts>
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
              <Deadline
                clock={clockOf(c, 'complaint_response')}
                testId="complaint-detail-response-clock"
                dueTestId="complaint-response-due"
              />
            </Descriptions.Item>
            <Descriptions.Item label={t('complaints.planDue')}>
              <Deadline clock={clockOf(c, 'complaint_plan')} testId="complaint-detail-plan-clock" />
            </Descriptions.Item>
            <Descriptions.Item label={t('complaints.summary')}>
              <CaseText text={c.summary} />
            </Descriptions.Item>
            {c.response && (
              <Descriptions.Item label={t('complaints.response')}>
                <CaseText text={c.response} testId="complaint-response-text" />
              </Descriptions.Item>
            )}
            {c.plan && (
              <Descriptions.Item label={t('complaints.plan')}>
                <CaseText text={c.plan} />
              </Descriptions.Item>
            )}
            {c.status === 'resolved' && (
              <Descriptions.Item label={t('complaints.resolution')}>
                {c.resolution && <CaseText text={c.resolution} testId="complaint-resolution-text" />}
                {c.resolvedAt && (
                  <Typography.Text type="secondary" data-testid="complaint-resolved-by">
                    {t('complaints.resolvedInfo', { name: resolvedBy ?? t('tickets.someone'), at: dateTime(c.resolvedAt) })}
                  </Typography.Text>
                )}
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('complaints.disputes')}>
              <List
                size="small"
                split={false}
                loading={disputes.isPending}
                dataSource={disputes.data?.items ?? []}
                locale={{ emptyText: t('complaints.noDisputes') }}
                data-testid="complaint-disputes"
                renderItem={(d) => (
                  <List.Item style={{ paddingInline: 0 }}>
                    <Link to={disputeHref(d.id)} data-testid="complaint-dispute-link">
                      <StageTag stage={d.stage} /> <Typography.Text type="secondary">{dateTime(d.createdAt)}</Typography.Text>{' '}
                      {d.summary.length > 40 ? `${d.summary.slice(0, 40)}…` : d.summary}
                    </Link>
                  </List.Item>
                )}
              />
            </Descriptions.Item>
          </CaseFacts>
          <CaseTimeline title={t('complaints.timeline')} testId="complaint-timeline" itemTestId="complaint-event" events={events} />
        </>
      )}
    </CaseDrawer>
  )
}
