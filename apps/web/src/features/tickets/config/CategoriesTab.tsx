// The category tree and each category's settings and form template. A save carries the version the
// admin opened, so two admins editing the same category do not overwrite each other (412).
import { TicketCategory, type CustomFieldDefInput } from '@aftercare/contracts'
import { PlusOutlined } from '@ant-design/icons'
import {
  Alert,
  App,
  Button,
  Card,
  Col,
  Empty,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Switch,
  Tree,
  TreeSelect,
  Typography,
} from 'antd'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiRequestError, api } from '../../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../../shared/api/errors.ts'
import { categoryTree, type CategoryNode } from '../categories.ts'
import { CustomFieldInputs } from '../CustomFieldInputs.tsx'
import { ticketsPath, useTicketCategories, useTicketQueues, useTicketTypes } from '../tickets.api.ts'
import { etagOfVersion, useRefreshConfig } from './config.api.ts'
import { FormTemplateEditor } from './FormTemplateEditor.tsx'

interface Values {
  name: string
  parentId: string | null
  typeId: string | null
  defaultQueueId: string | null
  sortOrder: number
  active: boolean
  form: CustomFieldDefInput[]
}

type Editing = { mode: 'new'; parentId: string | null } | { mode: 'edit'; id: string }

/** Tree nodes with inactive categories greyed. */
function treeData(nodes: CategoryNode[], inactive: string): { key: string; title: string; children?: ReturnType<typeof treeData> }[] {
  return nodes.map((n) => ({
    key: n.value,
    title: n.category.active ? n.title : `${n.title}（${inactive}）`,
    ...(n.children ? { children: treeData(n.children, inactive) } : {}),
  }))
}

/** Empty optional settings are left out (the API's defaults apply). */
function cleanField(f: CustomFieldDefInput): CustomFieldDefInput {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== undefined && v !== null && v !== '')) as CustomFieldDefInput
}

export function CategoriesTab() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const categories = useTicketCategories()
  const types = useTicketTypes()
  const queues = useTicketQueues()
  const refresh = useRefreshConfig()
  const [editing, setEditing] = useState<Editing | null>(null)
  const [stale, setStale] = useState(false)
  const [busy, setBusy] = useState(false)
  const [form] = Form.useForm<Values>()
  const template = Form.useWatch('form', form)
  const all = categories.data ?? []
  const current = editing?.mode === 'edit' ? all.find((c) => c.id === editing.id) : undefined
  const [base, setBase] = useState<number | null>(null)

  useEffect(() => {
    if (editing?.mode === 'edit' && current && base === null) {
      form.setFieldsValue({ ...current, form: current.form })
      setBase(current.version)
    }
  }, [editing, current, base, form])

  const start = (e: Editing) => {
    setStale(false)
    setBase(null)
    setEditing(e)
    form.resetFields()
    if (e.mode === 'new')
      form.setFieldsValue({ name: '', parentId: e.parentId, typeId: null, defaultQueueId: null, sortOrder: 0, active: true, form: [] })
  }

  const save = async (v: Values) => {
    const body = { ...v, form: (v.form ?? []).map(cleanField) }
    setBusy(true)
    try {
      if (editing?.mode === 'new') {
        const { active: _active, ...create } = body
        const created = await api(`${ticketsPath}/categories`, TicketCategory, { method: 'POST', body: create })
        message.success(t('ticketAdmin.categories.created', { name: created.name }))
        await refresh()
        start({ mode: 'edit', id: created.id })
      } else if (editing?.mode === 'edit') {
        const saved = await api(`${ticketsPath}/categories/${editing.id}`, TicketCategory, {
          method: 'PATCH',
          body,
          ifMatch: base === null ? null : etagOfVersion(base),
        })
        message.success(t('common.saved'))
        setBase(saved.version)
        await refresh()
      }
    } catch (e) {
      if (e instanceof ApiRequestError && e.status === 412) setStale(true)
      else if (!applyFieldErrors(t, form, e, ['name', 'parentId', 'typeId', 'defaultQueueId', 'sortOrder', 'active', 'form']))
        message.error(errorMessage(t, e))
    } finally {
      setBusy(false)
    }
  }

  const reload = async () => {
    await refresh()
    if (editing?.mode === 'edit') start({ mode: 'edit', id: editing.id })
  }

  return (
    <Row gutter={16}>
      <Col xs={24} lg={8}>
        <Card
          size="small"
          title={t('ticketAdmin.categories.tree')}
          extra={
            <Button
              size="small"
              icon={<PlusOutlined />}
              onClick={() => start({ mode: 'new', parentId: null })}
              data-testid="category-create"
            >
              {t('ticketAdmin.categories.createRoot')}
            </Button>
          }
        >
          {all.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ticketAdmin.categories.none')} />
          ) : (
            <Tree
              blockNode
              defaultExpandAll
              selectedKeys={editing?.mode === 'edit' ? [editing.id] : []}
              treeData={treeData(categoryTree(all, { includeInactive: true }), t('ticketAdmin.inactive'))}
              onSelect={(keys) => keys[0] && start({ mode: 'edit', id: String(keys[0]) })}
            />
          )}
        </Card>
      </Col>
      <Col xs={24} lg={16}>
        {!editing ? (
          <Card size="small">
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ticketAdmin.categories.pick')} />
          </Card>
        ) : (
          <Card
            size="small"
            title={
              editing.mode === 'new'
                ? t('ticketAdmin.categories.new')
                : t('ticketAdmin.categories.editTitle', { name: current?.name ?? '' })
            }
            extra={
              <Space>
                {editing.mode === 'edit' && (
                  <Button size="small" icon={<PlusOutlined />} onClick={() => start({ mode: 'new', parentId: editing.id })}>
                    {t('ticketAdmin.categories.createChild')}
                  </Button>
                )}
                <Button size="small" type="primary" loading={busy} onClick={() => form.submit()} data-testid="category-save">
                  {t('common.save')}
                </Button>
              </Space>
            }
          >
            {stale && (
              <Alert
                type="warning"
                showIcon
                style={{ marginBottom: 12 }}
                title={t('errors.precondition_failed')}
                action={
                  <Button size="small" onClick={() => void reload()}>
                    {t('common.reload')}
                  </Button>
                }
              />
            )}
            <Form form={form} name="category" layout="vertical" onFinish={(v) => void save(v)}>
              <Row gutter={12}>
                <Col span={12}>
                  <Form.Item
                    name="name"
                    label={t('ticketAdmin.categories.name')}
                    rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100 }]}
                  >
                    <Input maxLength={100} data-testid="category-name" />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="parentId" label={t('ticketAdmin.categories.parent')}>
                    <TreeSelect
                      allowClear
                      treeDefaultExpandAll
                      placeholder={t('ticketAdmin.categories.root')}
                      treeData={categoryTree(
                        all.filter((c) => c.id !== (editing.mode === 'edit' ? editing.id : '')),
                        { includeInactive: true },
                      )}
                    />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="typeId" label={t('ticketAdmin.categories.type')} extra={t('ticketAdmin.categories.typeHint')}>
                    <Select allowClear options={(types.data ?? []).map((ty) => ({ value: ty.id, label: ty.name }))} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="defaultQueueId" label={t('ticketAdmin.categories.defaultQueue')}>
                    <Select allowClear options={(queues.data ?? []).map((q) => ({ value: q.id, label: q.name }))} />
                  </Form.Item>
                </Col>
                <Col span={12}>
                  <Form.Item name="sortOrder" label={t('ticketAdmin.sortOrder')}>
                    <InputNumber min={0} max={10000} />
                  </Form.Item>
                </Col>
                {editing.mode === 'edit' && (
                  <Col span={12}>
                    <Form.Item name="active" label={t('ticketAdmin.active')} valuePropName="checked">
                      <Switch />
                    </Form.Item>
                  </Col>
                )}
              </Row>
              <Typography.Title level={5}>{t('ticketAdmin.form.title')}</Typography.Title>
              <Typography.Paragraph type="secondary">{t('ticketAdmin.form.hint')}</Typography.Paragraph>
              <FormTemplateEditor />
            </Form>
            {(template ?? []).length > 0 && (
              <Card size="small" type="inner" title={t('ticketAdmin.form.preview')} style={{ marginTop: 16 }}>
                <Form layout="vertical" name="preview">
                  <CustomFieldInputs
                    fields={(template ?? [])
                      .filter((f) => f?.key && f.label && f.type)
                      .map((f) => ({ required: false, visibleToCustomer: true, ...f }))}
                  />
                </Form>
              </Card>
            )}
          </Card>
        )}
      </Col>
    </Row>
  )
}
