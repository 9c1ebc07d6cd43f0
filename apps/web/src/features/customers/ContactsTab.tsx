// A customer's contacts: the primary one first; add, edit, remove. A masked value (138****5678)
// is never sent back: left empty, the field keeps what the server has.
import { Contact, Ok, type CreateContactBody, type UpdateContactBody } from '@aftercare/contracts'
import { PlusOutlined, StarFilled } from '@ant-design/icons'
import { useMutation } from '@tanstack/react-query'
import { App, Button, Checkbox, Form, Input, Modal, Popconfirm, Space, Table, Tooltip } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'

const isMasked = (v: string | null | undefined) => Boolean(v?.includes('*'))
const fields = ['name', 'mobile', 'email', 'wechatId', 'title', 'isPrimary'] as const

interface Values {
  name: string
  mobile?: string
  email?: string
  wechatId?: string
  title?: string
  isPrimary: boolean
}

function ContactModal({
  customerId,
  contact,
  onClose,
  onSaved,
}: {
  customerId: string
  contact: Contact | null
  onClose: () => void
  onSaved: () => void
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const [form] = Form.useForm<Values>()
  const initial = (v: string | null | undefined) => (contact && !isMasked(v) ? (v ?? undefined) : undefined)
  const keepHint = (v: string | null | undefined) => (contact && isMasked(v) ? t('contacts.keepMasked', { value: v }) : undefined)
  const save = useMutation({
    mutationFn: (v: Values) => {
      const clean = (s: string | undefined) => s?.trim() || undefined
      if (!contact) {
        const body: CreateContactBody = { name: v.name, isPrimary: v.isPrimary }
        for (const k of ['mobile', 'email', 'wechatId', 'title'] as const) {
          const val = clean(v[k])
          if (val) body[k] = val
        }
        return api(`/api/customers/${customerId}/contacts`, Contact, { method: 'POST', body })
      }
      const patch: UpdateContactBody = { name: v.name }
      for (const k of ['mobile', 'email', 'wechatId', 'title'] as const) {
        const val = clean(v[k])
        // an empty field over a masked value means "unchanged"; over a visible value it clears it
        if (val) patch[k] = val
        else if (!isMasked(contact[k]) && contact[k]) patch[k] = null
      }
      if (v.isPrimary && !contact.isPrimary) patch.isPrimary = true
      return api(`/api/customers/${customerId}/contacts/${contact.id}`, Contact, {
        method: 'PATCH',
        body: patch,
        ifMatch: `"v${contact.version}"`,
      })
    },
    onSuccess: () => {
      message.success(t('common.saved'))
      onSaved()
      onClose()
    },
    onError: (e) => {
      if (!applyFieldErrors(t, form, e, fields)) message.error(errorMessage(t, e))
    },
  })
  return (
    <Modal
      open
      title={contact ? t('contacts.edit') : t('contacts.add')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        name="contact"
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={{
          name: contact?.name,
          mobile: initial(contact?.mobile),
          email: initial(contact?.email),
          wechatId: initial(contact?.wechatId),
          title: contact?.title ?? undefined,
          isPrimary: contact?.isPrimary ?? false,
        }}
      >
        <Form.Item
          name="name"
          label={t('contacts.name')}
          rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100 }]}
        >
          <Input data-testid="contact-form-name" />
        </Form.Item>
        <Form.Item name="mobile" label={t('contacts.mobile')} extra={keepHint(contact?.mobile)}>
          <Input inputMode="tel" placeholder={contact?.mobile ?? '13812345678'} data-testid="contact-form-mobile" />
        </Form.Item>
        <Form.Item
          name="email"
          label={t('contacts.email')}
          extra={keepHint(contact?.email)}
          rules={[{ type: 'email', message: t('validation.email') }]}
        >
          <Input placeholder={contact?.email ?? undefined} />
        </Form.Item>
        <Form.Item name="wechatId" label={t('contacts.wechatId')} extra={keepHint(contact?.wechatId)}>
          <Input placeholder={contact?.wechatId ?? undefined} />
        </Form.Item>
        <Form.Item name="title" label={t('contacts.title')}>
          <Input />
        </Form.Item>
        <Form.Item name="isPrimary" valuePropName="checked">
          <Checkbox disabled={contact?.isPrimary}>{t('contacts.makePrimary')}</Checkbox>
        </Form.Item>
      </Form>
    </Modal>
  )
}

export function ContactsTab({
  customerId,
  contacts,
  editable,
  onChanged,
}: {
  customerId: string
  contacts: Contact[]
  editable: boolean
  onChanged: () => void
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const [editing, setEditing] = useState<Contact | null | undefined>(undefined)
  const remove = useMutation({
    mutationFn: (c: Contact) => api(`/api/customers/${customerId}/contacts/${c.id}`, Ok, { method: 'DELETE', ifMatch: `"v${c.version}"` }),
    onSuccess: onChanged,
    onError: (e) => message.error(errorMessage(t, e)),
  })
  return (
    <>
      {editable && (
        <Button icon={<PlusOutlined />} style={{ marginBottom: 12 }} onClick={() => setEditing(null)} data-testid="contact-add">
          {t('contacts.add')}
        </Button>
      )}
      <Table<Contact>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={contacts}
        locale={{ emptyText: t('contacts.none') }}
        data-testid="contacts-table"
        columns={[
          {
            title: t('contacts.name'),
            dataIndex: 'name',
            render: (n: string, c) => (
              <Space size={4}>
                {n}
                {c.isPrimary && (
                  <Tooltip title={t('contacts.primary')}>
                    <StarFilled style={{ color: '#faad14' }} />
                  </Tooltip>
                )}
              </Space>
            ),
          },
          { title: t('contacts.title'), dataIndex: 'title', render: (v: string | null) => v ?? '—' },
          { title: t('contacts.mobile'), dataIndex: 'mobile', render: (v: string | null) => v ?? '—' },
          { title: t('contacts.email'), dataIndex: 'email', render: (v: string | null) => v ?? '—' },
          { title: t('contacts.wechatId'), dataIndex: 'wechatId', render: (v: string | null) => v ?? '—' },
          ...(editable
            ? [
                {
                  title: t('common.actions'),
                  key: 'actions',
                  width: 140,
                  render: (_: unknown, c: Contact) => (
                    <Space size={0}>
                      <Button type="link" size="small" onClick={() => setEditing(c)}>
                        {t('common.edit')}
                      </Button>
                      <Popconfirm
                        title={t('contacts.deleteConfirm', { name: c.name })}
                        onConfirm={() => remove.mutate(c)}
                        okText={t('common.confirm')}
                        cancelText={t('common.cancel')}
                      >
                        <Button type="link" size="small" danger>
                          {t('common.delete')}
                        </Button>
                      </Popconfirm>
                    </Space>
                  ),
                },
              ]
            : []),
        ]}
      />
      {editing !== undefined && (
        <ContactModal customerId={customerId} contact={editing} onClose={() => setEditing(undefined)} onSaved={onChanged} />
      )}
    </>
  )
}
