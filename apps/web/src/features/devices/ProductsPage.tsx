// Products (models): name, category and the warranty length every device of the model gets.
import { Ok, Product, ProductList } from '@aftercare/contracts'
import { PlusOutlined } from '@ant-design/icons'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Button, Card, Form, Input, InputNumber, Modal, Popconfirm, Space, Table, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { applyFieldErrors, errorMessage } from '../../shared/api/errors.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { devicesKey, productsKey } from '../customers/customers.api.ts'

interface Values {
  model: string
  name: string
  category: string
  warrantyMonths: number
  description?: string
}

function ProductModal({ product, onClose }: { product: Product | null; onClose: () => void }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const client = useQueryClient()
  const [form] = Form.useForm<Values>()
  const save = useMutation({
    mutationFn: (v: Values) =>
      product
        ? api(`/api/products/${product.id}`, Product, {
            method: 'PATCH',
            body: { ...v, description: v.description?.trim() || null },
            ifMatch: `"v${product.version}"`,
          })
        : api('/api/products', Product, { method: 'POST', body: { ...v, description: v.description?.trim() || undefined } }),
    onSuccess: async () => {
      message.success(t('common.saved'))
      await client.invalidateQueries({ queryKey: productsKey })
      await client.invalidateQueries({ queryKey: devicesKey })
      onClose()
    },
    onError: (e) => {
      if (!applyFieldErrors(t, form, e, ['model', 'name', 'category', 'warrantyMonths', 'description'])) message.error(errorMessage(t, e))
    },
  })
  return (
    <Modal
      open
      title={product ? t('products.edit') : t('products.create')}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={save.isPending}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        name="product"
        layout="vertical"
        onFinish={(v) => save.mutate(v)}
        initialValues={product ? { ...product, description: product.description ?? undefined } : { warrantyMonths: 12 }}
      >
        <Form.Item
          name="model"
          label={t('products.model')}
          rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100 }]}
        >
          <Input data-testid="product-model" />
        </Form.Item>
        <Form.Item
          name="name"
          label={t('products.name')}
          rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 200 }]}
        >
          <Input data-testid="product-name" />
        </Form.Item>
        <Form.Item
          name="category"
          label={t('products.category')}
          rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100 }]}
        >
          <Input data-testid="product-category" />
        </Form.Item>
        <Form.Item
          name="warrantyMonths"
          label={t('products.warrantyMonths')}
          extra={product ? t('products.warrantyChangeHint') : undefined}
          rules={[{ required: true, message: t('validation.required') }]}
        >
          <InputNumber min={0} max={240} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item name="description" label={t('products.description')}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  )
}

export function ProductsPage() {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const me = useCurrentUser()
  const client = useQueryClient()
  const [q, setQ] = useState<string>()
  const [editing, setEditing] = useState<Product | null | undefined>(undefined)
  const list = useQuery({
    queryKey: [...productsKey, 'list', q],
    queryFn: () => api('/api/products', ProductList, { query: { q, limit: 200 } }),
  })
  const write = can(me, 'devices.write')
  const remove = useMutation({
    mutationFn: (p: Product) => api(`/api/products/${p.id}`, Ok, { method: 'DELETE', ifMatch: `"v${p.version}"` }),
    onSuccess: () => client.invalidateQueries({ queryKey: productsKey }),
    onError: (e) => message.error(errorMessage(t, e)),
  })
  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('products.title')}
      </Typography.Title>
      <Card
        title={
          <Input.Search
            allowClear
            placeholder={t('products.searchPlaceholder')}
            style={{ width: 280 }}
            onSearch={(v) => setQ(v.trim() || undefined)}
          />
        }
        extra={
          write && (
            <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing(null)} data-testid="product-create">
              {t('products.create')}
            </Button>
          )
        }
      >
        <Table<Product>
          rowKey="id"
          loading={list.isPending}
          dataSource={list.data?.items ?? []}
          pagination={false}
          locale={{ emptyText: list.isError ? errorMessage(t, list.error) : t('products.none') }}
          columns={[
            { title: t('products.model'), dataIndex: 'model', width: 160 },
            { title: t('products.name'), dataIndex: 'name' },
            { title: t('products.category'), dataIndex: 'category', width: 140 },
            {
              title: t('products.warrantyMonths'),
              dataIndex: 'warrantyMonths',
              width: 120,
              render: (m: number) => t('products.months', { count: m }),
            },
            { title: t('products.devices'), dataIndex: 'deviceCount', width: 100 },
            ...(write
              ? [
                  {
                    title: t('common.actions'),
                    key: 'actions',
                    width: 140,
                    render: (_: unknown, p: Product) => (
                      <Space size={0}>
                        <Button type="link" size="small" onClick={() => setEditing(p)}>
                          {t('common.edit')}
                        </Button>
                        <Popconfirm
                          title={t('products.deleteConfirm', { model: p.model })}
                          onConfirm={() => remove.mutate(p)}
                          okText={t('common.confirm')}
                          cancelText={t('common.cancel')}
                        >
                          <Button type="link" size="small" danger disabled={p.deviceCount > 0}>
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
      </Card>
      {editing !== undefined && <ProductModal product={editing} onClose={() => setEditing(undefined)} />}
    </div>
  )
}
