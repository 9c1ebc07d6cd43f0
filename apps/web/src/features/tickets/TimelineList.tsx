// Everything that happened to a ticket, oldest first: messages, field changes, status moves,
// assignments, escalations, attachments, watchers, links, merges, splits — with who and when.
import type { TimelineEntry } from '@aftercare/contracts'
import { Empty, Tag, Timeline as AntTimeline, Typography } from 'antd'
import type { TFunction } from 'i18next'
import { useTranslation } from 'react-i18next'
import { dateTime } from '../../shared/format.ts'

type NameOf = (id: string | null | undefined) => string | null

const str = (v: unknown) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : JSON.stringify(v))
const statusName = (t: TFunction, s: unknown) => (typeof s === 'string' && s ? t(`tickets.status.${s}`, { defaultValue: s }) : '—')

/** One sentence per entry, from its kind and data (see TimelineEntry in the contracts). */
export function describe(t: TFunction, e: TimelineEntry, nameOf: NameOf): string {
  const d = e.data
  const who = (id: unknown) => (typeof id === 'string' ? (nameOf(id) ?? t('tickets.someone')) : t('tickets.nobody'))
  switch (e.kind) {
    case 'created':
      return t('timeline.created')
    case 'message':
      return t(e.visibility === 'internal' ? 'timeline.note' : 'timeline.reply')
    case 'field_changed': {
      const changes = Array.isArray(d.changes) ? (d.changes as { field?: unknown; from?: unknown; to?: unknown }[]) : []
      return changes
        .map((c) =>
          t('timeline.fieldChanged', {
            field: t(`timeline.field.${str(c.field)}`, { defaultValue: str(c.field) }),
            from: str(c.from) || '—',
            to: str(c.to) || '—',
          }),
        )
        .join('；')
    }
    case 'status_changed':
      return (
        t('timeline.statusChanged', { from: statusName(t, d.from), to: statusName(t, d.to) }) +
        (d.reason ? t('timeline.because', { reason: str(d.reason) }) : '')
      )
    case 'assigned':
      return d.assigneeId ? t('timeline.assigned', { name: who(d.assigneeId) }) : t('timeline.unassigned')
    case 'escalated':
      return (
        t('timeline.escalated', { from: str(d.from), to: str(d.to) }) + (d.reason ? t('timeline.because', { reason: str(d.reason) }) : '')
      )
    case 'attachment_added':
      return t('timeline.attachment', { name: str(d.fileName) })
    case 'watcher_added':
      return t('timeline.watcherAdded', { name: who(d.userId) })
    case 'watcher_removed':
      return t('timeline.watcherRemoved', { name: who(d.userId) })
    case 'linked':
      return t('timeline.linked', { kind: t(`links.kind.${str(d.kind)}`, { defaultValue: str(d.kind) }) })
    case 'unlinked':
      return t('timeline.unlinked')
    case 'merged':
      return d.intoId ? t('timeline.mergedInto') : t('timeline.mergedFrom')
    case 'split':
      return d.toId ? t('timeline.splitTo') : t('timeline.splitFrom')
    case 'resolution':
      return t('timeline.resolution', { cause: str(d.cause) })
    case 'confirmed':
      return t('timeline.confirmed')
  }
}

export function TimelineList({ items, nameOf, customerView }: { items: readonly TimelineEntry[]; nameOf: NameOf; customerView?: boolean }) {
  const { t } = useTranslation()
  if (!items.length) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('timeline.empty')} />
  return (
    <AntTimeline
      style={{ marginTop: 8 }}
      items={items.map((e) => ({
        key: e.id,
        color: e.kind === 'status_changed' ? 'blue' : e.kind === 'escalated' ? 'red' : e.visibility === 'internal' ? 'gold' : 'gray',
        content: (
          <div data-testid={`timeline-${e.kind}`}>
            <Typography.Text>{describe(t, e, nameOf)}</Typography.Text>
            {!customerView && e.visibility === 'internal' && (
              <Tag color="gold" style={{ marginInlineStart: 6 }}>
                {t('tickets.internalOnly')}
              </Tag>
            )}
            <div>
              <Typography.Text type="secondary">
                {e.actorName ?? t(`tickets.author.${e.actorType}`)} · {dateTime(e.at)}
              </Typography.Text>
            </div>
          </div>
        ),
      }))}
    />
  )
}
