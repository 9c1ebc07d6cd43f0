// Reading macros: the shared ones and the signed-in agent's own (one list), and what their actions do.
import { TicketMacroList, type TicketMacroActions } from '@aftercare/contracts'
import { useQuery } from '@tanstack/react-query'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { ticketsPath, useTicketQueues } from './tickets.api.ts'

export const macrosKey = ['ticket-macros'] as const

export function useMacros(enabled = true) {
  return useQuery({ queryKey: macrosKey, queryFn: () => api(`${ticketsPath}/macros`, TicketMacroList), enabled, staleTime: 60_000 })
}

export const hasActions = (a: TicketMacroActions) => Boolean(a.status || a.addTags?.length || a.queueId)

/** What a macro's actions do, one line each. */
export function useActionLines() {
  const { t } = useTranslation()
  const queues = useTicketQueues()
  return (a: TicketMacroActions) =>
    [
      a.status && t('macros.actionStatus', { status: t(`tickets.status.${a.status}`) }),
      a.addTags?.length && t('macros.actionTags', { tags: a.addTags.join('、') }),
      a.queueId && t('macros.actionQueue', { queue: queues.data?.find((q) => q.id === a.queueId)?.name ?? '' }),
    ].filter((l): l is string => Boolean(l))
}
