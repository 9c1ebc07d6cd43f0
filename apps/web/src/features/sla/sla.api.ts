// Calls and cache keys of the SLA screens: ticket SLA state (batched for lists), the at-risk list,
// compensation, credit ledgers, policies, calendars and the due-time preview.
import {
  AtRiskList,
  CompensationList,
  CustomerCredit,
  SlaCalendarList,
  SlaEscalationList,
  SlaPolicyList,
  TicketSlaList,
  type TicketSla,
} from '@aftercare/contracts'
import { useQuery } from '@tanstack/react-query'
import { api } from '../../shared/api/client.ts'

export const slaKeys = {
  all: ['sla'] as const,
  ticket: (id: string) => ['sla', 'ticket', id] as const,
  escalations: (id: string) => ['sla', 'ticket', id, 'escalations'] as const,
  atRisk: ['sla', 'at-risk'] as const,
  compensations: ['sla', 'compensations'] as const,
  credit: (customerId: string) => ['sla', 'credit', customerId] as const,
  policies: ['sla', 'policies'] as const,
  calendars: ['sla', 'calendars'] as const,
}

// Badges of a list page ask within the same tick; one request answers them all.
let pending = new Map<string, { resolve: (v: TicketSla | null) => void; reject: (e: unknown) => void }[]>()
let timer: ReturnType<typeof setTimeout> | undefined

async function flush() {
  const batch = pending
  pending = new Map()
  timer = undefined
  const ids = [...batch.keys()]
  for (let i = 0; i < ids.length; i += 200) {
    const chunk = ids.slice(i, i + 200)
    try {
      const { items } = await api('/api/sla/tickets', TicketSlaList, { query: { ids: chunk.join(',') } })
      const byId = new Map(items.map((s) => [s.ticketId, s]))
      for (const id of chunk) for (const w of batch.get(id) ?? []) w.resolve(byId.get(id) ?? null)
    } catch (e) {
      for (const id of chunk) for (const w of batch.get(id) ?? []) w.reject(e)
    }
  }
}

/** The SLA state of one ticket (null: SLA does not know it yet), fetched together with the other badges on the page. */
export function fetchTicketSla(id: string): Promise<TicketSla | null> {
  return new Promise((resolve, reject) => {
    pending.set(id, [...(pending.get(id) ?? []), { resolve, reject }])
    timer ??= setTimeout(() => void flush(), 0)
  })
}

export function useTicketSla(id: string) {
  return useQuery({ queryKey: slaKeys.ticket(id), queryFn: () => fetchTicketSla(id), enabled: !!id, staleTime: 30_000 })
}

export function useTicketEscalations(id: string, enabled = true) {
  return useQuery({
    queryKey: slaKeys.escalations(id),
    enabled,
    queryFn: () => api(`/api/sla/tickets/${id}/escalations`, SlaEscalationList),
  })
}

export function useAtRisk(withinMinutes: number, state: 'all' | 'warning' | 'breached') {
  return useQuery({
    queryKey: [...slaKeys.atRisk, withinMinutes, state],
    queryFn: () => api('/api/sla/at-risk', AtRiskList, { query: { withinMinutes, state, limit: 200 } }),
    refetchInterval: 30_000,
  })
}

export function useCompensations(status: 'proposed' | 'approved' | 'rejected' | undefined, customerId?: string) {
  return useQuery({
    queryKey: [...slaKeys.compensations, status ?? 'all', customerId ?? null],
    queryFn: () => api('/api/sla/compensations', CompensationList, { query: { status, customerId, limit: 200 } }),
  })
}

export function useCustomerCredit(customerId: string) {
  return useQuery({
    queryKey: slaKeys.credit(customerId),
    queryFn: () => api(`/api/sla/customers/${customerId}/credit`, CustomerCredit),
  })
}

export function useSlaPolicies() {
  return useQuery({ queryKey: slaKeys.policies, queryFn: () => api('/api/sla/policies', SlaPolicyList) })
}

export function useSlaCalendars() {
  return useQuery({ queryKey: slaKeys.calendars, queryFn: () => api('/api/sla/calendars', SlaCalendarList) })
}
