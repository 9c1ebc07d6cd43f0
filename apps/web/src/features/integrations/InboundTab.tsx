// Inbound webhooks: systems (shops, monitoring) that create tickets by posting signed JSON; each has
// its URL, its secret (shown once) and a mapping from the document to the ticket.
import { InboundSource, InboundSourceList, InboundSourceWithSecret } from '@aftercare/contracts'
import { Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { InboundDrawer } from './InboundDrawer.tsx'
import { inboundKey } from './integrations.api.ts'
import { WebhookEndpoints } from './WebhookEndpoints.tsx'

/** The URL as the other system must call it (the API answers with a path relative to this site). */
export const absoluteUrl = (url: string) => (/^https?:\/\//.test(url) ? url : `${window.location.origin}${url}`)

export function InboundTab() {
  const { t } = useTranslation()
  return (
    <WebhookEndpoints<InboundSource>
      path="/api/webhooks/inbound-sources"
      queryKey={inboundKey}
      schemas={{ item: InboundSource, list: InboundSourceList, withSecret: InboundSourceWithSecret }}
      labels={{
        create: t('integrations.inbound.create'),
        intro: t('integrations.inbound.intro'),
        edit: t('integrations.inbound.editMapping'),
      }}
      ids={{ create: 'inbound-create', row: 'inbound-row', edit: 'inbound-edit' }}
      columns={[
        {
          key: 'url',
          title: t('integrations.inbound.url'),
          render: (_, s) => (
            <Typography.Text code copyable={{ text: absoluteUrl(s.url) }}>
              {s.url}
            </Typography.Text>
          ),
        },
        { key: 'priority', title: t('integrations.inbound.defaultPriority'), dataIndex: 'defaultPriority' },
      ]}
      editor={({ open, editing, close, edit, showSecret }) => (
        <InboundDrawer
          open={open}
          editing={editing}
          onClose={close}
          onCreated={(r) => {
            showSecret(r.secret)
            edit(r.source)
          }}
        />
      )}
    />
  )
}
