import { Ok } from '@aftercare/contracts'
import { useMutation } from '@tanstack/react-query'
import { App, Button, Card, Checkbox, Form, Input } from 'antd'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { newPasswordRules } from '../../shared/ui/passwordRules.ts'

interface Values {
  currentPassword: string
  newPassword: string
  confirm: string
  signOutOtherSessions: boolean
}

export function PasswordCard() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const [form] = Form.useForm<Values>()
  const change = useMutation({
    mutationFn: (v: Values) =>
      api('/api/auth/me/password', Ok, {
        method: 'POST',
        body: { currentPassword: v.currentPassword, newPassword: v.newPassword, signOutOtherSessions: v.signOutOtherSessions },
      }),
    onSuccess: () => {
      form.resetFields()
      message.success(t('profile.passwordChanged'))
    },
    onError: (e) => {
      if (!applyFieldErrors(t, form, e, ['currentPassword', 'newPassword'])) message.error(errorMessage(t, e))
    },
  })
  return (
    <Card title={t('profile.changePassword')}>
      <Form
        form={form}
        name="changePassword"
        layout="vertical"
        initialValues={{ signOutOtherSessions: true }}
        onFinish={(v) => change.mutate(v)}
      >
        <Form.Item
          name="currentPassword"
          label={t('profile.currentPassword')}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item
          name="newPassword"
          label={t('profile.newPassword')}
          extra={t('validation.passwordRule')}
          rules={newPasswordRules(t)}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="confirm"
          label={t('profile.confirmPassword')}
          dependencies={['newPassword']}
          rules={[
            { required: true, message: t('validation.required') },
            ({ getFieldValue }) => ({
              validator: (_, value) =>
                !value || getFieldValue('newPassword') === value
                  ? Promise.resolve()
                  : Promise.reject(new Error(t('validation.passwordMismatch'))),
            }),
          ]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="signOutOtherSessions" valuePropName="checked">
          <Checkbox>{t('profile.signOutOthers')}</Checkbox>
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={change.isPending}>
          {t('profile.changePassword')}
        </Button>
      </Form>
    </Card>
  )
}
