// The editor of a category's form template: fields with a key, label and type (text, number, select,
// multi-select, date, file, address), required or not, shown to customers or staff-only; options for
// selects, bounds for numbers, a length for text. Lives inside the category's antd Form as `form`.
import { CustomFieldType } from '@aftercare/contracts'
import { ArrowDownOutlined, ArrowUpOutlined, DeleteOutlined, MinusCircleOutlined, PlusOutlined } from '@ant-design/icons'
import { Button, Card, Col, Form, Input, InputNumber, Row, Select, Space, Switch, Typography } from 'antd'
import { useTranslation } from 'react-i18next'

export function FormTemplateEditor() {
  const { t } = useTranslation()
  const form = Form.useFormInstance()
  const template = Form.useWatch('form', form) as { type?: string }[] | undefined
  return (
    <Form.List name="form">
      {(fields, { add, remove, move }) => (
        <Space orientation="vertical" style={{ width: '100%' }}>
          {fields.length === 0 && <Typography.Text type="secondary">{t('ticketAdmin.form.none')}</Typography.Text>}
          {fields.map(({ key, name }, index) => {
            const type = template?.[name]?.type
            return (
              <Card
                key={key}
                size="small"
                data-testid={`template-field-${index}`}
                title={t('ticketAdmin.form.fieldN', { n: index + 1 })}
                extra={
                  <Space size={0}>
                    <Button
                      type="text"
                      size="small"
                      icon={<ArrowUpOutlined />}
                      disabled={index === 0}
                      onClick={() => move(index, index - 1)}
                    />
                    <Button
                      type="text"
                      size="small"
                      icon={<ArrowDownOutlined />}
                      disabled={index === fields.length - 1}
                      onClick={() => move(index, index + 1)}
                    />
                    <Button type="text" size="small" danger icon={<DeleteOutlined />} onClick={() => remove(name)} />
                  </Space>
                }
              >
                <Row gutter={8}>
                  <Col span={8}>
                    <Form.Item
                      name={[name, 'label']}
                      label={t('ticketAdmin.form.label')}
                      rules={[{ required: true, whitespace: true, message: t('validation.required') }, { max: 100 }]}
                    >
                      <Input maxLength={100} data-testid={`template-label-${index}`} />
                    </Form.Item>
                  </Col>
                  <Col span={8}>
                    <Form.Item
                      name={[name, 'key']}
                      label={t('ticketAdmin.form.key')}
                      tooltip={t('ticketAdmin.keyRule')}
                      rules={[
                        { required: true, message: t('validation.required') },
                        { pattern: /^[a-z][a-z0-9_]{0,39}$/, message: t('ticketAdmin.keyRule') },
                      ]}
                    >
                      <Input data-testid={`template-key-${index}`} />
                    </Form.Item>
                  </Col>
                  <Col span={8}>
                    <Form.Item
                      name={[name, 'type']}
                      label={t('ticketAdmin.form.type')}
                      rules={[{ required: true, message: t('validation.required') }]}
                    >
                      <Select
                        options={CustomFieldType.options.map((ty) => ({ value: ty, label: t(`ticketAdmin.fieldType.${ty}`) }))}
                        data-testid={`template-type-${index}`}
                      />
                    </Form.Item>
                  </Col>
                  <Col span={12}>
                    <Form.Item name={[name, 'helpText']} label={t('ticketAdmin.form.helpText')} rules={[{ max: 300 }]}>
                      <Input maxLength={300} />
                    </Form.Item>
                  </Col>
                  <Col span={6}>
                    <Form.Item name={[name, 'required']} label={t('ticketAdmin.form.required')} valuePropName="checked">
                      <Switch />
                    </Form.Item>
                  </Col>
                  <Col span={6}>
                    <Form.Item name={[name, 'visibleToCustomer']} label={t('ticketAdmin.form.visibleToCustomer')} valuePropName="checked">
                      <Switch />
                    </Form.Item>
                  </Col>
                  {type === 'number' && (
                    <>
                      <Col span={12}>
                        <Form.Item name={[name, 'min']} label={t('ticketAdmin.form.min')}>
                          <InputNumber style={{ width: '100%' }} />
                        </Form.Item>
                      </Col>
                      <Col span={12}>
                        <Form.Item name={[name, 'max']} label={t('ticketAdmin.form.max')}>
                          <InputNumber style={{ width: '100%' }} />
                        </Form.Item>
                      </Col>
                    </>
                  )}
                  {type === 'text' && (
                    <Col span={12}>
                      <Form.Item name={[name, 'maxLength']} label={t('ticketAdmin.form.maxLength')}>
                        <InputNumber min={1} max={10000} style={{ width: '100%' }} />
                      </Form.Item>
                    </Col>
                  )}
                </Row>
                {(type === 'select' || type === 'multi_select') && (
                  <Form.List name={[name, 'options']}>
                    {(opts, o) => (
                      <div>
                        <Typography.Text type="secondary">{t('ticketAdmin.form.options')}</Typography.Text>
                        {opts.map((opt) => (
                          <Space key={opt.key} align="baseline" style={{ display: 'flex' }}>
                            <Form.Item
                              name={[opt.name, 'label']}
                              rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
                            >
                              <Input placeholder={t('ticketAdmin.form.optionLabel')} maxLength={100} />
                            </Form.Item>
                            <Form.Item
                              name={[opt.name, 'value']}
                              rules={[{ required: true, whitespace: true, message: t('validation.required') }]}
                            >
                              <Input placeholder={t('ticketAdmin.form.optionValue')} maxLength={100} />
                            </Form.Item>
                            <MinusCircleOutlined onClick={() => o.remove(opt.name)} />
                          </Space>
                        ))}
                        <Button type="dashed" size="small" icon={<PlusOutlined />} onClick={() => o.add({ label: '', value: '' })}>
                          {t('ticketAdmin.form.addOption')}
                        </Button>
                      </div>
                    )}
                  </Form.List>
                )}
              </Card>
            )
          })}
          <Button
            type="dashed"
            block
            icon={<PlusOutlined />}
            onClick={() => add({ key: '', label: '', type: 'text', required: false, visibleToCustomer: true })}
            data-testid="template-add"
          >
            {t('ticketAdmin.form.add')}
          </Button>
        </Space>
      )}
    </Form.List>
  )
}
