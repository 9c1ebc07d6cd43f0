// One device: what it is, whose, where, its warranty and contracts, its QR label, and every
// ticket about it.
import { DeviceDetail, DeviceQr, Ok, type ContractStatus, type DeviceServiceRecord, type ServiceContract } from '@aftercare/contracts'
import { ArrowLeftOutlined, CopyOutlined, DownloadOutlined, EyeOutlined, PrinterOutlined } from '@ant-design/icons'
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { Alert, App, Button, Card, Col, Descriptions, Popconfirm, Result, Row, Skeleton, Space, Table, Tag, Typography } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, useNavigate, useParams } from 'react-router'
import { api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { can, useCurrentUser } from '../../shared/auth/session.ts'
import { dateTime } from '../../shared/format.ts'
import { ContractStatusTag } from '../customers/ContractsTab.tsx'
import { devicesKey } from '../customers/customers.api.ts'
import { TierTag, WarrantyStateTag } from '../customers/CustomerTags.tsx'
import { DeviceDrawer } from './DeviceDrawer.tsx'
import { printLabels } from './DevicesPage.tsx'

function QrCard({ id }: { id: string }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const qr = useQuery({ queryKey: [...devicesKey, id, 'qr'], queryFn: () => api(`/api/devices/${id}/qr`, DeviceQr) })
  return (
    <Card title={t('devices.qr.title')} size="small">
      <Space orientation="vertical" align="center" style={{ width: '100%' }}>
        <img src={`/api/devices/${id}/qr.svg`} alt={t('devices.qr.alt')} width={180} height={180} data-testid="device-qr" />
        {qr.data && (
          <Typography.Text type="secondary" style={{ fontSize: 12, wordBreak: 'break-all' }} data-testid="device-qr-url">
            {qr.data.url}
          </Typography.Text>
        )}
        <Space wrap>
          <Button size="small" icon={<DownloadOutlined />} href={`/api/devices/${id}/qr.png`} download={`qr-${id}.png`}>
            PNG
          </Button>
          <Button size="small" icon={<DownloadOutlined />} href={`/api/devices/${id}/qr.svg`} download={`qr-${id}.svg`}>
            SVG
          </Button>
          <Button size="small" icon={<PrinterOutlined />} onClick={() => printLabels([id])}>
            {t('devices.qr.label')}
          </Button>
          <Button
            size="small"
            icon={<CopyOutlined />}
            disabled={!qr.data}
            onClick={() => void navigator.clipboard.writeText(qr.data!.url).then(() => message.success(t('devices.qr.copied')))}
          >
            {t('devices.qr.copy')}
          </Button>
        </Space>
      </Space>
    </Card>
  )
}

export function DeviceDetailPage() {
  const { t } = useTranslation()
  const { id = '' } = useParams()
  const me = useCurrentUser()
  const navigate = useNavigate()
  const client = useQueryClient()
  const { message, modal } = App.useApp()
  const [editing, setEditing] = useState(false)
  const [revealed, setRevealed] = useState<DeviceDetail | null>(null)
  const detail = useQuery({ queryKey: [...devicesKey, id, 'detail'], queryFn: () => api(`/api/devices/${id}`, DeviceDetail) })
  const reveal = useMutation({
    mutationFn: () => api(`/api/devices/${id}/reveal`, DeviceDetail, { method: 'POST' }),
    onSuccess: setRevealed,
    onError: (e) => message.error(errorMessage(t, e)),
  })
  const remove = useMutation({
    mutationFn: (version: number) => api(`/api/devices/${id}`, Ok, { method: 'DELETE', ifMatch: `"v${version}"` }),
    onSuccess: async () => {
      await client.invalidateQueries({ queryKey: devicesKey })
      void navigate('/devices')
    },
    onError: (e) => message.error(errorMessage(t, e)),
  })
  if (detail.isPending) return <Skeleton active />
  if (detail.isError)
    return <Result status="warning" title={errorMessage(t, detail.error)} extra={<Link to="/devices">{t('devices.backToList')}</Link>} />
  const d = revealed && revealed.version === detail.data.version ? revealed : detail.data
  const place = d.installPlace
  const refresh = () => {
    setRevealed(null)
    void client.invalidateQueries({ queryKey: devicesKey })
  }

  return (
    <div>
      <Space style={{ marginBottom: 12 }}>
        <Button type="text" icon={<ArrowLeftOutlined />} onClick={() => void navigate(-1)} />
        <Typography.Title level={3} style={{ margin: 0 }} data-testid="device-title">
          {d.serialNumber}
        </Typography.Title>
        <WarrantyStateTag state={d.warrantyState} />
      </Space>
      <Row gutter={16}>
        <Col xs={24} lg={17}>
          <Card
            title={t('devices.details')}
            style={{ marginBottom: 16 }}
            extra={
              <Space>
                {can(me, 'customers.pii') && !d.revealed && place && (
                  <Button
                    icon={<EyeOutlined />}
                    onClick={() =>
                      modal.confirm({
                        title: t('customers.revealConfirm'),
                        content: t('customers.revealHint'),
                        okText: t('common.confirm'),
                        cancelText: t('common.cancel'),
                        onOk: () => reveal.mutateAsync(),
                      })
                    }
                  >
                    {t('customers.reveal')}
                  </Button>
                )}
                {can(me, 'devices.write') && (
                  <>
                    <Button onClick={() => setEditing(true)} data-testid="device-edit">
                      {t('common.edit')}
                    </Button>
                    <Popconfirm
                      title={t('devices.deleteConfirm')}
                      onConfirm={() => remove.mutate(d.version)}
                      okText={t('common.confirm')}
                      cancelText={t('common.cancel')}
                    >
                      <Button danger>{t('common.delete')}</Button>
                    </Popconfirm>
                  </>
                )}
              </Space>
            }
          >
            {d.revealed && <Alert type="info" showIcon title={t('customers.revealedNotice')} style={{ marginBottom: 12 }} />}
            <Descriptions column={{ xs: 1, md: 2 }} size="small">
              <Descriptions.Item label={t('devices.product')}>
                {d.product.name} · {d.product.model}
              </Descriptions.Item>
              <Descriptions.Item label={t('products.category')}>{d.product.category}</Descriptions.Item>
              <Descriptions.Item label={t('devices.owner')}>
                <Space size={4}>
                  <Link to={`/customers/${d.customer.id}`}>{d.customer.name}</Link>
                  <TierTag tier={d.customer.tier} />
                </Space>
              </Descriptions.Item>
              <Descriptions.Item label={t('devices.purchasedOn')}>{d.purchasedOn ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('devices.installedOn')}>{d.installedOn ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('devices.warrantyEndsOn')}>
                <Space size={4}>
                  {d.warrantyEndsOn ?? t('devices.noWarrantyDate')}
                  {d.warrantyOverridden && <Tag>{t('devices.overridden')}</Tag>}
                  {!d.warrantyOverridden && d.warrantyEndsOn && (
                    <Typography.Text type="secondary">{t('devices.computedFrom', { months: d.product.warrantyMonths })}</Typography.Text>
                  )}
                </Space>
              </Descriptions.Item>
              <Descriptions.Item label={t('devices.activeContract')}>
                {d.activeContract ? t('devices.contractUntil', { name: d.activeContract.name, date: d.activeContract.endsOn }) : '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('devices.installPlace')} span={2}>
                {place
                  ? `${place.provinceName}${place.cityName === place.provinceName ? '' : place.cityName}${place.districtName}${place.detail}`
                  : '—'}
                {place?.latitude != null && place.longitude != null && (
                  <Typography.Text type="secondary">
                    {' '}
                    ({place.longitude.toFixed(5)}, {place.latitude.toFixed(5)})
                  </Typography.Text>
                )}
              </Descriptions.Item>
              <Descriptions.Item label={t('customers.notes')} span={2}>
                {d.notes ?? '—'}
              </Descriptions.Item>
            </Descriptions>
          </Card>
          <Card title={t('devices.history')} style={{ marginBottom: 16 }}>
            {!d.historyAvailable ? (
              <Typography.Text type="secondary">{t('devices.historyUnavailable')}</Typography.Text>
            ) : (
              <Table<DeviceServiceRecord>
                rowKey="ticketId"
                size="small"
                pagination={{ pageSize: 10, hideOnSinglePage: true }}
                dataSource={d.serviceHistory}
                locale={{ emptyText: t('devices.noHistory') }}
                data-testid="device-history"
                columns={[
                  {
                    title: t('devices.ticketNumber'),
                    dataIndex: 'number',
                    render: (n: string, r) => <Link to={`/tickets/${r.ticketId}`}>{n}</Link>,
                  },
                  { title: t('devices.ticketSubject'), dataIndex: 'subject' },
                  {
                    title: t('devices.ticketStatus'),
                    dataIndex: 'status',
                    render: (s: string) => t(`tickets.status.${s}`, { defaultValue: s }),
                  },
                  { title: t('devices.ticketCreatedAt'), dataIndex: 'createdAt', render: (v: string) => dateTime(v) },
                ]}
              />
            )}
          </Card>
          <Card title={t('contracts.title')}>
            <Table<ServiceContract>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={d.contracts}
              locale={{ emptyText: t('contracts.none') }}
              columns={[
                { title: t('contracts.name'), dataIndex: 'name' },
                { title: t('contracts.period'), key: 'period', render: (_: unknown, c) => `${c.startsOn} ~ ${c.endsOn}` },
                { title: t('contracts.status'), dataIndex: 'status', render: (s: ContractStatus) => <ContractStatusTag status={s} /> },
                { title: t('contracts.slaTier'), dataIndex: 'slaTier', render: (s: ServiceContract['slaTier']) => <TierTag tier={s} /> },
              ]}
            />
          </Card>
        </Col>
        <Col xs={24} lg={7}>
          <QrCard id={d.id} />
        </Col>
      </Row>
      {editing && <DeviceDrawer device={d} onClose={() => setEditing(false)} onSaved={refresh} />}
    </div>
  )
}
