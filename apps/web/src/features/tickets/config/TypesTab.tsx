// Ticket types (repair, consultation, installation …): a stable code, a name, whether in use.
import { CreateTicketTypeBody, TicketType } from '@aftercare/contracts'
import { Form, Input, InputNumber } from 'antd'
import { useTranslation } from 'react-i18next'
import type { z } from 'zod'
import { api } from '../../../shared/api/client.ts'
import { ticketsPath, useTicketTypes } from '../tickets.api.ts'
import { useRefreshConfig } from './config.api.ts'
import { ConfigListEditor, NameDescriptionActiveItems, useActiveColumn } from './ConfigListEditor.tsx'

interface Values {
  code: string
  name: string
  description?: string
  sortOrder: number
  active: boolean
}

export function TypesTab() {
  const { t } = useTranslation()
  const types = useTicketTypes()
  const refresh = useRefreshConfig()
  const activeColumn = useActiveColumn<TicketType>()

  const save = async (v: Values, editing: TicketType | 'new') => {
    if (editing === 'new') {
      const body: z.input<typeof CreateTicketTypeBody> = {
        code: v.code,
        name: v.name,
        sortOrder: v.sortOrder,
        ...(v.description ? { description: v.description } : {}),
      }
      await api(`${ticketsPath}/types`, TicketType, { method: 'POST', body })
    } else {
      await api(`${ticketsPath}/types/${editing.id}`, TicketType, {
        method: 'PATCH',
        body: { name: v.name, description: v.description || null, sortOrder: v.sortOrder, active: v.active },
      })
    }
  }

  return (
    <ConfigListEditor<TicketType, Values>
      rows={[...(types.data ?? [])].sort((a, b) => a.sortOrder - b.sortOrder)}
      loading={types.isPending}
      labels="ticketAdmin.types"
      ids={{ create: 'type-create', form: 'ticketType' }}
      valuesOf={(ty) =>
        ty === 'new' ? { code: '', name: '', description: '', sortOrder: 0, active: true } : { ...ty, description: ty.description ?? '' }
      }
      save={save}
      refresh={refresh}
      columns={[
        { title: t('ticketAdmin.types.name'), dataIndex: 'name' },
        { title: t('ticketAdmin.types.code'), dataIndex: 'code', render: (c: string) => <code>{c}</code> },
        { title: t('ticketAdmin.description'), dataIndex: 'description', render: (d: string | null) => d ?? '—' },
        { title: t('ticketAdmin.sortOrder'), dataIndex: 'sortOrder', width: 90 },
        activeColumn,
      ]}
    >
      {(editing) => (
        <>
          <Form.Item
            name="code"
            label={t('ticketAdmin.types.code')}
            extra={t('ticketAdmin.keyRule')}
            rules={[
              { required: true, message: t('validation.required') },
              { pattern: /^[a-z][a-z0-9_]{0,39}$/, message: t('ticketAdmin.keyRule') },
            ]}
          >
            <Input disabled={editing !== 'new'} />
          </Form.Item>
          <NameDescriptionActiveItems nameLabel={t('ticketAdmin.types.name')} editing={editing}>
            <Form.Item name="sortOrder" label={t('ticketAdmin.sortOrder')}>
              <InputNumber min={0} max={10000} />
            </Form.Item>
          </NameDescriptionActiveItems>
        </>
      )}
    </ConfigListEditor>
  )
}
