// Import from CSV or Excel in three steps: choose a file → preview (the first rows and every
// row-level error: row, column, reason) → import all rows in one go, or nothing.
import { ImportResult, type ImportIssue, type ImportKind } from '@aftercare/contracts'
import { InboxOutlined } from '@ant-design/icons'
import { useMutation } from '@tanstack/react-query'
import { Alert, App, Button, Modal, Result, Segmented, Space, Steps, Table, Tag, Typography, Upload } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { i18n } from '../../shared/i18n/index.ts'
import { fileToBase64 } from './customers.api.ts'

export interface ImportTarget {
  kind: ImportKind
  /** POST endpoint taking `{fileName, contentBase64, commit}`. */
  endpoint: string
  /** GET of the empty template (add `format=csv|xlsx`). */
  template: string
}

function IssueText({ issue }: { issue: ImportIssue }) {
  const { t } = useTranslation()
  const key = `importWizard.issues.${issue.code}`
  return <>{i18n.exists(key) ? t(key, { message: issue.message }) : issue.message}</>
}

export function ImportWizard({ targets, onClose, onImported }: { targets: ImportTarget[]; onClose: () => void; onImported: () => void }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const [target, setTarget] = useState<ImportTarget>(targets[0]!)
  const [file, setFile] = useState<File | null>(null)
  const [result, setResult] = useState<ImportResult | null>(null)

  const run = useMutation({
    mutationFn: async (commit: boolean) =>
      api(target.endpoint, ImportResult, {
        method: 'POST',
        body: { fileName: file!.name, contentBase64: await fileToBase64(file!), commit },
      }),
    onSuccess: (r) => {
      setResult(r)
      if (r.committed) onImported()
    },
    onError: (e) => message.error(errorMessage(t, e)),
  })

  const step = !result ? 0 : result.committed ? 2 : 1
  const reset = () => {
    setFile(null)
    setResult(null)
  }

  return (
    <Modal open title={t('importWizard.title')} onCancel={onClose} width={960} footer={null} destroyOnHidden>
      <Steps
        size="small"
        current={step}
        style={{ marginBottom: 24 }}
        items={[{ title: t('importWizard.stepFile') }, { title: t('importWizard.stepPreview') }, { title: t('importWizard.stepDone') }]}
      />
      {step === 0 && (
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          {targets.length > 1 && (
            <Segmented
              value={target.kind}
              onChange={(k) => setTarget(targets.find((x) => x.kind === k)!)}
              options={targets.map((x) => ({ value: x.kind, label: t(`importWizard.kinds.${x.kind}`) }))}
            />
          )}
          <Typography.Text type="secondary">
            {t('importWizard.templateHint')} <a href={`${target.template}${target.template.includes('?') ? '&' : '?'}format=xlsx`}>Excel</a>{' '}
            · <a href={`${target.template}${target.template.includes('?') ? '&' : '?'}format=csv`}>CSV</a>
          </Typography.Text>
          <Upload.Dragger
            accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            maxCount={1}
            beforeUpload={(f) => {
              setFile(f)
              return false
            }}
            onRemove={() => setFile(null)}
            fileList={file ? [{ uid: '1', name: file.name, status: 'done' }] : []}
            data-testid="import-file"
          >
            <p className="ant-upload-drag-icon">
              <InboxOutlined />
            </p>
            <p className="ant-upload-text">{t('importWizard.drop')}</p>
            <p className="ant-upload-hint">{t('importWizard.dropHint')}</p>
          </Upload.Dragger>
          <div style={{ textAlign: 'right' }}>
            <Button type="primary" disabled={!file} loading={run.isPending} onClick={() => run.mutate(false)} data-testid="import-preview">
              {t('importWizard.preview')}
            </Button>
          </div>
        </Space>
      )}
      {step === 1 && result && (
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          {result.errors.length ? (
            <Alert
              type="error"
              showIcon
              title={t('importWizard.hasErrors', { errors: result.errors.length, total: result.totalRows })}
              description={t('importWizard.nothingImported')}
              data-testid="import-errors-alert"
            />
          ) : (
            <Alert
              type="success"
              showIcon
              title={t('importWizard.ready', { total: result.totalRows, created: result.created, updated: result.updated })}
            />
          )}
          {result.errors.length > 0 && (
            <Table<ImportIssue>
              size="small"
              rowKey={(e) => `${e.row}:${e.field}:${e.code}`}
              dataSource={result.errors}
              pagination={{ pageSize: 10, hideOnSinglePage: true }}
              data-testid="import-errors"
              columns={[
                { title: t('importWizard.row'), dataIndex: 'row', width: 80 },
                { title: t('importWizard.column'), dataIndex: 'column', width: 140, render: (c: string) => <Tag color="red">{c}</Tag> },
                { title: t('importWizard.reason'), key: 'reason', render: (_: unknown, e) => <IssueText issue={e} /> },
              ]}
            />
          )}
          <Typography.Title level={5}>{t('importWizard.firstRows', { count: result.preview.length })}</Typography.Title>
          <Table
            size="small"
            rowKey="row"
            scroll={{ x: true }}
            pagination={false}
            dataSource={result.preview.map((p) => ({ row: p.row, ...p.values }))}
            rowClassName={(r) => (result.errors.some((e) => e.row === r.row) ? 'ant-table-row-selected' : '')}
            columns={[
              { title: t('importWizard.row'), dataIndex: 'row', width: 60, fixed: 'left' as const },
              ...result.columns.map((c) => ({ title: c.header, dataIndex: c.key, ellipsis: true })),
            ]}
          />
          <Space style={{ width: '100%', justifyContent: 'flex-end' }}>
            <Button onClick={reset}>{t('importWizard.otherFile')}</Button>
            <Button
              type="primary"
              disabled={result.errors.length > 0 || result.totalRows === 0}
              loading={run.isPending}
              onClick={() => run.mutate(true)}
              data-testid="import-commit"
            >
              {t('importWizard.commit', { count: result.totalRows })}
            </Button>
          </Space>
        </Space>
      )}
      {step === 2 && result && (
        <Result
          status="success"
          title={t('importWizard.done', { created: result.created, updated: result.updated })}
          extra={[
            <Button key="again" onClick={reset}>
              {t('importWizard.another')}
            </Button>,
            <Button key="close" type="primary" onClick={onClose}>
              {t('common.confirm')}
            </Button>,
          ]}
        />
      )}
    </Modal>
  )
}
