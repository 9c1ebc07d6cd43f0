// Keeps ticket lists and an open ticket current while someone else works on them: every domain
// event of a ticket arrives on the realtime topics `ticket` (all tickets; staff who see them all)
// and `ticket:<id>` (one ticket; whoever may read it), and makes the cached views of it stale.
import { useRealtime } from '../../shared/realtime/useRealtime.ts'
import { ticketKeys } from './tickets.api.ts'

/** Lists and tab counts refresh when any ticket changes. */
export function useTicketListLive(enabled = true) {
  useRealtime(enabled ? 'ticket' : null, [ticketKeys.lists, ticketKeys.counts])
}

/** One ticket (fields, conversation, timeline, links) refreshes when it changes. */
export function useTicketLive(id: string) {
  useRealtime(id ? `ticket:${id}` : null, [ticketKeys.detail(id)])
}
