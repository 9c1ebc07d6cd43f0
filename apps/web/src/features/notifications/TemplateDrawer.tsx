// Edits one template key: subject, body, vendor template id and parameters, with the event's
// variables to insert and a preview rendered by the server as the text is typed.
import { NotificationTemplate, Ok, TemplatePreview, type UpsertTemplateBody } from '@aftercare/contracts'
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Card, Descriptions, Drawer, Form, Input, Popconfirm, Space, Switch, Tag, Typography } from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { localeNames } from '../../shared/i18n/index.ts'
import { templatesKey } from './notifications.api.ts'

interface FormValues {
  subject: string
  body: string
  externalId: string
  params: { name: string; value: string }[]
  active: boolean
}

/** SMS and WeChat template messages send a vendor template id with named parameters. */
const usesParams = (channel: string) => channel === 'sms' || channel === 'wechat_mp'

function useDebounced<T>(value: T, ms: number): T {
  const [current, setCurrent] = useState(value)
  useEffect(() => {
    const timer = setTimeout(() => setCurrent(value), ms)
    return () => clearTimeout(timer)
  }, [value, ms])
  return current
}

export function TemplateDrawer({ template, onClose }: { template: NotificationTemplate | null; onClose: () => void }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const [form] = Form.useForm<FormValues>()
  const watched = Form.useWatch([], form) as Partial<FormValues> | undefined

  useEffect(() => {
    if (!template) return
    form.setFieldsValue({
      subject: template.subject,
      body: template.body,
      externalId: template.externalId ?? '',
      params: Object.entries(template.params).map(([name, value]) => ({ name, value })),
      active: template.active,
    })
  }, [template, form])

  const toParams = (list: FormValues['params'] | undefined) =>
    Object.fromEntries((list ?? []).filter((p) => p?.name?.trim()).map((p) => [p.name.trim(), p.value ?? '']))

  const draft = useDebounced(
    template && watched
      ? {
          eventType: template.eventType,
          locale: template.locale,
          subject: watched.subject ?? '',
          body: watched.body ?? '',
          params: toParams(watched.params),
        }
      : null,
    300,
  )
  const preview = useQuery({
    queryKey: [...templatesKey, 'preview', draft],
    queryFn: () => api('/api/notifications/templates/preview', TemplatePreview, { method: 'POST', body: draft }),
    enabled: draft !== null && draft.body.trim() !== '',
    placeholderData: (previous) => previous,
    retry: false,
  })

  const save = useMutation({
    mutationFn: (v: FormValues) => {
      const body: UpsertTemplateBody = {
        eventType: template!.eventType,
        channel: template!.channel,
        locale: template!.locale,
        audience: template!.audience,
        subject: v.subject ?? '',
        body: v.body,
        externalId: v.externalId?.trim() || null,
        params: toParams(v.params),
        active: v.active,
      }
      return api('/api/notifications/templates', NotificationTemplate, {
        method: 'PUT',
        body,
        ifMatch: template!.id ? `"v${template!.version}"` : undefined,
      })
    },
    onSuccess: async () => {
      message.success(t('common.saved'))
      await client.invalidateQueries({ queryKey: templatesKey })
      onClose()
    },
    onError: (e) => {
      if (!applyFieldErrors(t, form, e, ['subject', 'body', 'externalId'])) message.error(errorMessage(t, e))
    },
  })
  const reset = useMutation({
    mutationFn: () => api(`/api/notifications/templates/${template!.id}`, Ok, { method: 'DELETE' }),
    onSuccess: async () => {
      message.success(t('notifications.templates.resetDone'))
      await client.invalidateQueries({ queryKey: templatesKey })
      onClose()
    },
    onError: (e) => void message.error(errorMessage(t, e)),
  })

  const insert = (variable: string) => {
    const body = form.getFieldValue('body') as string | undefined
    form.setFieldValue('body', `${body ?? ''}{{${variable}}}`)
  }

  return (
    <Drawer
      open={template !== null}
      onClose={onClose}
      size="large"
      destroyOnHidden
      title={
        template &&
        t('notifications.templates.editTitle', {
          event: t(`notifications.events.${template.eventType}`),
          channel: t(`notifications.channels.${template.channel}`),
          locale: localeNames[template.locale],
          audience: t(`notifications.audience.${template.audience}`),
        })
      }
      extra={
        <Space>
          {template?.id && (
            <Popconfirm title={t('notifications.templates.resetConfirm')} onConfirm={() => reset.mutate()}>
              <Button loading={reset.isPending} data-testid="template-reset">
                {t('notifications.templates.reset')}
              </Button>
            </Popconfirm>
          )}
          <Button type="primary" loading={save.isPending} data-testid="template-save" onClick={() => form.submit()}>
            {t('common.save')}
          </Button>
        </Space>
      }
    >
      {template && (
        <Form<FormValues> form={form} layout="vertical" name="template" onFinish={(v) => save.mutate(v)}>
          <Form.Item label={t('notifications.templates.variables')} extra={t('notifications.templates.variablesHint')}>
            <Space size={[4, 4]} wrap>
              {template.variables.map((v) => (
                <Tag key={v} style={{ cursor: 'pointer' }} color="geekblue" onClick={() => insert(v)} data-testid={`template-var-${v}`}>
                  {`{{${v}}}`}
                </Tag>
              ))}
            </Space>
          </Form.Item>
          {template.channel !== 'sms' && (
            <Form.Item name="subject" label={t('notifications.templates.subject')} rules={[{ max: 200 }]}>
              <Input maxLength={200} data-testid="template-subject" />
            </Form.Item>
          )}
          <Form.Item
            name="body"
            label={t('notifications.templates.body')}
            rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
          >
            <Input.TextArea rows={6} maxLength={5000} data-testid="template-body" />
          </Form.Item>
          {usesParams(template.channel) && (
            <>
              <Form.Item
                name="externalId"
                label={t(
                  template.channel === 'sms' ? 'notifications.templates.smsTemplateCode' : 'notifications.templates.wechatTemplateId',
                )}
                rules={[{ pattern: /^[\w-]*$/, message: t('notifications.templates.externalIdRule') }]}
              >
                <Input maxLength={100} />
              </Form.Item>
              <Typography.Text strong>{t('notifications.templates.params')}</Typography.Text>
              <Form.List name="params">
                {(fields, { add, remove }) => (
                  <div style={{ marginTop: 8, marginBottom: 16 }}>
                    {fields.map((f) => (
                      <Space key={f.key} align="baseline" style={{ display: 'flex' }}>
                        <Form.Item
                          name={[f.name, 'name']}
                          rules={[
                            { required: true, pattern: /^[A-Za-z][\w.]{0,39}$/, message: t('notifications.templates.paramNameRule') },
                          ]}
                        >
                          <Input placeholder={t('notifications.templates.paramName')} style={{ width: 140 }} />
                        </Form.Item>
                        <Form.Item name={[f.name, 'value']}>
                          <Input placeholder={t('notifications.templates.paramValue')} style={{ width: 300 }} />
                        </Form.Item>
                        <Button type="text" icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label={t('common.delete')} />
                      </Space>
                    ))}
                    <Button
                      type="dashed"
                      icon={<PlusOutlined />}
                      onClick={() => add({ name: '', value: '' })}
                      disabled={fields.length >= 20}
                    >
                      {t('notifications.templates.addParam')}
                    </Button>
                  </div>
                )}
              </Form.List>
            </>
          )}
          <Form.Item name="active" label={t('notifications.templates.active')} valuePropName="checked">
            <Switch />
          </Form.Item>
          <Card size="small" title={t('notifications.templates.preview')} data-testid="template-preview">
            {preview.isError ? (
              <Typography.Text type="danger">{errorMessage(t, preview.error)}</Typography.Text>
            ) : preview.data ? (
              <>
                {preview.data.unknownVariables.length > 0 && (
                  <Alert
                    type="warning"
                    showIcon
                    style={{ marginBottom: 8 }}
                    data-testid="template-unknown-variables"
                    title={t('notifications.templates.unknownVariables', {
                      names: preview.data.unknownVariables.map((v) => `{{${v}}}`).join('、'),
                    })}
                  />
                )}
                <Descriptions column={1} size="small">
                  {template.channel !== 'sms' && (
                    <Descriptions.Item label={t('notifications.templates.subject')}>
                      <span data-testid="template-preview-subject">{preview.data.subject}</span>
                    </Descriptions.Item>
                  )}
                  <Descriptions.Item label={t('notifications.templates.body')}>
                    <span data-testid="template-preview-body" style={{ whiteSpace: 'pre-wrap' }}>
                      {preview.data.body}
                    </span>
                  </Descriptions.Item>
                  {Object.entries(preview.data.params).map(([k, v]) => (
                    <Descriptions.Item key={k} label={k}>
                      {v}
                    </Descriptions.Item>
                  ))}
                </Descriptions>
              </>
            ) : (
              <Typography.Text type="secondary">{t('notifications.templates.previewEmpty')}</Typography.Text>
            )}
          </Card>
        </Form>
      )}
    </Drawer>
  )
}
