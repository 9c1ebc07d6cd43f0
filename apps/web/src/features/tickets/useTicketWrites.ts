// Writes on one open ticket. Decisions (fields, status, assignment) carry the ETag the agent saw:
// when someone else changed the ticket first the API answers 412 and the page offers a reload.
// Conversation, watchers and links do not: they add to the ticket rather than overwrite it.
import { Ticket } from '@aftercare/contracts'
import { useQueryClient } from '@tanstack/react-query'
import { App } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { z } from 'zod'
import { ApiRequestError, request, type RequestOptions } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { ticketKeys, ticketPath } from './tickets.api.ts'

export interface WriteOptions<S extends z.ZodType> {
  method?: RequestOptions['method']
  body?: unknown
  /** The ETag this decision is based on; omit for additive writes. */
  ifMatch?: string | null
  schema?: S
}

export function useTicketWrites(id: string) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const [stale, setStale] = useState(false)
  /** Bumped by each reload, so open edits know to start again from the fresh ticket. */
  const [epoch, setEpoch] = useState(0)

  const refreshAround = async () => {
    await Promise.all([
      client.invalidateQueries({ queryKey: ticketKeys.detail(id) }),
      client.invalidateQueries({ queryKey: ticketKeys.lists }),
      client.invalidateQueries({ queryKey: ticketKeys.counts }),
    ])
  }

  /** Explains a refusal to the user (412 → the stale banner); rethrows so the dialog stays open. */
  const explain = (e: unknown) => {
    if (e instanceof ApiRequestError && e.status === 412) setStale(true)
    else if (e instanceof ApiRequestError && e.body.allowed?.length)
      message.error(
        `${errorMessage(t, e)} ${t('tickets.allowedMoves', { moves: e.body.allowed.map((s) => t(`tickets.status.${s}`, { defaultValue: s })).join('、') })}`,
      )
    else message.error(errorMessage(t, e))
  }

  async function write<S extends z.ZodType = typeof Ticket>(suffix: string, opts: WriteOptions<S> = {}): Promise<z.infer<S>> {
    const schema = (opts.schema ?? Ticket) as S
    try {
      const r = await request(`${ticketPath(id)}${suffix}`, schema, {
        method: opts.method ?? 'POST',
        body: opts.body,
        ifMatch: opts.ifMatch,
      })
      if (schema === (Ticket as z.ZodType) && r.etag) client.setQueryData(ticketKeys.detail(id), { data: r.data, etag: r.etag })
      // the dialog that asked can close now; what hangs off the ticket catches up behind it
      void refreshAround()
      return r.data
    } catch (e) {
      explain(e)
      throw e
    }
  }

  const reload = async () => {
    setStale(false)
    await refreshAround()
    setEpoch((n) => n + 1)
  }

  return { write, stale, setStale, reload, epoch, explain }
}

export type TicketWrites = ReturnType<typeof useTicketWrites>
