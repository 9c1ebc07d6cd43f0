// SLA administration: policies (tiers, priority targets, pause statuses, warning fraction,
// escalation rules), business calendars (weekly hours, holidays and 调休 imported from
// chinese-days and editable) and the "what would the due time be" preview.
import {
  CustomerTier,
  ImportSlaHolidaysResult,
  SlaCalendar as SlaCalendarSchema,
  SlaEscalationAction,
  SlaPolicy as SlaPolicySchema,
  SlaPreview,
  TicketPriority,
  type SlaCalendar,
  type SlaCalendarDay,
  type SlaPolicy,
  type SlaTargetSpec,
  type SlaWeekHours,
} from '@aftercare/contracts'
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import {
  App,
  Button,
  Card,
  Checkbox,
  DatePicker,
  Drawer,
  Form,
  Input,
  InputNumber,
  Select,
  Space,
  Switch,
  Table,
  Tabs,
  Tag,
  Typography,
} from 'antd'
import dayjs, { type Dayjs } from 'dayjs'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { dateTime } from '../../shared/format.ts'
import { useTicketQueues } from '../tickets/tickets.api.ts'
import { slaKeys, useSlaCalendars, useSlaPolicies } from './sla.api.ts'

const PRIORITIES = TicketPriority.options
const KINDS = ['firstResponse', 'nextUpdate', 'resolution'] as const
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const
const PAUSES = ['pending_customer', 'pending_parts', 'pending_third_party'] as const
const etag = (version: number) => `"v${version}"`

/** "09:00-12:00, 13:00-18:00" ⇄ [{start, end}]. */
export const rangesToText = (r: { start: string; end: string }[] | null) => (r ?? []).map((x) => `${x.start}-${x.end}`).join(', ')
export function textToRanges(s: string): { start: string; end: string }[] {
  return s
    .split(/[,，;\s]+/)
    .filter(Boolean)
    .map((part) => {
      const [start = '', end = ''] = part.split(/[-–~]/)
      return { start: start.trim(), end: end.trim() }
    })
}
const minutesOf = (s: SlaTargetSpec | null | undefined) => (s && 'minutes' in s ? s.minutes : null)

// ─── Policies ───────────────────────────────────────────────────────────────────────────────

interface PolicyValues {
  name: string
  description?: string | null
  tiers: CustomerTier[]
  rank: number
  calendarId: string
  warningPercent: number
  pauseStatuses: (typeof PAUSES)[number][]
  active: boolean
  targets: Record<string, Partial<Record<(typeof KINDS)[number], number | null>>>
  escalations: { on: 'warning' | 'breach'; target: string; action: SlaEscalationAction; queueId?: string | null; maxPriority?: string }[]
}

function PolicyDrawer({ policy, open, onClose }: { policy: SlaPolicy | null; open: boolean; onClose: () => void }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const qc = useQueryClient()
  const [form] = Form.useForm<PolicyValues>()
  const calendars = useSlaCalendars().data?.items ?? []
  const queues = useTicketQueues().data ?? []
  const initial: Partial<PolicyValues> = policy
    ? {
        name: policy.name,
        description: policy.description,
        tiers: policy.tiers,
        rank: policy.rank,
        calendarId: policy.calendarId,
        warningPercent: Math.round(policy.warningFraction * 100),
        pauseStatuses: policy.pauseStatuses,
        active: policy.active,
        targets: Object.fromEntries(
          PRIORITIES.map((p) => [p, Object.fromEntries(KINDS.map((k) => [k, minutesOf(policy.targets[p]?.[k])]))]),
        ),
        escalations: policy.escalations,
      }
    : { tiers: [], rank: 100, warningPercent: 80, pauseStatuses: ['pending_customer'], active: true, targets: {}, escalations: [] }
  const save = useMutation({
    mutationFn: (v: PolicyValues) => {
      const targets = Object.fromEntries(
        PRIORITIES.flatMap((p) => {
          const row = v.targets?.[p] ?? {}
          const spec = (k: (typeof KINDS)[number]) => (row[k] ? { minutes: row[k] } : null)
          return KINDS.some((k) => row[k])
            ? [[p, { firstResponse: spec('firstResponse'), nextUpdate: spec('nextUpdate'), resolution: spec('resolution') }]]
            : []
        }),
      )
      const body = {
        name: v.name,
        description: v.description || null,
        tiers: v.tiers,
        rank: v.rank,
        calendarId: v.calendarId,
        warningFraction: v.warningPercent / 100,
        pauseStatuses: v.pauseStatuses,
        active: v.active,
        targets,
        escalations: (v.escalations ?? []).map((e) => ({ ...e, queueId: e.queueId ?? null })),
      }
      return policy
        ? api(`/api/sla/policies/${policy.id}`, SlaPolicySchema, { method: 'PATCH', body, ifMatch: etag(policy.version) })
        : api('/api/sla/policies', SlaPolicySchema, { method: 'POST', body })
    },
    onSuccess: () => {
      void message.success(t('common.saved'))
      void qc.invalidateQueries({ queryKey: slaKeys.policies })
      onClose()
    },
    onError: (e) => void message.error(errorMessage(t, e)),
  })
  return (
    <Drawer
      open={open}
      onClose={onClose}
      width={880}
      title={policy ? t('sla.admin.editPolicy', { name: policy.name }) : t('sla.admin.newPolicy')}
      destroyOnHidden
      extra={
        <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="sla-policy-save">
          {t('common.save')}
        </Button>
      }
    >
      <Form form={form} layout="vertical" initialValues={initial} onFinish={(v) => save.mutate(v)}>
        <Space wrap align="start">
          <Form.Item name="name" label={t('sla.admin.name')} rules={[{ required: true, max: 100 }]}>
            <Input style={{ width: 260 }} />
          </Form.Item>
          <Form.Item name="rank" label={t('sla.admin.rank')} tooltip={t('sla.admin.rankHint')}>
            <InputNumber min={0} max={10000} />
          </Form.Item>
          <Form.Item name="calendarId" label={t('sla.admin.calendar')} rules={[{ required: true }]}>
            <Select style={{ width: 260 }} options={calendars.map((c) => ({ value: c.id, label: c.name }))} />
          </Form.Item>
          <Form.Item name="warningPercent" label={t('sla.admin.warningAt')}>
            <InputNumber min={1} max={99} addonAfter="%" />
          </Form.Item>
          <Form.Item name="active" label={t('sla.admin.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
        </Space>
        <Form.Item name="description" label={t('sla.admin.description')}>
          <Input.TextArea rows={2} maxLength={1000} />
        </Form.Item>
        <Space wrap align="start">
          <Form.Item name="tiers" label={t('sla.admin.tiers')} tooltip={t('sla.admin.tiersHint')}>
            <Checkbox.Group options={CustomerTier.options.map((x) => ({ value: x, label: t(`customers.tiers.${x}`) }))} />
          </Form.Item>
          <Form.Item name="pauseStatuses" label={t('sla.admin.pauseStatuses')}>
            <Checkbox.Group options={PAUSES.map((s) => ({ value: s, label: t(`tickets.status.${s}`) }))} />
          </Form.Item>
        </Space>
        <Typography.Title level={5}>{t('sla.admin.targets')}</Typography.Title>
        <Typography.Paragraph type="secondary">{t('sla.admin.targetsHint')}</Typography.Paragraph>
        <Table
          size="small"
          pagination={false}
          rowKey={(p) => p}
          dataSource={[...PRIORITIES]}
          columns={[
            { title: t('tickets.fields.priority'), render: (_, p) => p, width: 80 },
            ...KINDS.map((k) => ({
              title: t(`sla.kinds.${k}`),
              key: k,
              render: (_: unknown, p: string) => (
                <Form.Item name={['targets', p, k]} noStyle>
                  <InputNumber
                    min={1}
                    max={525600}
                    placeholder="—"
                    addonAfter={t('sla.admin.minutes')}
                    data-testid={`sla-target-${p}-${k}`}
                  />
                </Form.Item>
              ),
            })),
          ]}
        />
        <Typography.Title level={5} style={{ marginTop: 24 }}>
          {t('sla.admin.escalations')}
        </Typography.Title>
        <Form.List name="escalations">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} wrap align="baseline" data-testid="sla-escalation-rule">
                  <Form.Item name={[f.name, 'on']} rules={[{ required: true }]}>
                    <Select
                      style={{ width: 110 }}
                      options={(['warning', 'breach'] as const).map((x) => ({ value: x, label: t(`sla.triggers.${x}`) }))}
                    />
                  </Form.Item>
                  <Form.Item name={[f.name, 'target']} initialValue="any">
                    <Select
                      style={{ width: 130 }}
                      options={['any', 'first_response', 'next_update', 'resolution'].map((x) => ({
                        value: x,
                        label: x === 'any' ? t('sla.admin.anyTarget') : t(`sla.targets.${x}`),
                      }))}
                    />
                  </Form.Item>
                  <Form.Item name={[f.name, 'action']} rules={[{ required: true }]}>
                    <Select
                      style={{ width: 150 }}
                      options={SlaEscalationAction.options.map((x) => ({ value: x, label: t(`sla.actions.${x}`) }))}
                    />
                  </Form.Item>
                  <Form.Item noStyle shouldUpdate>
                    {() => {
                      const action = form.getFieldValue(['escalations', f.name, 'action']) as string | undefined
                      if (action === 'reassign_queue' || action === 'raise_tier')
                        return (
                          <Form.Item name={[f.name, 'queueId']} rules={[{ required: action === 'reassign_queue' }]}>
                            <Select
                              allowClear
                              style={{ width: 180 }}
                              placeholder={t('tickets.fields.queue')}
                              options={queues.map((q) => ({ value: q.id, label: q.name }))}
                            />
                          </Form.Item>
                        )
                      if (action === 'raise_priority')
                        return (
                          <Form.Item name={[f.name, 'maxPriority']} initialValue="P1" label={t('sla.admin.maxPriority')}>
                            <Select style={{ width: 80 }} options={PRIORITIES.map((p) => ({ value: p, label: p }))} />
                          </Form.Item>
                        )
                      return null
                    }}
                  </Form.Item>
                  <Button icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('common.delete')} />
                </Space>
              ))}
              <Button icon={<PlusOutlined />} onClick={() => add({ on: 'warning', target: 'any', action: 'notify_supervisor' })}>
                {t('sla.admin.addRule')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>
    </Drawer>
  )
}

function PoliciesTab() {
  const { t } = useTranslation()
  const q = useSlaPolicies()
  const calendars = useSlaCalendars().data?.items ?? []
  const [editing, setEditing] = useState<SlaPolicy | null | 'new'>(null)
  return (
    <>
      <Button type="primary" icon={<PlusOutlined />} style={{ marginBottom: 16 }} onClick={() => setEditing('new')}>
        {t('sla.admin.newPolicy')}
      </Button>
      <Table<SlaPolicy>
        rowKey="id"
        size="middle"
        loading={q.isPending}
        dataSource={[...(q.data?.items ?? [])].sort((a, b) => a.rank - b.rank)}
        pagination={false}
        columns={[
          { title: t('sla.admin.rank'), dataIndex: 'rank', width: 70 },
          {
            title: t('sla.admin.name'),
            dataIndex: 'name',
            render: (n: string, p) => (
              <a onClick={() => setEditing(p)} data-testid={`sla-policy-${p.name}`}>
                {n}
              </a>
            ),
          },
          {
            title: t('sla.admin.tiers'),
            dataIndex: 'tiers',
            render: (tiers: string[]) =>
              tiers.length ? tiers.map((x) => <Tag key={x}>{t(`customers.tiers.${x}`)}</Tag>) : t('sla.admin.anyTier'),
          },
          {
            title: t('sla.admin.targets'),
            key: 'targets',
            render: (_, p) =>
              PRIORITIES.filter((x) => p.targets[x])
                .map(
                  (x) =>
                    `${x}: ${[minutesOf(p.targets[x]?.firstResponse), minutesOf(p.targets[x]?.resolution)].map((m) => (m === null ? '—' : `${m}′`)).join(' / ')}`,
                )
                .join('  '),
          },
          {
            title: t('sla.admin.calendar'),
            dataIndex: 'calendarId',
            render: (id: string) => calendars.find((c) => c.id === id)?.name ?? '—',
          },
          {
            title: t('sla.admin.active'),
            dataIndex: 'active',
            width: 80,
            render: (a: boolean) => (a ? <Tag color="green">✓</Tag> : <Tag>—</Tag>),
          },
        ]}
      />
      <PolicyDrawer policy={editing === 'new' ? null : editing} open={editing !== null} onClose={() => setEditing(null)} />
    </>
  )
}

// ─── Calendars ──────────────────────────────────────────────────────────────────────────────

function CalendarEditor({ calendar }: { calendar: SlaCalendar }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const qc = useQueryClient()
  const [week, setWeek] = useState<Record<string, string>>(() => Object.fromEntries(DAYS.map((d) => [d, rangesToText(calendar.week[d])])))
  const [days, setDays] = useState<SlaCalendarDay[]>(calendar.days)
  const [alwaysOpen, setAlwaysOpen] = useState(calendar.alwaysOpen)
  const [timeZone, setTimeZone] = useState(calendar.timeZone)
  const [year, setYear] = useState(dayjs().year())
  const done = (c: SlaCalendar) => {
    void message.success(t('common.saved'))
    qc.setQueryData(slaKeys.calendars, (old: { items: SlaCalendar[] } | undefined) =>
      old ? { items: old.items.map((x) => (x.id === c.id ? c : x)) } : old,
    )
    void qc.invalidateQueries({ queryKey: slaKeys.all })
  }
  const save = useMutation({
    mutationFn: () =>
      api(`/api/sla/calendars/${calendar.id}`, SlaCalendarSchema, {
        method: 'PATCH',
        ifMatch: etag(calendar.version),
        body: {
          timeZone,
          alwaysOpen,
          week: Object.fromEntries(DAYS.map((d) => [d, textToRanges(week[d] ?? '')])) as SlaWeekHours,
          days: days.map((d) => ({ ...d, hours: d.hours?.length ? d.hours : null })),
        },
      }),
    onSuccess: done,
    onError: (e) => void message.error(errorMessage(t, e)),
  })
  const importYear = useMutation({
    mutationFn: () =>
      api(`/api/sla/calendars/${calendar.id}/import-holidays`, ImportSlaHolidaysResult, { method: 'POST', body: { year, replace: true } }),
    onSuccess: (r) => {
      setDays(r.calendar.days)
      void message.success(t('sla.cal.imported', { count: r.imported, year: r.year }))
      done(r.calendar)
    },
    onError: (e) => void message.error(errorMessage(t, e)),
  })
  const setDay = (i: number, patch: Partial<SlaCalendarDay>) => setDays((ds) => ds.map((d, j) => (j === i ? { ...d, ...patch } : d)))
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Space wrap>
        <span>{t('sla.cal.timeZone')}</span>
        <Input value={timeZone} onChange={(e) => setTimeZone(e.target.value)} style={{ width: 200 }} />
        <Checkbox checked={alwaysOpen} onChange={(e) => setAlwaysOpen(e.target.checked)}>
          {t('sla.cal.alwaysOpen')}
        </Checkbox>
        <Button type="primary" loading={save.isPending} onClick={() => save.mutate()} data-testid="sla-calendar-save">
          {t('common.save')}
        </Button>
      </Space>
      {!alwaysOpen && (
        <>
          <Typography.Title level={5}>{t('sla.cal.week')}</Typography.Title>
          <Typography.Text type="secondary">{t('sla.cal.weekHint')}</Typography.Text>
          {DAYS.map((d) => (
            <Space key={d}>
              <span style={{ display: 'inline-block', width: 48 }}>{t(`sla.cal.days.${d}`)}</span>
              <Input
                value={week[d]}
                onChange={(e) => setWeek((w) => ({ ...w, [d]: e.target.value }))}
                style={{ width: 320 }}
                placeholder="—"
              />
            </Space>
          ))}
          <Typography.Title level={5}>{t('sla.cal.exceptions')}</Typography.Title>
          <Space wrap>
            <InputNumber value={year} onChange={(v) => setYear(v ?? dayjs().year())} min={2004} max={2100} />
            <Button loading={importYear.isPending} onClick={() => importYear.mutate()} data-testid="sla-import-holidays">
              {t('sla.cal.import')}
            </Button>
            <Button
              icon={<PlusOutlined />}
              onClick={() => setDays((ds) => [...ds, { date: dayjs().format('YYYY-MM-DD'), kind: 'holiday', name: null, hours: null }])}
            >
              {t('sla.cal.addDay')}
            </Button>
          </Space>
          <Table<SlaCalendarDay>
            size="small"
            rowKey={(d) => `${d.date}-${days.indexOf(d)}`}
            dataSource={days}
            pagination={{ pageSize: 15, hideOnSinglePage: true }}
            columns={[
              {
                title: t('sla.cal.date'),
                key: 'date',
                width: 160,
                render: (_, d, i) => (
                  <DatePicker
                    allowClear={false}
                    value={dayjs(d.date)}
                    onChange={(v: Dayjs | null) => v && setDay(i, { date: v.format('YYYY-MM-DD') })}
                  />
                ),
              },
              {
                title: t('sla.cal.kind'),
                key: 'kind',
                width: 140,
                render: (_, d, i) => (
                  <Select
                    value={d.kind}
                    style={{ width: 120 }}
                    onChange={(kind) => setDay(i, { kind })}
                    options={(['holiday', 'workday'] as const).map((k) => ({ value: k, label: t(`sla.cal.kinds.${k}`) }))}
                  />
                ),
              },
              {
                title: t('sla.cal.name'),
                key: 'name',
                render: (_, d, i) => <Input value={d.name ?? ''} onChange={(e) => setDay(i, { name: e.target.value || null })} />,
              },
              {
                title: t('sla.cal.hours'),
                key: 'hours',
                render: (_, d, i) => (
                  <Input
                    value={rangesToText(d.hours)}
                    placeholder={t('sla.cal.hoursDefault')}
                    onChange={(e) => setDay(i, { hours: e.target.value ? textToRanges(e.target.value) : null })}
                  />
                ),
              },
              {
                key: 'x',
                width: 50,
                render: (_, _d, i) => (
                  <Button
                    icon={<DeleteOutlined />}
                    onClick={() => setDays((ds) => ds.filter((_, j) => j !== i))}
                    aria-label={t('common.delete')}
                  />
                ),
              },
            ]}
          />
        </>
      )}
    </Space>
  )
}

function CalendarsTab() {
  const { t } = useTranslation()
  const q = useSlaCalendars()
  const [selected, setSelected] = useState<string | null>(null)
  const items = q.data?.items ?? []
  const current = items.find((c) => c.id === selected) ?? items.find((c) => c.isDefault) ?? items[0]
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Select
        style={{ width: 360 }}
        value={current?.id}
        onChange={setSelected}
        loading={q.isPending}
        options={items.map((c) => ({ value: c.id, label: `${c.name}${c.isDefault ? ` (${t('sla.cal.default')})` : ''}` }))}
      />
      {current && <CalendarEditor key={`${current.id}-${current.version}`} calendar={current} />}
    </Space>
  )
}

// ─── Preview ────────────────────────────────────────────────────────────────────────────────

function PreviewCard() {
  const { t } = useTranslation()
  const policies = useSlaPolicies().data?.items ?? []
  const [start, setStart] = useState<Dayjs>(() => dayjs().second(0).millisecond(0))
  const [policyId, setPolicyId] = useState<string | undefined>()
  const [priority, setPriority] = useState<string>('P2')
  const preview = useMutation({
    mutationFn: () => api('/api/sla/preview', SlaPreview, { method: 'POST', body: { start: start.toISOString(), policyId, priority } }),
  })
  // by default the catch-all: the active policy tried last that has targets for the priority
  const chosen =
    policyId ?? policies.filter((p) => p.active && p.targets[priority as keyof SlaPolicy['targets']]).sort((a, b) => b.rank - a.rank)[0]?.id
  return (
    <Card size="small" title={t('sla.preview.title')} data-testid="sla-preview">
      <Space wrap>
        <DatePicker showTime value={start} onChange={(v) => v && setStart(v)} allowClear={false} aria-label={t('sla.preview.start')} />
        <Select
          style={{ width: 220 }}
          value={chosen}
          onChange={setPolicyId}
          placeholder={t('sla.policy')}
          options={policies.map((p) => ({ value: p.id, label: p.name }))}
        />
        <Select style={{ width: 80 }} value={priority} onChange={setPriority} options={PRIORITIES.map((p) => ({ value: p, label: p }))} />
        <Button
          type="primary"
          disabled={!chosen}
          loading={preview.isPending}
          onClick={() => {
            setPolicyId(chosen)
            preview.mutate()
          }}
          data-testid="sla-preview-run"
        >
          {t('sla.preview.run')}
        </Button>
      </Space>
      {preview.isError && <Typography.Paragraph type="danger">{errorMessage(t, preview.error)}</Typography.Paragraph>}
      {preview.data && (
        <Table
          style={{ marginTop: 12 }}
          size="small"
          pagination={false}
          rowKey="target"
          dataSource={preview.data.items}
          columns={[
            { title: t('sla.comp.target'), dataIndex: 'target', render: (x: string) => t(`sla.targets.${x}`, { defaultValue: x }) },
            {
              title: t('sla.preview.business'),
              dataIndex: 'businessMinutes',
              render: (m: number) => t('sla.preview.minutes', { count: m }),
            },
            { title: t('sla.preview.warnAt'), dataIndex: 'warnAt', render: dateTime },
            {
              title: t('sla.preview.dueAt'),
              dataIndex: 'dueAt',
              render: (d: string) => <b data-testid="sla-preview-due">{dateTime(d)}</b>,
            },
          ]}
        />
      )}
    </Card>
  )
}

export function SlaAdminPage() {
  const { t } = useTranslation()
  return (
    <Space orientation="vertical" size="large" style={{ width: '100%' }}>
      <PreviewCard />
      <Card title={t('sla.admin.title')}>
        <Tabs
          items={[
            { key: 'policies', label: t('sla.admin.policies'), children: <PoliciesTab /> },
            { key: 'calendars', label: t('sla.admin.calendars'), children: <CalendarsTab /> },
          ]}
        />
      </Card>
    </Space>
  )
}
