// Queues (service groups): a tier and the agents who share its work.
import { SupportTier, TicketQueue } from '@aftercare/contracts'
import { Form, Select, Tag } from 'antd'
import { useTranslation } from 'react-i18next'
import { api } from '../../../shared/api/client.ts'
import { ticketsPath, useStaffDirectory, useTicketQueues } from '../tickets.api.ts'
import { useRefreshConfig } from './config.api.ts'
import { ConfigListEditor, NameDescriptionActiveItems, useActiveColumn } from './ConfigListEditor.tsx'

interface Values {
  name: string
  description?: string
  tier: SupportTier
  memberIds: string[]
  active: boolean
}

export function QueuesTab() {
  const { t } = useTranslation()
  const queues = useTicketQueues()
  const { staff, nameOf } = useStaffDirectory()
  const refresh = useRefreshConfig()
  const activeColumn = useActiveColumn<TicketQueue>()

  const save = async (v: Values, editing: TicketQueue | 'new') => {
    if (editing === 'new')
      await api(`${ticketsPath}/queues`, TicketQueue, {
        method: 'POST',
        body: { name: v.name, tier: v.tier, memberIds: v.memberIds ?? [], ...(v.description ? { description: v.description } : {}) },
      })
    else
      await api(`${ticketsPath}/queues/${editing.id}`, TicketQueue, {
        method: 'PATCH',
        body: { name: v.name, description: v.description || null, tier: v.tier, memberIds: v.memberIds ?? [], active: v.active },
      })
  }

  return (
    <ConfigListEditor<TicketQueue, Values>
      rows={queues.data ?? []}
      loading={queues.isPending}
      labels="ticketAdmin.queues"
      ids={{ create: 'queue-create', form: 'queue' }}
      valuesOf={(q) =>
        q === 'new' ? { name: '', description: '', tier: 'L1', memberIds: [], active: true } : { ...q, description: q.description ?? '' }
      }
      save={save}
      refresh={refresh}
      columns={[
        { title: t('ticketAdmin.queues.name'), dataIndex: 'name' },
        { title: t('ticketAdmin.queues.tier'), dataIndex: 'tier', width: 80 },
        {
          title: t('ticketAdmin.queues.members'),
          dataIndex: 'memberIds',
          render: (ids: string[]) => (ids.length ? ids.map((id) => <Tag key={id}>{nameOf(id) ?? t('tickets.someone')}</Tag>) : '—'),
        },
        activeColumn,
      ]}
    >
      {(editing) => (
        <NameDescriptionActiveItems nameLabel={t('ticketAdmin.queues.name')} editing={editing}>
          <Form.Item name="tier" label={t('ticketAdmin.queues.tier')}>
            <Select options={SupportTier.options.map((s) => ({ value: s, label: s }))} />
          </Form.Item>
          <Form.Item name="memberIds" label={t('ticketAdmin.queues.members')}>
            <Select
              mode="multiple"
              showSearch={{ optionFilterProp: 'label' }}
              options={staff.map((s) => ({ value: s.id, label: s.name }))}
            />
          </Form.Item>
        </NameDescriptionActiveItems>
      )}
    </ConfigListEditor>
  )
}
