// The `?` dialog: which keys do what on this screen.
import { Modal, Table, Typography } from 'antd'
import { useTranslation } from 'react-i18next'

const keys = {
  list: ['j', 'k', 'o', 'x', 'a', 's', 'c', '/', '?'],
  detail: ['r', 'n', 'a', 'e', 'w', 'Escape', '?'],
} as const

export function ShortcutHelp({ open, onClose, scope }: { open: boolean; onClose: () => void; scope: keyof typeof keys }) {
  const { t } = useTranslation()
  return (
    <Modal open={open} onCancel={onClose} footer={null} title={t('shortcuts.title')} destroyOnHidden>
      <Table
        size="small"
        pagination={false}
        rowKey="key"
        dataSource={keys[scope].map((k) => ({ key: k, what: t(`shortcuts.${scope}.${k === '/' ? 'slash' : k === '?' ? 'help' : k}`) }))}
        columns={[
          {
            title: t('shortcuts.key'),
            dataIndex: 'key',
            width: 90,
            render: (k: string) => <Typography.Text keyboard>{k === 'Escape' ? 'Esc' : k}</Typography.Text>,
          },
          { title: t('shortcuts.action'), dataIndex: 'what' },
        ]}
      />
    </Modal>
  )
}
