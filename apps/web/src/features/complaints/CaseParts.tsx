// Small pieces both tabs use: the grade tag, a deadline as the live SLA badge, the linked ticket.
import type { SlaClock } from '@aftercare/contracts'
import { Tag, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import { SlaTag } from '../sla/SlaBadge.tsx'
import { useTicketSla } from '../sla/sla.api.ts'
import { clockSummary, type ComplaintGrade } from './complaints.api.ts'

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
