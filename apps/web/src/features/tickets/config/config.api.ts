// Writes of the ticket configuration (types, categories, queues, matrix, settings).
import { useQueryClient } from '@tanstack/react-query'
import { ticketKeys } from '../tickets.api.ts'

/** After any configuration change every page reading it refetches. */
export function useRefreshConfig() {
  const client = useQueryClient()
  return () => client.invalidateQueries({ queryKey: ticketKeys.config })
}

/** The ETag of a configuration row from its version (what the API's GET would have sent). */
export const etagOfVersion = (version: number) => `"v${version}"`
