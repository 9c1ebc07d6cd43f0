// useRealtime(topic, onEvent): live updates for what a page shows. The page names the query keys
// an event makes stale; they are invalidated (coalesced, so a burst of events refetches once).
import { CREDENTIALS_CHANGED } from '@aftercare/contracts'
import { useQueryClient, type QueryClient, type QueryKey } from '@tanstack/react-query'
import { createContext, useContext, useEffect, useRef } from 'react'
import { meKey } from '../auth/session.ts'
import { createRealtimeClient, type RealtimeClient } from './client.ts'

/** What a handler receives after a reconnect: events may have been missed, refetch. */
export const RESYNC = Object.freeze({ type: 'realtime.resync' })

/** Query keys to invalidate on every event of the topic, or a function choosing them per event. */
export type RealtimeHandler = readonly QueryKey[] | ((event: Record<string, unknown>) => readonly QueryKey[] | void)

/** Invalidations within this window are merged. */
const COALESCE_MS = 150

/** Another client for a subtree (tests, storybook); the app uses one shared connection. */
export const RealtimeContext = createContext<RealtimeClient | null>(null)

let shared: RealtimeClient | undefined
function sharedClient(queryClient: QueryClient): RealtimeClient {
  shared ??= createRealtimeClient({
    url: `${window.location.protocol === 'https:' ? 'wss:' : 'ws:'}//${window.location.host}/api/ws`,
    // The session ended while connected: asking who is signed in sends the shell to the login page.
    onSessionEnded: () => void queryClient.invalidateQueries({ queryKey: meKey }),
  })
  return shared
}

/**
 * Subscribes while mounted (no topic: nothing). Domain events arrive on `<aggregateType>` and
 * `<aggregateType>:<id>`, e.g. `useRealtime(`ticket:${id}`, [['tickets', id]])`.
 */
export function useRealtime(topic: string | null | undefined, onEvent: RealtimeHandler) {
  const queryClient = useQueryClient()
  const provided = useContext(RealtimeContext)
  const handler = useRef(onEvent)
  useEffect(() => {
    handler.current = onEvent
  })
  useEffect(() => {
    if (!topic) return
    const client = provided ?? sharedClient(queryClient)
    const pending = new Map<string, QueryKey>()
    let timer: ReturnType<typeof setTimeout> | undefined
    const flush = () => {
      timer = undefined
      for (const key of pending.values()) void queryClient.invalidateQueries({ queryKey: key })
      pending.clear()
    }
    const run = (event: Record<string, unknown>) => {
      const h = handler.current
      const keys = typeof h === 'function' ? h(event) : h
      if (!keys?.length) return
      for (const key of keys) pending.set(JSON.stringify(key), key)
      timer ??= setTimeout(flush, COALESCE_MS)
    }
    const stop = client.subscribe(topic, { onEvent: run, onResync: () => run(RESYNC) })
    return () => {
      stop()
      clearTimeout(timer)
    }
  }, [topic, queryClient, provided])
}

/**
 * Keeps who is signed in current: when the server announces that the user's roles, teams or
 * sessions changed, `me` is refetched and menus and guards follow at once (a revoked session
 * closes the socket instead, and the shell goes to the login page).
 */
export function useLiveMe(userId: string) {
  useRealtime(`user:${userId}`, (e) => (e.type === CREDENTIALS_CHANGED ? [meKey] : undefined))
}
