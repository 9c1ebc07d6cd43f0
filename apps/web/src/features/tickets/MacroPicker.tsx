// The macro picker in the reply box: choose a saved reply, the API fills its variables for this
// ticket and the text goes into the composer; a macro with actions offers to run them too.
import { RenderedMacro, TicketMacroList, type TicketMacro, type TicketMacroActions } from '@aftercare/contracts'
import { ThunderboltOutlined } from '@ant-design/icons'
import { useQuery } from '@tanstack/react-query'
import { App, Modal, Select } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { ticketPath, ticketsPath, useTicketQueues } from './tickets.api.ts'
import type { TicketWrites } from './useTicketWrites.ts'

export const macrosKey = ['ticket-macros'] as const

export function useMacros(enabled = true) {
  return useQuery({ queryKey: macrosKey, queryFn: () => api(`${ticketsPath}/macros`, TicketMacroList), enabled, staleTime: 60_000 })
}

const hasActions = (a: TicketMacroActions) => Boolean(a.status || a.addTags?.length || a.queueId)

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

export function MacroPicker({
  ticketId,
  writes,
  mayApply,
  onInsert,
}: {
  ticketId: string
  writes: TicketWrites
  mayApply: boolean
  onInsert: (text: string) => void
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const macros = useMacros()
  const actionLines = useActionLines()
  const [busy, setBusy] = useState(false)
  const [pending, setPending] = useState<{ macro: TicketMacro } | null>(null)

  const choose = async (id: string) => {
    const macro = macros.data?.items.find((m) => m.id === id)
    if (!macro) return
    setBusy(true)
    try {
      const rendered = await api(`${ticketPath(ticketId)}/macros/${id}/render`, RenderedMacro, { method: 'POST', body: {} })
      onInsert(rendered.body)
      message.success(t('macros.inserted', { name: macro.name }))
      if (mayApply && hasActions(rendered.actions)) setPending({ macro: { ...macro, actions: rendered.actions } })
    } catch (e) {
      message.error(errorMessage(t, e))
    } finally {
      setBusy(false)
    }
  }
  const apply = async () => {
    if (!pending) return
    setBusy(true)
    try {
      await writes.write(`/macros/${pending.macro.id}/apply`, { body: {} })
      message.success(t('macros.applied'))
      setPending(null)
    } catch {
      // the page has explained it
    } finally {
      setBusy(false)
    }
  }
  const items = macros.data?.items ?? []
  const group = (shared: boolean) => items.filter((m) => m.shared === shared).map((m) => ({ value: m.id, label: m.name, title: m.body }))
  return (
    <>
      <Select<string>
        value={null}
        placeholder={
          <span>
            <ThunderboltOutlined /> {t('macros.picker')}
          </span>
        }
        style={{ minWidth: 180 }}
        loading={macros.isPending || busy}
        showSearch={{ optionFilterProp: 'label' }}
        notFoundContent={t('macros.none')}
        options={[
          { label: t('macros.shared'), options: group(true) },
          { label: t('macros.personal'), options: group(false) },
        ].filter((g) => g.options.length > 0)}
        onChange={(id) => void choose(id)}
        data-testid="macro-picker"
      />
      <Modal
        open={pending !== null}
        title={pending ? t('macros.applyTitle', { name: pending.macro.name }) : ''}
        onCancel={() => setPending(null)}
        onOk={() => void apply()}
        okText={t('macros.apply')}
        cancelText={t('macros.skip')}
        confirmLoading={busy}
        destroyOnHidden
      >
        <p>{t('macros.applyHint')}</p>
        <ul>{pending && actionLines(pending.macro.actions).map((l) => <li key={l}>{l}</li>)}</ul>
      </Modal>
    </>
  )
}
