// The tickets API as the web app uses it: paths, query keys and the shared queries.
// Shapes come from @aftercare/contracts (tickets.ts); the paths are those of the API's tickets routes.
import {
  PriorityMatrix,
  SavedViewList,
  Ticket,
  TicketCategory,
  TicketAgentList,
  TicketLinkList,
  TicketList,
  TicketMessageList,
  TicketQueue,
  TicketSettings,
  TicketTabCounts,
  TicketType,
  Timeline,
  type TicketAgent,
  type TicketListQuery,
} from '@aftercare/contracts'
import { useQuery } from '@tanstack/react-query'
import { z } from 'zod'
import { api, request } from '../../shared/api/client.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'

export const ticketsPath = '/api/tickets'
export const ticketPath = (id: string) => `${ticketsPath}/${id}`

export const ticketKeys = {
  all: ['tickets'] as const,
  lists: ['tickets', 'list'] as const,
  list: (q: object) => ['tickets', 'list', q] as const,
  counts: ['tickets', 'counts'] as const,
  detail: (id: string) => ['tickets', 'detail', id] as const,
  messages: (id: string) => ['tickets', 'detail', id, 'messages'] as const,
  timeline: (id: string) => ['tickets', 'detail', id, 'timeline'] as const,
  links: (id: string) => ['tickets', 'detail', id, 'links'] as const,
  views: ['tickets', 'views'] as const,
  config: ['tickets', 'config'] as const,
}

/** Lists of configuration come as `{items}`. */
const items = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item) }).transform((o) => o.items)

export const TicketTypeList = items(TicketType)
export const TicketCategoryList = items(TicketCategory)
export const TicketQueueList = items(TicketQueue)

/** Query-string form of the list filters: arrays as comma-separated values. */
export function listQueryString(q: TicketListQuery): Record<string, string | number | undefined> {
  const out: Record<string, string | number | undefined> = {}
  for (const [k, v] of Object.entries(q)) {
    if (v === undefined || v === null || v === '') continue
    if (Array.isArray(v)) {
      if (v.length) out[k] = v.join(',')
    } else out[k] = typeof v === 'number' ? v : String(v)
  }
  return out
}

export function fetchTickets(q: TicketListQuery) {
  return api(ticketsPath, TicketList, { query: listQueryString(q) })
}

export function useTicketCounts() {
  return useQuery({ queryKey: ticketKeys.counts, queryFn: () => api(`${ticketsPath}/counts`, TicketTabCounts) })
}

/** One ticket with its ETag (`"v<version>"`), for writes with If-Match. */
export function useTicket(id: string) {
  return useQuery({ queryKey: ticketKeys.detail(id), queryFn: () => request(ticketPath(id), Ticket), staleTime: 0 })
}

export function useTicketMessages(id: string) {
  return useQuery({ queryKey: ticketKeys.messages(id), queryFn: () => api(`${ticketPath(id)}/messages`, TicketMessageList) })
}

export function useTicketTimeline(id: string, enabled = true) {
  return useQuery({ queryKey: ticketKeys.timeline(id), queryFn: () => api(`${ticketPath(id)}/timeline`, Timeline), enabled })
}

export function useTicketLinks(id: string) {
  return useQuery({ queryKey: ticketKeys.links(id), queryFn: () => api(`${ticketPath(id)}/links`, TicketLinkList) })
}

export function useSavedViews() {
  return useQuery({ queryKey: ticketKeys.views, queryFn: () => api(`${ticketsPath}/views`, SavedViewList) })
}

export function useTicketTypes() {
  return useQuery({
    queryKey: [...ticketKeys.config, 'types'],
    queryFn: () => api(`${ticketsPath}/types`, TicketTypeList),
    staleTime: 5 * 60_000,
  })
}

export function useTicketCategories() {
  return useQuery({
    queryKey: [...ticketKeys.config, 'categories'],
    queryFn: () => api(`${ticketsPath}/categories`, TicketCategoryList),
    staleTime: 5 * 60_000,
  })
}

export function useTicketQueues() {
  return useQuery({
    queryKey: [...ticketKeys.config, 'queues'],
    queryFn: () => api(`${ticketsPath}/queues`, TicketQueueList),
    staleTime: 5 * 60_000,
  })
}

export function usePriorityMatrix(enabled = true) {
  return useQuery({
    queryKey: [...ticketKeys.config, 'priority-matrix'],
    queryFn: () => request(`${ticketsPath}/priority-matrix`, PriorityMatrix),
    enabled,
  })
}

export function useTicketSettings(enabled = true) {
  return useQuery({
    queryKey: [...ticketKeys.config, 'settings'],
    queryFn: () => request(`${ticketsPath}/settings`, TicketSettings),
    enabled,
  })
}

export type StaffMember = TicketAgent

/** An agent as the pickers show them: name, with the support tier when they have one. */
export const agentLabel = (a: StaffMember) => (a.tier ? `${a.name} (${a.tier})` : a.name)

/**
 * The service desk as agents see each other (GET /api/tickets/agents: names, tiers, queues; no
 * contact details): everyone can be @mentioned, `assignable` ones can own tickets.
 */
export function useStaffDirectory() {
  const me = useCurrentUser()
  const mayRead = can(me, 'tickets.read') && me.customerOrgId === null
  const agents = useQuery({
    // not under ['tickets']: realtime ticket events invalidate those, the directory rarely changes
    queryKey: ['ticket-agents'],
    queryFn: () => api(`${ticketsPath}/agents`, TicketAgentList),
    enabled: mayRead,
    staleTime: 5 * 60_000,
  })
  const staff: StaffMember[] = agents.data?.items ?? [{ id: me.id, name: me.name, tier: null, queueIds: [], assignable: true }]
  const assignable = staff.filter((s) => s.assignable)
  const nameOf = (id: string | null | undefined) => (id ? (staff.find((s) => s.id === id)?.name ?? null) : null)
  return { staff, assignable, nameOf, isPending: mayRead && agents.isPending }
}
