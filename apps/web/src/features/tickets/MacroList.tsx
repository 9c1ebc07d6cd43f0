// Macros (宏): saved replies with {{variables}} and optional actions, listed and edited. The shared
// ones are the desk's (ticket configuration, tickets.configure); personal ones are an agent's own
// (from the reply box or the profile). Opened on a ticket, the editor previews the text as the
// server fills it for that ticket.
import { MacroStatus, Ok, PreviewedMacro, TicketMacro, macroVariables, type TicketMacroActions } from '@aftercare/contracts'
import { EyeOutlined } from '@ant-design/icons'
import { useQueryClient } from '@tanstack/react-query'
import { App, Button, Form, Input, Popconfirm, Select, Space, Tag, Typography, type FormInstance } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { TFunction } from 'i18next'
import { ApiRequestError, api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { ConfigListEditor } from './config/ConfigListEditor.tsx'
import { macrosKey, useActionLines, useMacros } from './macros.api.ts'
import { ticketPath, ticketsPath, useTicketQueues } from './tickets.api.ts'

interface Values {
  name: string
  body: string
  status?: TicketMacroActions['status']
  addTags?: string[]
  queueId?: string
}

/**
 * The API names the macro's text `body`, which the usual mapping reads as the request body's
 * prefix: its issues (an unknown variable) go under the text here. True when there were some.
 */
function bodyErrors(t: TFunction, form: FormInstance<Values>, e: unknown): boolean {
  const issues = e instanceof ApiRequestError ? (e.body.issues ?? []).filter((i) => i.path === 'body') : []
  if (issues.length)
    form.setFields([{ name: 'body', errors: issues.map((i) => t('validation.invalidWithDetail', { message: i.message })) }])
  return issues.length > 0
}

/** The variable's label key (i18next reads dots as nesting). */
const variableKey = (v: string) => `macros.variables.${v.replace('.', '_')}`

/** Clickable variables that append `{{variable}}` to the body. */
function VariableTags({ form }: { form: FormInstance<Values> }) {
  const { t } = useTranslation()
  const insert = (v: string) => {
    const body = (form.getFieldValue('body') as string | undefined) ?? ''
    form.setFieldValue('body', `${body}{{${v}}}`)
    form.setFields([{ name: 'body', errors: [] }])
  }
  return (
    <Space size={[4, 4]} wrap style={{ marginTop: 4 }} data-testid="macro-variables">
      <Typography.Text type="secondary">{t('macros.variablesHint')}</Typography.Text>
      {macroVariables.map((v) => (
        <Tag key={v} style={{ cursor: 'pointer' }} onClick={() => insert(v)} data-testid={`macro-var-${v}`}>
          {t(variableKey(v))} <code>{`{{${v}}}`}</code>
        </Tag>
      ))}
    </Space>
  )
}

/** The body as the server renders it for this ticket; an unknown variable shows under the body. */
function MacroPreview({ ticketId, form }: { ticketId: string; form: FormInstance<Values> }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const [text, setText] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const run = async () => {
    const body = (form.getFieldValue('body') as string | undefined) ?? ''
    if (!body.trim()) return void form.validateFields(['body']).catch(() => undefined)
    setBusy(true)
    try {
      setText((await api(`${ticketPath(ticketId)}/macros/preview`, PreviewedMacro, { method: 'POST', body: { body } })).body)
      form.setFields([{ name: 'body', errors: [] }])
    } catch (e) {
      setText(null)
      if (!bodyErrors(t, form, e) && !applyFieldErrors(t, form, e, ['body'])) message.error(errorMessage(t, e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <Form.Item label={t('macros.preview')} extra={t('macros.previewHint')}>
      <Button size="small" icon={<EyeOutlined />} loading={busy} onClick={() => void run()} data-testid="macro-preview">
        {t('macros.previewRun')}
      </Button>
      {text !== null && (
        <Typography.Paragraph
          style={{ whiteSpace: 'pre-wrap', marginTop: 8, marginBottom: 0, padding: 8, background: 'rgba(0,0,0,0.03)', borderRadius: 6 }}
          data-testid="macro-preview-text"
        >
          {text}
        </Typography.Paragraph>
      )}
    </Form.Item>
  )
}

/** The shared macros (`shared`) or the signed-in agent's own; `ticketId` enables the preview. */
export function MacroList({ shared, ticketId }: { shared: boolean; ticketId?: string }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const macros = useMacros()
  const queues = useTicketQueues()
  const actionLines = useActionLines()
  const refresh = () => client.invalidateQueries({ queryKey: macrosKey })
  const testId = (id: string) => (shared ? `macro-${id}` : `my-macro-${id}`)

  const save = async (v: Values, editing: TicketMacro | 'new') => {
    const actions: TicketMacroActions = {
      ...(v.status ? { status: v.status } : {}),
      ...(v.addTags?.length ? { addTags: v.addTags } : {}),
      ...(v.queueId ? { queueId: v.queueId } : {}),
    }
    if (editing === 'new')
      await api(`${ticketsPath}/macros`, TicketMacro, { method: 'POST', body: { name: v.name, body: v.body, actions, shared } })
    else await api(`${ticketsPath}/macros/${editing.id}`, TicketMacro, { method: 'PATCH', body: { name: v.name, body: v.body, actions } })
  }
  const remove = async (m: TicketMacro) => {
    try {
      await api(`${ticketsPath}/macros/${m.id}`, Ok, { method: 'DELETE' })
      message.success(t('macros.deleted'))
      await refresh()
    } catch (e) {
      message.error(errorMessage(t, e))
    }
  }

  return (
    <ConfigListEditor<TicketMacro, Values>
      rows={(macros.data?.items ?? []).filter((m) => m.shared === shared)}
      loading={macros.isPending}
      labels={{
        create: t(shared ? 'macros.create' : 'macros.createMine'),
        edit: t('macros.edit'),
        none: t(shared ? 'macros.none' : 'macros.noneMine'),
      }}
      ids={{ create: testId('create'), form: shared ? 'macro' : 'myMacro' }}
      valuesOf={(m) =>
        m === 'new'
          ? { name: '', body: '', status: undefined, addTags: [], queueId: undefined }
          : { name: m.name, body: m.body, status: m.actions.status, addTags: m.actions.addTags ?? [], queueId: m.actions.queueId }
      }
      save={save}
      refresh={refresh}
      fieldErrors={(form, e) => bodyErrors(t, form, e)}
      actionsWidth={140}
      modalWidth={640}
      columns={[
        { title: t('macros.name'), dataIndex: 'name', width: 180 },
        {
          title: t('macros.body'),
          dataIndex: 'body',
          render: (b: string) => (
            <Typography.Paragraph ellipsis={{ rows: 2 }} style={{ margin: 0 }}>
              {b}
            </Typography.Paragraph>
          ),
        },
        {
          title: t('macros.actions'),
          key: 'macro-actions',
          width: 220,
          render: (_: unknown, m) => actionLines(m.actions).join('；') || '—',
        },
      ]}
      rowActions={(m) => (
        <Popconfirm title={t('macros.deleteConfirm', { name: m.name })} onConfirm={() => void remove(m)}>
          <Button type="link" size="small" danger data-testid={testId('delete')}>
            {t('common.delete')}
          </Button>
        </Popconfirm>
      )}
    >
      {(_editing, form) => (
        <>
          <Form.Item
            name="name"
            label={t('macros.name')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100 }]}
          >
            <Input maxLength={100} data-testid={testId('name')} />
          </Form.Item>
          <Form.Item
            name="body"
            label={t('macros.body')}
            extra={<VariableTags form={form} />}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 10000 }]}
          >
            <Input.TextArea rows={5} maxLength={10000} data-testid={testId('body')} />
          </Form.Item>
          {ticketId && <MacroPreview ticketId={ticketId} form={form} />}
          <Form.Item name="status" label={t('macros.status')}>
            <Select allowClear options={MacroStatus.options.map((s) => ({ value: s, label: t(`tickets.status.${s}`) }))} />
          </Form.Item>
          <Form.Item name="addTags" label={t('macros.tags')}>
            <Select mode="tags" tokenSeparators={[',', '，']} />
          </Form.Item>
          <Form.Item name="queueId" label={t('macros.queue')}>
            <Select allowClear options={(queues.data ?? []).filter((q) => q.active).map((q) => ({ value: q.id, label: q.name }))} />
          </Form.Item>
        </>
      )}
    </ConfigListEditor>
  )
}
