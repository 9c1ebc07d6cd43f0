// Calls and cache keys of the complaints page: complaints graded A/B/C, disputes with staged
// deadlines, and the tenant's targets (GET /api/sla/settings) shown where a case is registered.
import {
  Complaint,
  ComplaintList,
  Dispute,
  DisputeList,
  SlaSettings,
  type SlaClock,
  type SlaSummaryState,
  type SlaTargetSpec,
} from '@aftercare/contracts'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import type { TFunction } from 'i18next'
import { api, ApiRequestError } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { i18n } from '../../shared/i18n/index.ts'

export type ComplaintStatus = Complaint['status']
export type ComplaintGrade = Complaint['grade']
export type DisputeStage = Dispute['stage']

export const complaintKeys = {
  all: ['complaints'] as const,
  list: (f: object) => ['complaints', 'list', f] as const,
  one: (id: string) => ['complaints', 'one', id] as const,
  disputes: ['disputes'] as const,
  disputeList: (f: object) => ['disputes', 'list', f] as const,
  dispute: (id: string) => ['disputes', 'one', id] as const,
  settings: ['sla', 'settings'] as const,
}

export interface ComplaintFilters {
  grade?: ComplaintGrade
  status?: ComplaintStatus
  customerId?: string
}

export function useComplaints(f: ComplaintFilters) {
  return useQuery({
    queryKey: complaintKeys.list(f),
    queryFn: () => api('/api/sla/complaints', ComplaintList, { query: { ...f, limit: 200 } }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
  })
}

export function useComplaint(id: string | null) {
  return useQuery({
    queryKey: complaintKeys.one(id ?? ''),
    queryFn: () => api(`/api/sla/complaints/${id}`, Complaint),
    enabled: !!id,
  })
}

export function useDisputes(f: { stage?: DisputeStage; customerId?: string; complaintId?: string }, enabled = true) {
  return useQuery({
    queryKey: complaintKeys.disputeList(f),
    queryFn: () => api('/api/sla/disputes', DisputeList, { query: { ...f, limit: 200 } }),
    placeholderData: keepPreviousData,
    refetchInterval: 30_000,
    enabled,
  })
}

export function useDispute(id: string | null) {
  return useQuery({
    queryKey: complaintKeys.dispute(id ?? ''),
    queryFn: () => api(`/api/sla/disputes/${id}`, Dispute),
    enabled: !!id,
  })
}

export function useSlaSettings() {
  return useQuery({ queryKey: complaintKeys.settings, queryFn: () => api('/api/sla/settings', SlaSettings), staleTime: 5 * 60_000 })
}

/** `2 小时`, `90 分钟`, `5 个工作日`. */
export function formatSpec(t: TFunction, spec: SlaTargetSpec | undefined): string {
  if (!spec) return '—'
  if ('workingDays' in spec) return t('complaints.spec.workingDays', { count: spec.workingDays })
  if (spec.minutes % 60 === 0) return t('complaints.spec.hours', { count: spec.minutes / 60 })
  return t('complaints.spec.minutes', { count: spec.minutes })
}

/** The badge state of one clock (the SLA badge speaks of a ticket's worst clock; here each clock has its own). */
export function clockSummary(c: SlaClock): SlaSummaryState {
  if (c.state === 'stopped') return c.met === false || c.breached ? 'missed' : 'met'
  if (c.state === 'paused') return 'paused'
  if (c.breached) return 'breached'
  return c.warned ? 'warning' : 'ok'
}

export const clockOf = (x: { clocks: SlaClock[] }, target: SlaClock['target']) => x.clocks.find((c) => c.target === target)

/** The API's conflict codes of this page in words; everything else as the rest of the app says it. */
export function caseError(t: TFunction, e: unknown): string {
  if (e instanceof ApiRequestError && e.status === 412) return t('complaints.stale')
  if (e instanceof ApiRequestError && i18n.exists(`complaints.errors.${e.code}`)) return t(`complaints.errors.${e.code}`)
  return errorMessage(t, e)
}

export const isStale = (e: unknown) => e instanceof ApiRequestError && e.status === 412
