// Shows a signing secret once (after creation or rotation): it is never shown again.
import { Alert, Button, Modal, Typography } from 'antd'
import { useTranslation } from 'react-i18next'

export function SecretModal({ secret, onClose }: { secret: string | null; onClose: () => void }) {
  const { t } = useTranslation()
  return (
    <Modal
      open={secret !== null}
      onCancel={onClose}
      title={t('integrations.secret.title')}
      footer={
        <Button type="primary" data-testid="secret-done" onClick={onClose}>
          {t('integrations.secret.saved')}
        </Button>
      }
    >
      <Alert type="warning" showIcon title={t('integrations.secret.once')} style={{ marginBottom: 12 }} />
      <Typography.Paragraph copyable={{ text: secret ?? '' }} code data-testid="webhook-secret" style={{ wordBreak: 'break-all' }}>
        {secret}
      </Typography.Paragraph>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
        {t('integrations.secret.howTo')}
      </Typography.Paragraph>
    </Modal>
  )
}
