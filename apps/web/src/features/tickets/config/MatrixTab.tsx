// Impact (rows) × urgency (columns) → priority: the tenant's matrix, edited cell by cell.
import { PriorityMatrix, TicketPriority } from '@aftercare/contracts'
import { App, Button, Select, Table } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api, ApiRequestError } from '../../../shared/api/client.ts'
import { errorMessage } from '../../../shared/api/errors.ts'
import { ticketsPath, usePriorityMatrix } from '../tickets.api.ts'
import { useRefreshConfig } from './config.api.ts'

export function MatrixTab() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const matrix = usePriorityMatrix()
  const refresh = useRefreshConfig()
  const [cells, setCells] = useState<TicketPriority[][] | null>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => {
    if (matrix.data) setCells(matrix.data.data.matrix.map((row) => [...row]))
  }, [matrix.data])

  const save = async () => {
    if (!cells) return
    setBusy(true)
    try {
      await api(`${ticketsPath}/priority-matrix`, PriorityMatrix, {
        method: 'PUT',
        body: { matrix: cells },
        ifMatch: matrix.data?.etag ?? null,
      })
      message.success(t('common.saved'))
      await refresh()
    } catch (e) {
      message.error(errorMessage(t, e))
      // someone saved in between: show what is stored now
      if (e instanceof ApiRequestError && e.status === 412) await refresh()
    } finally {
      setBusy(false)
    }
  }

  return (
    <div style={{ maxWidth: 720 }}>
      <p>{t('ticketAdmin.matrix.hint')}</p>
      <Table
        size="small"
        bordered
        pagination={false}
        loading={matrix.isPending}
        rowKey="impact"
        dataSource={(cells ?? []).map((row, i) => ({ impact: i + 1, row }))}
        columns={[
          { title: t('ticketAdmin.matrix.corner'), dataIndex: 'impact', width: 180, render: (n: number) => t(`tickets.impact.${n}`) },
          ...[0, 1, 2].map((u) => ({
            title: t(`tickets.urgency.${u + 1}`),
            key: `u${u}`,
            render: (_: unknown, r: { impact: number; row: TicketPriority[] }) => (
              <Select
                style={{ width: 90 }}
                value={r.row[u]}
                onChange={(p: TicketPriority) =>
                  setCells((c) => (c ? c.map((row, i) => (i === r.impact - 1 ? row.map((x, j) => (j === u ? p : x)) : row)) : c))
                }
                options={TicketPriority.options.map((p) => ({ value: p, label: p }))}
                data-testid={`matrix-${r.impact}-${u + 1}`}
              />
            ),
          })),
        ]}
      />
      <Button type="primary" style={{ marginTop: 12 }} loading={busy} onClick={() => void save()} disabled={!cells}>
        {t('common.save')}
      </Button>
    </div>
  )
}
