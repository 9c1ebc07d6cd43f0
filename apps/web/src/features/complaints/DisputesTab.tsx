// Disputes / appeals (申诉): the list with the staged deadlines (review, then decision) counting
// down, opening one (from a complaint, a ticket or a compensation decision), and moving it through
// review → investigation → decided → arbitration → closed.
import { Dispute as DisputeSchema, type CreateDisputeBody, type Dispute } from '@aftercare/contracts'
import { PlusOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Button, Descriptions, Form, Input, Modal, Select, Space, Steps, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link } from 'react-router'
import type { z } from 'zod'
import { api } from '../../shared/api/client.ts'
import { applyFieldErrors } from '../../shared/api/errors.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { dateTime } from '../../shared/format.ts'
import { formatAward } from '../sla/CompensationsPage.tsx'
import { useCompensations } from '../sla/sla.api.ts'
import { CustomerSelect, useCustomerNames } from '../tickets/pickers.tsx'
import { TicketPicker } from '../tickets/TicketPicker.tsx'
import { CaseDrawer, CaseFacts, CaseText, CaseTimeline, ClockTag, Deadline, GradeTag, TicketLink, useCaseAction } from './CaseParts.tsx'
import {
  caseError,
  clockOf,
  complaintKeys,
  formatSpec,
  useComplaint,
  useDispute,
  useDisputes,
  useSlaSettings,
  type DisputeStage,
} from './complaints.api.ts'

const stages: DisputeStage[] = ['review', 'investigation', 'decided', 'arbitration', 'closed']
/** The moves the API allows from each stage (cases.service NEXT). */
const NEXT: Record<DisputeStage, DisputeStage[]> = {
  review: ['investigation', 'closed'],
  investigation: ['decided', 'closed'],
  decided: ['arbitration', 'closed'],
  arbitration: ['closed'],
  closed: [],
}
const stageColor: Record<DisputeStage, string> = {
  review: 'gold',
  investigation: 'processing',
  decided: 'green',
  arbitration: 'volcano',
  closed: 'default',
}

export function StageTag({ stage }: { stage: DisputeStage }) {
  const { t } = useTranslation()
  return (
    <Tag color={stageColor[stage]} data-testid="dispute-stage">
      {t(`disputes.stages.${stage}`)}
    </Tag>
  )
}

/** What a new dispute starts from (the complaint it appeals: its customer, ticket and words). */
export interface DisputeDraft {
  complaintId?: string
  customerId?: string
  ticketId?: string
  summary?: string
}

export function DisputesTab({
  draft,
  onDraftDone,
  openId,
  onOpen,
}: {
  draft: DisputeDraft | null
  onDraftDone: () => void
  openId: string | null
  onOpen: (id: string | null) => void
}) {
  const { t } = useTranslation()
  const me = useCurrentUser()
  const [stage, setStage] = useState<DisputeStage | undefined>()
  const [customerId, setCustomerId] = useState<string | undefined>()
  const [creating, setCreating] = useState(false)
  const q = useDisputes({ stage, customerId })
  const customer = useCustomerNames()
  const settings = useSlaSettings()
  const decisionSpec = formatSpec(t, settings.data?.disputeTargets.decision)

  return (
    <>
      <Space wrap style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }}>
        <Space wrap>
          <Select<DisputeStage>
            allowClear
            style={{ width: 150 }}
            placeholder={t('disputes.stage')}
            value={stage}
            onChange={setStage}
            options={stages.map((s) => ({ value: s, label: t(`disputes.stages.${s}`) }))}
            data-testid="disputes-filter-stage"
          />
          <CustomerSelect
            style={{ width: 240 }}
            value={customerId}
            onChange={setCustomerId}
            placeholder={t('complaints.filterCustomer')}
            testId="disputes-filter-customer"
          />
          {settings.data && (
            <Typography.Text type="secondary" data-testid="dispute-staged-targets">
              {t('disputes.stagedTargets', {
                review: formatSpec(t, settings.data.disputeTargets.review),
                decision: decisionSpec,
              })}
            </Typography.Text>
          )}
        </Space>
        {can(me, 'tickets.write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="dispute-create">
            {t('disputes.create')}
          </Button>
        )}
      </Space>
      {q.isError && <Typography.Text type="danger">{caseError(t, q.error)}</Typography.Text>}
      <Table<Dispute>
        rowKey="id"
        size="middle"
        loading={q.isPending}
        dataSource={q.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('disputes.none') }}
        onRow={(d) =>
          ({
            'data-testid': 'dispute-row',
            'data-id': d.id,
            style: { cursor: 'pointer' },
            onClick: () => onOpen(d.id),
          }) as React.HTMLAttributes<HTMLElement>
        }
        columns={[
          {
            title: t('complaints.customer'),
            dataIndex: 'customerId',
            width: 180,
            ellipsis: true,
            render: (id: string) => customer(id)?.name ?? '—',
          },
          { title: t('disputes.summary'), dataIndex: 'summary', ellipsis: true },
          { title: t('complaints.ticket'), dataIndex: 'ticketId', width: 150, render: (id: string | null) => <TicketLink ticketId={id} /> },
          { title: t('disputes.stage'), dataIndex: 'stage', width: 110, render: (s: DisputeStage) => <StageTag stage={s} /> },
          {
            title: t('disputes.reviewDue'),
            key: 'review',
            width: 230,
            render: (_, d) => <ClockTag clock={clockOf(d, 'dispute_review')} testId="dispute-review-clock" />,
          },
          {
            title: t('disputes.decisionDue'),
            key: 'decision',
            width: 230,
            render: (_, d) => (
              <ClockTag
                clock={clockOf(d, 'dispute_decision')}
                testId="dispute-decision-clock"
                pending={d.stage === 'review' ? t('disputes.notStarted', { spec: decisionSpec }) : undefined}
              />
            ),
          },
          { title: t('complaints.createdAt'), dataIndex: 'createdAt', width: 170, render: dateTime },
        ]}
      />
      {(creating || draft) && (
        <CreateDisputeModal
          draft={draft}
          onClose={() => {
            setCreating(false)
            onDraftDone()
          }}
          onCreated={(d) => {
            setCreating(false)
            onDraftDone()
            onOpen(d.id)
          }}
        />
      )}
      {openId && <DisputeDrawer id={openId} onClose={() => onOpen(null)} />}
    </>
  )
}

type FormValues = {
  customerId?: string
  ticketId?: string
  compensationId?: string
  complaintId?: string
  summary: string
  evidence: string
}
const fields = ['customerId', 'ticketId', 'compensationId', 'complaintId', 'summary', 'evidence'] as const

/** The appealed complaint in the form (set from the complaint's drawer; changing the customer drops it). */
function AppealedComplaint({ value }: { value?: string }) {
  const q = useComplaint(value ?? null)
  if (!value) return null
  return (
    <Space size={4} data-testid="dispute-from-complaint">
      {q.data && <GradeTag grade={q.data.grade} />}
      <Typography.Text>{q.data?.summary ?? value.slice(0, 8)}</Typography.Text>
    </Space>
  )
}

function CompensationSelect({ customerId, onChange, value }: { customerId: string; value?: string; onChange?: (id?: string) => void }) {
  const { t } = useTranslation()
  const q = useCompensations(undefined, customerId)
  return (
    <Select
      allowClear
      value={value}
      onChange={onChange}
      loading={q.isFetching}
      placeholder={t('disputes.pickCompensation')}
      options={(q.data?.items ?? []).map((c) => ({
        value: c.id,
        label: `${c.ticketNumber ?? '—'} · ${formatAward(t, c)} · ${t(`sla.comp.statuses.${c.status}`)}`,
      }))}
      data-testid="dispute-compensation"
    />
  )
}

function CreateDisputeModal({
  draft,
  onClose,
  onCreated,
}: {
  draft: DisputeDraft | null
  onClose: () => void
  onCreated: (d: Dispute) => void
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const me = useCurrentUser()
  const qc = useQueryClient()
  const [form] = Form.useForm<FormValues>()
  const customerId = Form.useWatch('customerId', form)
  const complaintId = Form.useWatch('complaintId', form)
  const create = useMutation({
    mutationFn: (v: FormValues) => {
      const body: z.input<typeof CreateDisputeBody> = {
        customerId: v.customerId!,
        summary: v.summary,
        evidence: v.evidence
          .split('\n')
          .map((s) => s.trim())
          .filter(Boolean),
        ...(v.ticketId ? { ticketId: v.ticketId } : {}),
        ...(v.compensationId ? { compensationId: v.compensationId } : {}),
        ...(v.complaintId ? { complaintId: v.complaintId } : {}),
      }
      return api('/api/sla/disputes', DisputeSchema, { method: 'POST', body })
    },
    onSuccess: (d) => {
      void message.success(t('disputes.created'))
      void qc.invalidateQueries({ queryKey: complaintKeys.disputes })
      qc.setQueryData(complaintKeys.dispute(d.id), d)
      onCreated(d)
    },
    onError: (e) => {
      if (!applyFieldErrors(t, form, e, fields)) void message.error(caseError(t, e))
    },
  })
  return (
    <Modal
      open
      width={640}
      title={t('disputes.createTitle')}
      okText={t('common.create')}
      okButtonProps={{ loading: create.isPending, ...({ 'data-testid': 'dispute-submit' } as Record<string, string>) }}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<FormValues>
        form={form}
        layout="vertical"
        initialValues={{
          complaintId: draft?.complaintId,
          customerId: draft?.customerId,
          ticketId: draft?.ticketId,
          summary: draft?.summary ? t('disputes.fromComplaint', { summary: draft.summary }).slice(0, 2000) : undefined,
        }}
        onFinish={(v) => create.mutate(v)}
      >
        <Form.Item name="customerId" label={t('complaints.customer')} rules={[{ required: true, message: t('tickets.pickCustomer') }]}>
          <CustomerSelect
            testId="dispute-customer"
            onChange={(id) =>
              form.setFieldsValue({ customerId: id, ticketId: undefined, compensationId: undefined, complaintId: undefined })
            }
            style={{ width: '100%' }}
          />
        </Form.Item>
        <Form.Item name="complaintId" label={t('disputes.complaint')} hidden={!complaintId}>
          <AppealedComplaint />
        </Form.Item>
        <Form.Item name="ticketId" label={t('complaints.ticket')}>
          {customerId ? (
            <TicketPicker
              key={customerId}
              customerId={customerId}
              exceptId=""
              value={form.getFieldValue('ticketId') as string | undefined}
              onChange={(id) => form.setFieldsValue({ ticketId: id })}
            />
          ) : (
            <Select disabled placeholder={t('complaints.pickCustomerFirst')} />
          )}
        </Form.Item>
        {customerId && can(me, 'sla.manage') && (
          <Form.Item name="compensationId" label={t('disputes.compensation')}>
            <CompensationSelect customerId={customerId} />
          </Form.Item>
        )}
        <Form.Item
          name="summary"
          label={t('disputes.summary')}
          rules={[{ required: true, whitespace: true, message: t('complaints.textRequired') }]}
        >
          <Input.TextArea rows={3} maxLength={2000} showCount data-testid="dispute-summary" />
        </Form.Item>
        <Form.Item
          name="evidence"
          label={t('disputes.evidence')}
          extra={t('disputes.evidenceHint')}
          rules={[{ required: true, whitespace: true, message: t('disputes.evidenceRequired') }]}
        >
          <Input.TextArea rows={3} data-testid="dispute-evidence" />
        </Form.Item>
      </Form>
    </Modal>
  )
}

/** The complaint a dispute appeals: its grade and words, linking to it. */
function ComplaintLink({ complaintId }: { complaintId: string }) {
  const q = useComplaint(complaintId)
  return (
    <Link to={complaintHref(complaintId)} data-testid="dispute-complaint-link">
      {q.data ? (
        <Space size={4}>
          <GradeTag grade={q.data.grade} />
          <span>{q.data.summary.length > 60 ? `${q.data.summary.slice(0, 60)}…` : q.data.summary}</span>
        </Space>
      ) : (
        complaintId.slice(0, 8)
      )}
    </Link>
  )
}

/** Where a complaint opens on this page (its drawer). */
const complaintHref = (id: string) => `/complaints?complaint=${id}`

function DisputeDrawer({ id, onClose }: { id: string; onClose: () => void }) {
  const { t } = useTranslation()
  const me = useCurrentUser()
  const q = useDispute(id)
  const customer = useCustomerNames()
  const settings = useSlaSettings()

  const action = useCaseAction<DisputeStage, Dispute>({
    run: (to, note) => {
      const d = q.data!
      return api(`/api/sla/disputes/${d.id}/stage`, DisputeSchema, {
        method: 'POST',
        body: { to, ...(note?.trim() ? { note: note.trim() } : {}) },
        ifMatch: `"v${d.version}"`,
      })
    },
    done: (d) => t('disputes.moved', { stage: t(`disputes.stages.${d.stage}`) }),
    fieldOf: () => 'note',
    query: q,
    keys: { one: complaintKeys.dispute, lists: complaintKeys.disputes },
  })

  const d = q.data
  const current = d ? stages.indexOf(d.stage) : 0

  return (
    <CaseDrawer<DisputeStage>
      size={640}
      title={t('disputes.detailTitle')}
      onClose={onClose}
      testId="dispute-drawer"
      reloadTestId="dispute-reload"
      query={q}
      action={action}
      buttons={
        d && can(me, 'sla.manage')
          ? NEXT[d.stage].map((to) => ({
              action: to,
              label: t(`disputes.moveTo.${to}`),
              testId: `dispute-move-${to}`,
              type: to === 'closed' ? 'default' : 'primary',
              danger: to === 'arbitration',
            }))
          : []
      }
      form={{
        title: (to) => t('disputes.moveTitle', { stage: t(`disputes.stages.${to}`) }),
        label: (to) => (to === 'decided' ? t('disputes.decision') : t('disputes.note')),
        rules: (to) => (to === 'decided' ? [{ required: true, whitespace: true, message: t('disputes.decisionRequired') }] : []),
        okTestId: 'dispute-move-ok',
        textTestId: 'dispute-move-note',
      }}
    >
      {d && (
        <>
          <Steps
            size="small"
            current={current}
            status={d.stage === 'arbitration' ? 'error' : d.stage === 'closed' ? 'finish' : 'process'}
            items={stages.map((s) => ({ title: t(`disputes.stages.${s}`) }))}
            style={{ marginBottom: 24 }}
          />
          <CaseFacts>
            <Descriptions.Item label={t('disputes.stage')}>
              <StageTag stage={d.stage} />
            </Descriptions.Item>
            <Descriptions.Item label={t('complaints.customer')}>{customer(d.customerId)?.name ?? '—'}</Descriptions.Item>
            {d.complaintId && (
              <Descriptions.Item label={t('disputes.complaint')}>
                <ComplaintLink complaintId={d.complaintId} />
              </Descriptions.Item>
            )}
            <Descriptions.Item label={t('complaints.ticket')}>
              <TicketLink ticketId={d.ticketId} />
            </Descriptions.Item>
            <Descriptions.Item label={t('disputes.reviewDue')}>
              <Deadline clock={clockOf(d, 'dispute_review')} testId="dispute-detail-review-clock" />
            </Descriptions.Item>
            <Descriptions.Item label={t('disputes.decisionDue')}>
              <Deadline
                clock={clockOf(d, 'dispute_decision')}
                testId="dispute-detail-decision-clock"
                pending={t('disputes.notStarted', { spec: formatSpec(t, settings.data?.disputeTargets.decision) })}
              />
            </Descriptions.Item>
            <Descriptions.Item label={t('disputes.summary')}>
              <CaseText text={d.summary} />
            </Descriptions.Item>
            <Descriptions.Item label={t('disputes.evidence')}>
              <ul style={{ margin: 0, paddingInlineStart: 18 }}>
                {d.evidence.map((e, i) => (
                  <li key={i}>{e}</li>
                ))}
              </ul>
            </Descriptions.Item>
            {d.decision && (
              <Descriptions.Item label={t('disputes.decision')}>
                <CaseText text={d.decision} testId="dispute-decision-text" />
              </Descriptions.Item>
            )}
          </CaseFacts>
          <CaseTimeline
            title={t('disputes.history')}
            testId="dispute-history"
            itemTestId="dispute-history"
            events={d.history.map((h) => ({
              at: h.at,
              color: h.stage === 'arbitration' ? 'red' : h.stage === 'closed' ? 'gray' : 'blue',
              text: t(`disputes.stages.${h.stage}`),
              detail: h.note,
              testId: h.stage,
            }))}
          />
        </>
      )}
    </CaseDrawer>
  )
}
