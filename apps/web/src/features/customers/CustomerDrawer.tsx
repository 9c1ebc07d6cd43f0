// Create a customer (with a first contact and address), or edit one's own fields with the
// version it was read at (a concurrent change answers 412 instead of being overwritten).
import {
  CustomerDetail,
  CustomerKind,
  CustomerTier,
  UserList,
  type CreateCustomerBody,
  type UpdateCustomerBody,
} from '@aftercare/contracts'
import { useMutation, useQuery } from '@tanstack/react-query'
import { Alert, App, Button, Divider, Drawer, Form, Input, Radio, Select, Space } from 'antd'
import { useTranslation } from 'react-i18next'
import { ApiRequestError, api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { RegionCascader, type RegionValue } from './RegionCascader.tsx'

interface Values {
  code?: string
  kind: CustomerKind
  name: string
  tier: CustomerTier
  accountManagerId?: string | null
  tags: string[]
  notes?: string
  contactName?: string
  contactMobile?: string
  contactEmail?: string
  region?: RegionValue
  detail?: string
}

const fields = ['code', 'kind', 'name', 'tier', 'accountManagerId', 'tags', 'notes'] as const

/** Active staff who may be account managers (needs users.read; others keep the current one). */
export function useStaff(enabled: boolean) {
  return useQuery({
    queryKey: ['users', 'staff'],
    queryFn: () => api('/api/users', UserList, { query: { status: 'active', limit: 200 } }),
    enabled,
    staleTime: 5 * 60_000,
    select: (l) => l.items.filter((u) => u.roles.some((r) => r !== 'customer_contact')),
  })
}

export function CustomerDrawer({
  customer,
  onClose,
  onSaved,
}: {
  customer?: CustomerDetail
  onClose: () => void
  onSaved: (c: CustomerDetail) => void
}) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const me = useCurrentUser()
  const [form] = Form.useForm<Values>()
  const staff = useStaff(can(me, 'users.read'))
  const save = useMutation({
    mutationFn: (v: Values) => {
      const own = {
        code: v.code?.trim() || undefined,
        kind: v.kind,
        name: v.name,
        tier: v.tier,
        tags: v.tags,
        notes: v.notes?.trim() || undefined,
      }
      if (customer) {
        const patch: UpdateCustomerBody = { ...own, code: own.code ?? null, notes: own.notes ?? null }
        if (v.accountManagerId !== undefined) patch.accountManagerId = v.accountManagerId ?? null
        return api(`/api/customers/${customer.id}`, CustomerDetail, { method: 'PATCH', body: patch, ifMatch: `"v${customer.version}"` })
      }
      const body: Partial<CreateCustomerBody> = {
        ...own,
        ...(v.accountManagerId ? { accountManagerId: v.accountManagerId } : {}),
        contacts: v.contactName
          ? [
              {
                name: v.contactName,
                isPrimary: true,
                ...(v.contactMobile ? { mobile: v.contactMobile } : {}),
                ...(v.contactEmail ? { email: v.contactEmail } : {}),
              },
            ]
          : [],
        addresses:
          v.region && v.detail
            ? [{ provinceCode: v.region[0], cityCode: v.region[1], districtCode: v.region[2], detail: v.detail, isDefault: true }]
            : [],
      }
      return api('/api/customers', CustomerDetail, { method: 'POST', body })
    },
    onSuccess: (c) => {
      message.success(customer ? t('common.saved') : t('customers.created', { name: c.name }))
      onSaved(c)
      onClose()
    },
    onError: (e) => {
      const mapped = applyFieldErrors(t, form, e, fields)
      if (e instanceof ApiRequestError && e.body.issues?.some((i) => i.path.includes('contacts.0.mobile')))
        form.setFields([{ name: 'contactMobile', errors: [t('validation.phone')] }])
      else if (!mapped) message.error(errorMessage(t, e))
    },
  })

  return (
    <Drawer
      open
      size={560}
      title={customer ? t('customers.editTitle', { name: customer.name }) : t('customers.create')}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={save.isPending} onClick={() => form.submit()} data-testid="customer-save">
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {save.error instanceof ApiRequestError && save.error.status === 412 && (
        <Alert type="warning" showIcon title={t('errors.precondition_failed')} style={{ marginBottom: 16 }} />
      )}
      <Form<Values>
        form={form}
        name="customer"
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={
          customer
            ? {
                code: customer.code ?? undefined,
                kind: customer.kind,
                name: customer.name,
                tier: customer.tier,
                tags: customer.tags,
                notes: customer.notes ?? undefined,
              }
            : { kind: 'organisation', tier: 'standard', tags: [] }
        }
      >
        <Form.Item name="kind" label={t('customers.kind')}>
          <Radio.Group options={CustomerKind.options.map((k) => ({ value: k, label: t(`customers.kinds.${k}`) }))} optionType="button" />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('customers.name')}
          rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 200 }]}
        >
          <Input data-testid="customer-name" />
        </Form.Item>
        <Form.Item
          name="code"
          label={t('customers.code')}
          extra={t('customers.codeHint')}
          rules={[{ pattern: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$/, message: t('customers.codeRule') }]}
        >
          <Input data-testid="customer-code" />
        </Form.Item>
        <Form.Item name="tier" label={t('customers.tier')}>
          <Select options={CustomerTier.options.map((v) => ({ value: v, label: t(`customers.tiers.${v}`) }))} />
        </Form.Item>
        {can(me, 'users.read') && (
          <Form.Item name="accountManagerId" label={t('customers.accountManager')} initialValue={customer?.accountManagerId ?? undefined}>
            <Select
              allowClear
              showSearch={{ optionFilterProp: 'label' }}
              loading={staff.isPending}
              options={(staff.data ?? []).map((u) => ({ value: u.id, label: u.name }))}
              onClear={() => form.setFieldValue('accountManagerId', null)}
            />
          </Form.Item>
        )}
        <Form.Item name="tags" label={t('customers.tags')}>
          <Select mode="tags" tokenSeparators={[',', '，', ';', '；']} open={false} />
        </Form.Item>
        <Form.Item name="notes" label={t('customers.notes')} rules={[{ max: 2000 }]}>
          <Input.TextArea rows={3} />
        </Form.Item>
        {!customer && (
          <>
            <Divider titlePlacement="start">{t('customers.firstContact')}</Divider>
            <Form.Item name="contactName" label={t('contacts.name')}>
              <Input data-testid="contact-name" />
            </Form.Item>
            <Space.Compact block>
              <Form.Item name="contactMobile" label={t('contacts.mobile')} style={{ flex: 1 }}>
                <Input inputMode="tel" data-testid="contact-mobile" />
              </Form.Item>
              <Form.Item
                name="contactEmail"
                label={t('contacts.email')}
                style={{ flex: 1 }}
                rules={[{ type: 'email', message: t('validation.email') }]}
              >
                <Input />
              </Form.Item>
            </Space.Compact>
            <Divider titlePlacement="start">{t('customers.firstAddress')}</Divider>
            <Form.Item name="region" label={t('addresses.region')}>
              <RegionCascader />
            </Form.Item>
            <Form.Item
              name="detail"
              label={t('addresses.detail')}
              dependencies={['region']}
              rules={[({ getFieldValue }) => ({ required: Boolean(getFieldValue('region')), message: t('validation.required') })]}
            >
              <Input />
            </Form.Item>
          </>
        )}
      </Form>
    </Drawer>
  )
}
