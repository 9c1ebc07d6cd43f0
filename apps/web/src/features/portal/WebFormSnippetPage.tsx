// Admin: the <script> snippet that puts the service request form on the company's own website,
// with a live preview of the form it shows.
import { WebFormSnippet } from '@aftercare/contracts'
import { useQuery } from '@tanstack/react-query'
import { Alert, Card, Spin, Typography } from 'antd'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { currentLocale } from '../../shared/i18n/index.ts'

export function WebFormSnippetPage() {
  const { t } = useTranslation()
  const q = useQuery({ queryKey: ['web-form', 'snippet'], queryFn: () => api('/api/web-form/snippet', WebFormSnippet) })
  return (
    <div style={{ maxWidth: 880 }}>
      <Typography.Title level={3}>{t('webForm.title')}</Typography.Title>
      {q.error && <Alert type="error" showIcon title={errorMessage(t, q.error)} />}
      {q.isPending && <Spin />}
      {q.data && (
        <>
          <Card style={{ marginBottom: 16 }}>
            <Typography.Paragraph>{t('webForm.intro')}</Typography.Paragraph>
            <Typography.Paragraph
              code
              copyable={{ text: q.data.snippet, tooltips: [t('webForm.copy'), t('webForm.copied')] }}
              data-testid="web-form-snippet"
              style={{ wordBreak: 'break-all' }}
            >
              {q.data.snippet}
            </Typography.Paragraph>
            <Typography.Text type="secondary">{t('webForm.protection')}</Typography.Text>
          </Card>
          <Card title={t('webForm.preview')}>
            <iframe
              title={t('webForm.preview')}
              src={`/api/public/forms/${encodeURIComponent(q.data.tenantSlug)}/embed?lang=${currentLocale()}`}
              style={{ width: '100%', maxWidth: 520, height: 600, border: 0 }}
              data-testid="web-form-preview"
            />
          </Card>
        </>
      )}
    </div>
  )
}
