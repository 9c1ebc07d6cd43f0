// Find another ticket by number or words (optionally of one customer), for links and merges.
import { useQuery } from '@tanstack/react-query'
import { Select } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useDebounced } from './pickers.tsx'
import { fetchTickets } from './tickets.api.ts'

export function TicketPicker({
  customerId,
  exceptId,
  value,
  onChange,
}: {
  customerId?: string
  exceptId: string
  value?: string
  onChange: (id: string | undefined) => void
}) {
  const { t } = useTranslation()
  const [q, setQ] = useState('')
  const query = useDebounced(q)
  const found = useQuery({
    queryKey: ['tickets', 'list', { q: query, customerId, limit: 20, of: 'picker' }],
    queryFn: () => fetchTickets({ q: query || undefined, customerId, limit: 20, sort: 'updatedAt', order: 'desc' }),
  })
  return (
    <Select
      showSearch={{ filterOption: false, onSearch: setQ }}
      allowClear
      style={{ width: '100%' }}
      value={value}
      onChange={(id?: string) => onChange(id)}
      placeholder={t('links.pickTicket')}
      loading={found.isFetching}
      notFoundContent={t('links.noTicketFound')}
      options={(found.data?.items ?? [])
        .filter((r) => r.id !== exceptId)
        .map((r) => ({ value: r.id, label: `${r.number} · ${r.subject}` }))}
      data-testid="ticket-picker"
    />
  )
}
