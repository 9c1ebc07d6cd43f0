// The SLA state of a ticket as a colour-coded tag: time left to the next deadline (counting down
// every second), paused (time left frozen), warned (orange), breached (red, counting the time
// over), met / missed once every clock stopped. Refetched when the ticket's realtime topic reports
// anything (SLA publishes `sla.updated`, warnings and breaches there).
import type { SlaClock, SlaSummaryState, TicketSla } from '@aftercare/contracts'
import { ClockCircleOutlined, PauseCircleOutlined } from '@ant-design/icons'
import { Tag, Tooltip } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { dateTime } from '../../shared/format.ts'
import { useRealtime } from '../../shared/realtime/useRealtime.ts'
import { slaKeys, useTicketSla } from './sla.api.ts'

/** The current time, updated every `ms` while mounted. */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now())
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), ms)
    return () => clearInterval(id)
  }, [ms])
  return now
}

/** 1 d 02:03:04 style (hours:minutes:seconds, days when longer). */
export function countdown(ms: number, dayLabel: (n: number) => string): string {
  const s = Math.max(0, Math.floor(Math.abs(ms) / 1000))
  const d = Math.floor(s / 86400)
  const hms = [Math.floor((s % 86400) / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join(':')
  return d ? `${dayLabel(d)} ${hms}` : hms
}

export const slaColor: Record<SlaSummaryState, string> = {
  none: 'default',
  ok: 'green',
  warning: 'orange',
  breached: 'red',
  paused: 'blue',
  met: 'green',
  missed: 'red',
}

/** What the badge shows at `now` (client time corrected by the server's clock offset). */
export function badgeState(sla: Pick<TicketSla, 'summary' | 'next'>, now: number): { state: SlaSummaryState; ms: number | null } {
  const c: SlaClock | null = sla.next
  if (!c || sla.summary === 'met' || sla.summary === 'missed' || sla.summary === 'none') return { state: sla.summary, ms: null }
  if (c.state === 'paused') return { state: c.breached ? 'breached' : 'paused', ms: c.remainingMinutes * 60_000 }
  if (!c.dueAt) return { state: sla.summary, ms: null }
  const left = new Date(c.dueAt).getTime() - now
  if (left <= 0 || c.breached) return { state: 'breached', ms: left }
  const warned = c.warned || (c.warnAt !== null && new Date(c.warnAt).getTime() <= now)
  return { state: sla.summary === 'breached' ? 'breached' : warned ? 'warning' : 'ok', ms: left }
}

export function SlaTag({ sla }: { sla: Pick<TicketSla, 'summary' | 'next' | 'now' | 'policy'> }) {
  const { t } = useTranslation()
  const clientNow = useNow()
  // the server's reading time vs ours when it arrived: count down on the server's clock
  const [offset] = useState(() => new Date(sla.now).getTime() - Date.now())
  const { state, ms } = badgeState(sla, clientNow + offset)
  const day = (n: number) => t('sla.days', { count: n })
  const target = sla.next ? t(`sla.targets.${sla.next.target}`) : ''
  let text: string
  if (ms === null) text = t(`sla.states.${state}`)
  else if (state === 'breached') text = t('sla.badge.over', { time: countdown(ms, day) })
  else if (state === 'paused') text = t('sla.badge.paused', { time: countdown(ms, day) })
  else text = t('sla.badge.left', { time: countdown(ms, day) })
  const tip = sla.next
    ? [
        `${target} · ${t(`sla.states.${state}`)}`,
        sla.next.dueAt ? t('sla.badge.due', { at: dateTime(sla.next.dueAt) }) : null,
        sla.policy ? t('sla.badge.policy', { name: sla.policy.name }) : null,
      ]
        .filter(Boolean)
        .join('\n')
    : t(`sla.states.${state}`)
  return (
    <Tooltip title={<span style={{ whiteSpace: 'pre-line' }}>{tip}</span>}>
      <Tag
        color={slaColor[state]}
        icon={state === 'paused' ? <PauseCircleOutlined /> : <ClockCircleOutlined />}
        data-testid="sla-badge"
        data-sla-state={state}
        style={{ fontVariantNumeric: 'tabular-nums', marginInlineEnd: 0 }}
      >
        {sla.next && state !== 'met' && state !== 'missed' ? `${target} ` : ''}
        {text}
      </Tag>
    </Tooltip>
  )
}

/** The badge of one ticket; fetches (batched with the page's other badges) and stays live. */
export function SlaBadge({ ticketId }: { ticketId: string }) {
  const { data } = useTicketSla(ticketId)
  useRealtime(ticketId ? `ticket:${ticketId}` : null, [slaKeys.ticket(ticketId), slaKeys.escalations(ticketId)])
  if (!data || data.summary === 'none')
    return (
      <span data-testid="sla-badge" data-sla-state="none">
        —
      </span>
    )
  return <SlaTag key={data.now} sla={data} />
}
