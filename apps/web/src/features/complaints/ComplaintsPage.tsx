// 投诉与申诉: complaints graded A/B/C and disputes with staged deadlines, on the SLA clock engine.
// Two tabs; the complaint drawer can open a dispute appealing the complaint, and each links to the other.
import { Card, Tabs } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useSearchParams } from 'react-router'
import { ComplaintDrawer } from './ComplaintDrawer.tsx'
import { ComplaintsTab } from './ComplaintsTab.tsx'
import { DisputesTab, type DisputeDraft } from './DisputesTab.tsx'

export function ComplaintsPage() {
  const { t } = useTranslation()
  // the tab and the open case live in the address, so a link or a reload shows the same thing
  const [params, setParams] = useSearchParams()
  const tab = params.get('tab') === 'disputes' ? 'disputes' : 'complaints'
  const complaintId = params.get('complaint')
  const disputeId = params.get('dispute')
  const [draft, setDraft] = useState<DisputeDraft | null>(null)
  const go = (next: Record<string, string | null>) =>
    setParams((p) => {
      const out = new URLSearchParams(p)
      for (const [k, v] of Object.entries(next))
        if (v === null) out.delete(k)
        else out.set(k, v)
      return out
    })

  return (
    <Card title={t('complaints.title')}>
      <Tabs
        activeKey={tab}
        onChange={(k) => go({ tab: k === 'disputes' ? 'disputes' : null })}
        items={[
          {
            key: 'complaints',
            label: <span data-testid="tab-complaints">{t('complaints.tabs.complaints')}</span>,
            children: <ComplaintsTab onOpen={(id) => go({ complaint: id })} />,
          },
          {
            key: 'disputes',
            label: <span data-testid="tab-disputes">{t('complaints.tabs.disputes')}</span>,
            children: (
              <DisputesTab draft={draft} onDraftDone={() => setDraft(null)} openId={disputeId} onOpen={(id) => go({ dispute: id })} />
            ),
          },
        ]}
      />
      {complaintId && (
        <ComplaintDrawer
          id={complaintId}
          onClose={() => go({ complaint: null })}
          onOpenDispute={(c) => {
            setDraft({ complaintId: c.id, customerId: c.customerId, ticketId: c.ticketId ?? undefined, summary: c.summary })
            go({ complaint: null, tab: 'disputes' })
          }}
        />
      )}
    </Card>
  )
}
