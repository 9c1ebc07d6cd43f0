// Calls and cache keys of the bell and of the notification preferences.
import { InAppNotificationList, MarkReadResult, UnreadCount } from '@aftercare/contracts'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from '../../shared/api/client.ts'
import { useRealtime } from '../../shared/realtime/useRealtime.ts'

export const notificationsKey = ['notifications'] as const
export const unreadKey = [...notificationsKey, 'unread'] as const
export const bellListKey = [...notificationsKey, 'bell'] as const
export const preferencesKey = [...notificationsKey, 'preferences'] as const

/** The badge: refetched whenever the server says the user's unread count changed (topic `user:<id>`). */
export function useUnreadCount(userId: string) {
  useRealtime(`user:${userId}`, (e) =>
    e.type === 'notification.created' || e.type === 'notification.read' || e.type === 'realtime.resync' ? [notificationsKey] : undefined,
  )
  return useQuery({ queryKey: unreadKey, queryFn: () => api('/api/notifications/unread-count', UnreadCount) })
}

/** The newest notifications, for the bell's list (loaded when it opens). */
export function useBellList(enabled: boolean) {
  return useQuery({
    queryKey: bellListKey,
    queryFn: () => api('/api/notifications', InAppNotificationList, { query: { limit: 20 } }),
    enabled,
  })
}

/** Marks the given notifications (or all) read; the badge and list refresh. */
export function useMarkRead() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: { ids: string[] } | { all: true }) => api('/api/notifications/read', MarkReadResult, { method: 'POST', body }),
    onSuccess: (r) => {
      client.setQueryData(unreadKey, { unread: r.unread })
      void client.invalidateQueries({ queryKey: bellListKey })
    },
  })
}

export const templatesKey = [...notificationsKey, 'templates'] as const
export const deliveriesKey = [...notificationsKey, 'deliveries'] as const
