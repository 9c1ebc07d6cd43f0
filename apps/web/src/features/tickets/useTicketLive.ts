// Keeps ticket lists and an open ticket current while someone else works on them.
import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import { ticketKeys } from './tickets.api.ts'

const pollMs = 15_000

function usePoll(refresh: () => void) {
  const latest = useRef(refresh)
  useEffect(() => {
    latest.current = refresh
  })
  useEffect(() => {
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') latest.current()
    }, pollMs)
    return () => clearInterval(timer)
  }, [])
}

/** Lists and tab counts refresh when any ticket changes. */
export function useTicketListLive() {
  const client = useQueryClient()
  usePoll(() => {
    void client.invalidateQueries({ queryKey: ticketKeys.lists })
    void client.invalidateQueries({ queryKey: ticketKeys.counts })
  })
}

/** One ticket (fields, conversation, timeline, links) refreshes when it changes. */
export function useTicketLive(id: string) {
  const client = useQueryClient()
  usePoll(() => void client.invalidateQueries({ queryKey: ticketKeys.detail(id) }))
}
