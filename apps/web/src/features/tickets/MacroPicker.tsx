// The macro picker in the reply box: choose a saved reply, the API fills its variables for this
// ticket and the text goes into the composer; a macro with actions offers to run them too. Beside it the
// agent manages their own macros (the shared ones are the ticket configuration's).
import { RenderedMacro, type TicketMacro } from '@aftercare/contracts'
import { SettingOutlined, ThunderboltOutlined } from '@ant-design/icons'
import { App, Button, Drawer, Modal, Select, Space, Tooltip } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { MacroList } from './MacroList.tsx'
import { hasActions, useActionLines, useMacros } from './macros.api.ts'
import { ticketPath } from './tickets.api.ts'
import type { TicketWrites } from './useTicketWrites.ts'

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
  const [managing, setManaging] = useState(false)

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
    <Space.Compact>
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
      <Tooltip title={t('macros.manageMine')}>
        <Button
          icon={<SettingOutlined />}
          onClick={() => setManaging(true)}
          data-testid="macro-manage"
          aria-label={t('macros.manageMine')}
        />
      </Tooltip>
      <Drawer
        open={managing}
        title={t('macros.mine')}
        size={760}
        onClose={() => setManaging(false)}
        destroyOnHidden
        data-testid="my-macros-drawer"
      >
        <MacroList shared={false} ticketId={ticketId} />
      </Drawer>
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
    </Space.Compact>
  )
}
