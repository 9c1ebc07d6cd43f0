// Complaints: filters (grade, status, customer), the list with both deadlines counting down, the
// registration form (customer, optional ticket, grade with its targets, description).
import { Complaint as ComplaintSchema, type Complaint, type CreateComplaintBody } from '@aftercare/contracts'
import { PlusOutlined } from '@ant-design/icons'
import { useMutation, useQueryClient } from '@tanstack/react-query'
import { App, Button, Form, Input, Modal, Radio, Select, Space, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { z } from 'zod'
import { api } from '../../shared/api/client.ts'
import { applyFieldErrors } from '../../shared/api/errors.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { dateTime } from '../../shared/format.ts'
import { CustomerSelect, useCustomerNames } from '../tickets/pickers.tsx'
import { TicketPicker } from '../tickets/TicketPicker.tsx'
import { ClockTag, GradeTag, TicketLink } from './CaseParts.tsx'
import { statusColor } from './ComplaintDrawer.tsx'
import {
  caseError,
  clockOf,
  complaintKeys,
  formatSpec,
  useComplaints,
  useSlaSettings,
  type ComplaintFilters,
  type ComplaintGrade,
  type ComplaintStatus,
} from './complaints.api.ts'

const grades: ComplaintGrade[] = ['A', 'B', 'C']
const statuses: ComplaintStatus[] = ['open', 'responded', 'planned', 'resolved']

export function ComplaintsTab({ onOpen }: { onOpen: (id: string) => void }) {
  const { t } = useTranslation()
  const me = useCurrentUser()
  const [filters, setFilters] = useState<ComplaintFilters>({})
  const [creating, setCreating] = useState(false)
  const q = useComplaints(filters)
  const customer = useCustomerNames()
  const set = (patch: Partial<ComplaintFilters>) => setFilters((f) => ({ ...f, ...patch }))

  return (
    <>
      <Space wrap style={{ marginBottom: 16, width: '100%', justifyContent: 'space-between' }}>
        <Space wrap>
          <Select<ComplaintGrade>
            allowClear
            style={{ width: 140 }}
            placeholder={t('complaints.filterGrade')}
            value={filters.grade}
            onChange={(grade) => set({ grade })}
            options={grades.map((g) => ({ value: g, label: t(`complaints.grades.${g}`) }))}
            data-testid="complaints-filter-grade"
          />
          <Select<ComplaintStatus>
            allowClear
            style={{ width: 140 }}
            placeholder={t('complaints.filterStatus')}
            value={filters.status}
            onChange={(status) => set({ status })}
            options={statuses.map((s) => ({ value: s, label: t(`complaints.statuses.${s}`) }))}
            data-testid="complaints-filter-status"
          />
          <CustomerSelect
            style={{ width: 240 }}
            value={filters.customerId}
            onChange={(customerId) => set({ customerId })}
            placeholder={t('complaints.filterCustomer')}
            testId="complaints-filter-customer"
          />
        </Space>
        {can(me, 'tickets.write') && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)} data-testid="complaint-create">
            {t('complaints.create')}
          </Button>
        )}
      </Space>
      {q.isError && <Typography.Text type="danger">{caseError(t, q.error)}</Typography.Text>}
      <Table<Complaint>
        rowKey="id"
        size="middle"
        loading={q.isPending}
        dataSource={q.data?.items ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('complaints.none') }}
        onRow={(c) =>
          ({
            'data-testid': 'complaint-row',
            'data-id': c.id,
            style: { cursor: 'pointer' },
            onClick: () => onOpen(c.id),
          }) as React.HTMLAttributes<HTMLElement>
        }
        columns={[
          { title: t('complaints.grade'), dataIndex: 'grade', width: 90, render: (g: ComplaintGrade) => <GradeTag grade={g} /> },
          {
            title: t('complaints.customer'),
            dataIndex: 'customerId',
            width: 180,
            ellipsis: true,
            render: (id: string) => <span data-testid="complaint-customer">{customer(id)?.name ?? '—'}</span>,
          },
          { title: t('complaints.summary'), dataIndex: 'summary', ellipsis: true },
          {
            title: t('complaints.ticket'),
            dataIndex: 'ticketId',
            width: 150,
            render: (id: string | null) => <TicketLink ticketId={id} />,
          },
          {
            title: t('complaints.status'),
            dataIndex: 'status',
            width: 110,
            render: (s: ComplaintStatus) => (
              <Tag color={statusColor[s]} data-testid="complaint-row-status">
                {t(`complaints.statuses.${s}`)}
              </Tag>
            ),
          },
          {
            title: t('complaints.responseDue'),
            key: 'response',
            width: 210,
            render: (_, c) => <ClockTag clock={clockOf(c, 'complaint_response')} testId="complaint-response-clock" />,
          },
          {
            title: t('complaints.planDue'),
            key: 'plan',
            width: 210,
            render: (_, c) => <ClockTag clock={clockOf(c, 'complaint_plan')} testId="complaint-plan-clock" />,
          },
          { title: t('complaints.createdAt'), dataIndex: 'createdAt', width: 170, render: dateTime },
        ]}
      />
      {creating && (
        <CreateComplaintModal
          onClose={() => setCreating(false)}
          onCreated={(c) => {
            setCreating(false)
            onOpen(c.id)
          }}
        />
      )}
    </>
  )
}

type FormValues = { customerId?: string; ticketId?: string; grade: ComplaintGrade; summary: string }
const fields = ['customerId', 'ticketId', 'grade', 'summary'] as const

function CreateComplaintModal({ onClose, onCreated }: { onClose: () => void; onCreated: (c: Complaint) => void }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const qc = useQueryClient()
  const [form] = Form.useForm<FormValues>()
  const customerId = Form.useWatch('customerId', form)
  const settings = useSlaSettings()
  const create = useMutation({
    mutationFn: (v: FormValues) => {
      const body: z.input<typeof CreateComplaintBody> = {
        customerId: v.customerId!,
        grade: v.grade,
        summary: v.summary,
        ...(v.ticketId ? { ticketId: v.ticketId } : {}),
      }
      return api('/api/sla/complaints', ComplaintSchema, { method: 'POST', body })
    },
    onSuccess: (c) => {
      void message.success(t('complaints.created'))
      void qc.invalidateQueries({ queryKey: complaintKeys.all })
      qc.setQueryData(complaintKeys.one(c.id), c)
      onCreated(c)
    },
    onError: (e) => {
      if (!applyFieldErrors(t, form, e, fields)) void message.error(caseError(t, e))
    },
  })
  const targets = settings.data?.complaintTargets
  return (
    <Modal
      open
      width={640}
      title={t('complaints.createTitle')}
      okText={t('common.create')}
      okButtonProps={{ loading: create.isPending, ...({ 'data-testid': 'complaint-submit' } as Record<string, string>) }}
      onOk={() => form.submit()}
      onCancel={onClose}
      destroyOnHidden
    >
      <Form<FormValues> form={form} layout="vertical" initialValues={{ grade: 'B' }} onFinish={(v) => create.mutate(v)}>
        <Form.Item name="customerId" label={t('complaints.customer')} rules={[{ required: true, message: t('tickets.pickCustomer') }]}>
          <CustomerSelect
            testId="complaint-customer"
            onChange={(id) => form.setFieldsValue({ customerId: id, ticketId: undefined })}
            style={{ width: '100%' }}
          />
        </Form.Item>
        <Form.Item name="ticketId" label={t('complaints.ticket')} extra={customerId ? undefined : t('complaints.pickCustomerFirst')}>
          {customerId ? (
            <TicketPicker key={customerId} customerId={customerId} exceptId="" onChange={(id) => form.setFieldsValue({ ticketId: id })} />
          ) : (
            <Select disabled placeholder={t('complaints.pickTicket')} />
          )}
        </Form.Item>
        <Form.Item name="grade" label={t('complaints.grade')} rules={[{ required: true }]}>
          <Radio.Group style={{ width: '100%' }}>
            <Space orientation="vertical" style={{ width: '100%' }}>
              {grades.map((g) => (
                <Radio key={g} value={g} data-testid={`complaint-grade-${g}`}>
                  <Space wrap size={4}>
                    <GradeTag grade={g} />
                    <Typography.Text>{t(`complaints.gradeHints.${g}`)}</Typography.Text>
                    <Typography.Text type="secondary" data-testid={`complaint-grade-targets-${g}`}>
                      {targets?.[g]
                        ? t('complaints.gradeTargets', {
                            response: formatSpec(t, targets[g].response),
                            plan: formatSpec(t, targets[g].plan),
                          })
                        : ''}
                    </Typography.Text>
                  </Space>
                </Radio>
              ))}
            </Space>
          </Radio.Group>
        </Form.Item>
        <Form.Item
          name="summary"
          label={t('complaints.summary')}
          rules={[{ required: true, whitespace: true, message: t('complaints.textRequired') }]}
        >
          <Input.TextArea rows={4} maxLength={2000} showCount data-testid="complaint-summary" />
        </Form.Item>
      </Form>
    </Modal>
  )
}
