// The ticket list agents work from: tabs with counts, filters, saved views, sort, pages,
// bulk assign / status, and the keyboard (j/k move, o open, x select, a assign, s status, / search, ? help).
import { TicketTab, type TicketListItem, type TicketListQuery } from '@aftercare/contracts'
import { PlusOutlined, QuestionCircleOutlined, ReloadOutlined } from '@ant-design/icons'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { Badge, Button, Card, Select, Space, Table, Tabs, Tooltip, Typography } from 'antd'
import type { SorterResult } from 'antd/es/table/interface'
import { useEffect, useRef, useState, type HTMLAttributes } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate } from 'react-router'
import { errorMessage } from '../../shared/api/errors.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { dateTime } from '../../shared/format.ts'
import { SlaBadge } from '../sla/SlaBadge.tsx'
import { BulkDialog, type BulkKind } from './BulkDialog.tsx'
import { categoryLabel } from './categories.ts'
import { useCustomerNames } from './pickers.tsx'
import { SavedViewsBar } from './SavedViewsBar.tsx'
import { ShortcutHelp } from './ShortcutHelp.tsx'
import { TicketFilterBar, type Filters } from './TicketFilterBar.tsx'
import { PriorityTag, StatusTag } from './TicketTags.tsx'
import { fetchTickets, ticketKeys, useStaffDirectory, useTicketCategories, useTicketCounts, useTicketQueues } from './tickets.api.ts'
import { useShortcuts } from './useShortcuts.ts'
import { useTicketListLive } from './useTicketLive.ts'

type Sort = NonNullable<TicketListQuery['sort']>
type Order = 'asc' | 'desc'
const workTabs = ['my', 'unassigned', 'queue', 'watching', 'all'] as const satisfies readonly TicketTab[]
const pageSizes = [20, 50, 100]

/** The focused row (j/k) is tinted; every row is findable by its number in tests. */
function rowProps(r: TicketListItem, isFocused: boolean, onClick: () => void): HTMLAttributes<HTMLElement> {
  return { onClick, style: isFocused ? { background: '#e6f4ff' } : undefined, ...{ 'data-testid': `ticket-row-${r.number}` } }
}

export function TicketWorkList({ withTabs, title }: { withTabs: boolean; title?: string }) {
  const { t } = useTranslation()
  const me = useCurrentUser()
  const navigate = useNavigate()
  const mayAssign = can(me, 'tickets.assign')
  const mayWrite = can(me, 'tickets.write')
  // selecting rows is for the bulk actions; without any of them there is nothing to select for
  const mayBulk = mayAssign || mayWrite
  const [tab, setTab] = useState<TicketTab>(withTabs ? 'my' : 'all')
  const [filters, setFilters] = useState<Filters>({})
  const [sort, setSort] = useState<{ sort: Sort; order: Order }>({ sort: 'updatedAt', order: 'desc' })
  const [limit, setLimit] = useState(50)
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined])
  const [selected, setSelected] = useState<string[]>([])
  const [focus, setFocus] = useState(0)
  const [bulk, setBulk] = useState<{ kind: BulkKind; ids: string[] } | null>(null)
  const [help, setHelp] = useState(false)
  const searchRef = useRef<HTMLInputElement | null>(null)
  const cursor = cursors[cursors.length - 1]

  const query: TicketListQuery = { tab: tab === 'all' ? undefined : tab, ...filters, ...sort, limit, cursor }
  const list = useQuery({ queryKey: ticketKeys.list(query), queryFn: () => fetchTickets(query), placeholderData: keepPreviousData })
  const counts = useTicketCounts()
  useTicketListLive()
  const rows = list.data?.items ?? []
  const { nameOf } = useStaffDirectory()
  const customer = useCustomerNames()
  const queues = useTicketQueues()
  const categories = useTicketCategories()
  const queueName = (id: string | null) => (id ? (queues.data?.find((q) => q.id === id)?.name ?? '—') : '—')

  // A new question starts on page one with nothing selected.
  const restart = () => {
    setCursors([undefined])
    setSelected([])
    setFocus(0)
  }
  const changeFilters = (f: Filters) => {
    setFilters(f)
    restart()
  }
  useEffect(() => setFocus((i) => Math.min(i, Math.max(rows.length - 1, 0))), [rows.length])

  const focused: TicketListItem | undefined = rows[focus]
  const targets = () => (selected.length ? selected : focused ? [focused.id] : [])
  const openBulk = (kind: BulkKind) => {
    const ids = targets()
    if (ids.length) setBulk({ kind, ids })
  }
  useShortcuts({
    j: () => setFocus((i) => Math.min(i + 1, rows.length - 1)),
    k: () => setFocus((i) => Math.max(i - 1, 0)),
    o: () => focused && void navigate(`/tickets/${focused.id}`),
    Enter: () => focused && void navigate(`/tickets/${focused.id}`),
    x: () => mayBulk && focused && setSelected((s) => (s.includes(focused.id) ? s.filter((id) => id !== focused.id) : [...s, focused.id])),
    a: () => mayAssign && openBulk('assign'),
    s: () => mayWrite && openBulk('status'),
    c: () => can(me, 'tickets.create') && void navigate('/tickets/new'),
    '/': () => searchRef.current?.focus(),
    '?': () => setHelp(true),
  })

  const countOf = (k: TicketTab) => (k === 'all' ? undefined : counts.data?.[k])
  const onTableChange = (s: SorterResult<TicketListItem> | SorterResult<TicketListItem>[]) => {
    const one = Array.isArray(s) ? s[0] : s
    const field = one?.columnKey as Sort | undefined
    setSort(field && one?.order ? { sort: field, order: one.order === 'ascend' ? 'asc' : 'desc' } : { sort: 'updatedAt', order: 'desc' })
    restart()
  }
  const sortOrder = (key: Sort) => (sort.sort === key ? (sort.order === 'asc' ? ('ascend' as const) : ('descend' as const)) : null)

  return (
    <div>
      <Card styles={{ body: { paddingTop: withTabs ? 4 : 16 } }}>
        {withTabs && (
          <Tabs
            activeKey={tab}
            onChange={(k) => {
              setTab(TicketTab.parse(k))
              restart()
            }}
            items={workTabs.map((k) => ({
              key: k,
              label: (
                <span data-testid={`tab-${k}`}>
                  {t(`workbench.tabs.${k}`)}{' '}
                  {countOf(k) !== undefined && (
                    <Badge count={countOf(k)} showZero color={k === 'my' ? '#1668dc' : '#8c8c8c'} overflowCount={999} />
                  )}
                </span>
              ),
            }))}
          />
        )}
        <div style={{ display: 'flex', justifyContent: 'space-between', gap: 12, flexWrap: 'wrap', marginBottom: 12 }}>
          <Space wrap>
            {title && (
              <Typography.Title level={4} style={{ margin: 0 }}>
                {title}
              </Typography.Title>
            )}
            <SavedViewsBar
              filters={filters}
              sort={sort}
              onApply={(v) => {
                setFilters(v.filters)
                setSort({ sort: v.sort, order: v.order })
                restart()
              }}
            />
          </Space>
          <Space wrap>
            <Tooltip title={t('tickets.refresh')}>
              <Button icon={<ReloadOutlined />} onClick={() => void list.refetch()} loading={list.isFetching} />
            </Tooltip>
            <Tooltip title={t('shortcuts.title')}>
              <Button icon={<QuestionCircleOutlined />} onClick={() => setHelp(true)} data-testid="shortcut-help" />
            </Tooltip>
            {can(me, 'tickets.create') && (
              <Button type="primary" icon={<PlusOutlined />} onClick={() => void navigate('/tickets/new')} data-testid="ticket-new">
                {t('tickets.new')}
              </Button>
            )}
          </Space>
        </div>
        <TicketFilterBar value={filters} onChange={changeFilters} searchRef={searchRef} />
        {selected.length > 0 && (
          <Space style={{ margin: '12px 0 0' }} data-testid="bulk-bar">
            <Typography.Text>{t('tickets.bulk.selected', { count: selected.length })}</Typography.Text>
            {mayAssign && (
              <Button size="small" onClick={() => openBulk('assign')} data-testid="bulk-assign">
                {t('tickets.bulk.assign')}
              </Button>
            )}
            {mayWrite && (
              <Button size="small" onClick={() => openBulk('status')} data-testid="bulk-status">
                {t('tickets.bulk.status')}
              </Button>
            )}
            <Button size="small" type="link" onClick={() => setSelected([])}>
              {t('tickets.bulk.clear')}
            </Button>
          </Space>
        )}
        <Table<TicketListItem>
          style={{ marginTop: 12 }}
          rowKey="id"
          size="middle"
          loading={list.isPending}
          dataSource={rows}
          pagination={false}
          scroll={{ x: 1600 }}
          onChange={(_p, _f, s) => onTableChange(s)}
          rowSelection={mayBulk ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys.map(String)) } : undefined}
          onRow={(r, i) => rowProps(r, i === focus, () => setFocus(i ?? 0))}
          locale={{
            emptyText: list.isError ? errorMessage(t, list.error) : t(tab === 'all' ? 'tickets.emptyAll' : `workbench.empty.${tab}`),
          }}
          columns={[
            {
              title: t('tickets.fields.number'),
              key: 'number',
              dataIndex: 'number',
              width: 150,
              sorter: true,
              sortOrder: sortOrder('number'),
              render: (n: string, r) => (
                <Link to={`/tickets/${r.id}`} data-testid="ticket-link">
                  {n}
                </Link>
              ),
            },
            { title: t('tickets.fields.subject'), dataIndex: 'subject', width: 280, ellipsis: true },
            {
              title: t('tickets.fields.status'),
              dataIndex: 'status',
              width: 110,
              render: (s: TicketListItem['status']) => <StatusTag status={s} />,
            },
            {
              title: t('tickets.fields.priority'),
              key: 'priority',
              dataIndex: 'priority',
              width: 90,
              sorter: true,
              sortOrder: sortOrder('priority'),
              render: (p: TicketListItem['priority']) => <PriorityTag priority={p} />,
            },
            { title: 'SLA', key: 'sla', width: 210, render: (_, r) => <SlaBadge ticketId={r.id} /> },
            {
              title: t('tickets.fields.customer'),
              dataIndex: 'customerId',
              width: 170,
              ellipsis: true,
              render: (id: string) => customer(id)?.name ?? '—',
            },
            {
              title: t('tickets.fields.category'),
              dataIndex: 'categoryId',
              width: 150,
              ellipsis: true,
              render: (id: string | null) => categoryLabel(categories.data ?? [], id) ?? '—',
            },
            {
              title: t('tickets.fields.assignee'),
              dataIndex: 'assigneeId',
              width: 120,
              render: (id: string | null) =>
                id ? (nameOf(id) ?? t('tickets.someone')) : <Typography.Text type="secondary">{t('tickets.unassigned')}</Typography.Text>,
            },
            { title: t('tickets.fields.queue'), dataIndex: 'queueId', width: 120, render: queueName },
            {
              title: t('tickets.fields.updatedAt'),
              key: 'updatedAt',
              dataIndex: 'updatedAt',
              width: 170,
              sorter: true,
              sortOrder: sortOrder('updatedAt'),
              render: dateTime,
            },
            {
              title: t('tickets.fields.createdAt'),
              key: 'createdAt',
              dataIndex: 'createdAt',
              width: 170,
              sorter: true,
              sortOrder: sortOrder('createdAt'),
              render: dateTime,
            },
          ]}
        />
        <div style={{ display: 'flex', justifyContent: 'flex-end', alignItems: 'center', gap: 8, marginTop: 12 }}>
          <Typography.Text type="secondary">{t('tickets.page', { page: cursors.length })}</Typography.Text>
          <Button disabled={cursors.length <= 1} onClick={() => setCursors((c) => c.slice(0, -1))}>
            {t('tickets.prevPage')}
          </Button>
          <Button
            disabled={!list.data?.nextCursor}
            onClick={() => setCursors((c) => [...c, list.data?.nextCursor ?? undefined])}
            data-testid="next-page"
          >
            {t('tickets.nextPage')}
          </Button>
          <Select
            value={limit}
            style={{ width: 110 }}
            onChange={(v: number) => {
              setLimit(v)
              restart()
            }}
            options={pageSizes.map((n) => ({ value: n, label: t('tickets.perPage', { count: n }) }))}
          />
        </div>
      </Card>
      {bulk && <BulkDialog kind={bulk.kind} ticketIds={bulk.ids} onClose={() => setBulk(null)} onDone={() => setSelected([])} />}
      <ShortcutHelp open={help} onClose={() => setHelp(false)} scope="list" />
    </div>
  )
}
