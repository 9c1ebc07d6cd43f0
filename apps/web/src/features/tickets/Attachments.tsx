// A ticket's files: listed (images previewed, others downloaded through the permission-checked
// link), uploaded as multipart to the ticket (public, or internal for staff), and picked before a
// ticket exists so they can follow it right after it is created.
import { ApiError, TicketAttachmentList, type MessageVisibility, type TicketAttachment } from '@aftercare/contracts'
import { PaperClipOutlined, UploadOutlined } from '@ant-design/icons'
import { useQuery, useQueryClient } from '@tanstack/react-query'
import { App, Button, Empty, Image, List, Segmented, Space, Tag, Typography, Upload, type UploadFile } from 'antd'
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { ApiRequestError, api } from '../../shared/api/client.ts'
import { errorMessage } from '../../shared/api/errors.ts'
import { useCurrentUser } from '../../shared/auth/session.ts'
import { dateTime } from '../../shared/format.ts'
import { ticketKeys, ticketPath, useTicketSettings } from './tickets.api.ts'

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`
}

/** "Up to N MB per file", from the tenant's ticket settings. */
export function useAttachmentLimitText() {
  const { t } = useTranslation()
  const settings = useTicketSettings()
  const bytes = settings.data?.data.maxAttachmentBytes
  return bytes ? t('attachments.limits', { mb: Math.round(bytes / 1024 / 1024) }) : undefined
}

export const attachmentsKey = (ticketId: string) => [...ticketKeys.detail(ticketId), 'attachments'] as const

export function useTicketAttachments(ticketId: string) {
  return useQuery({ queryKey: attachmentsKey(ticketId), queryFn: () => api(`${ticketPath(ticketId)}/attachments`, TicketAttachmentList) })
}

/** Sends files to a ticket (multipart; the JSON client does not do forms). */
export async function uploadAttachments(
  ticketId: string,
  files: readonly File[],
  visibility: MessageVisibility,
  csrfToken: string | undefined,
) {
  const form = new FormData()
  form.append('visibility', visibility)
  for (const f of files) form.append('file', f, f.name)
  let res: Response
  try {
    res = await fetch(`${ticketPath(ticketId)}/attachments`, {
      method: 'POST',
      body: form,
      credentials: 'include',
      headers: { accept: 'application/json', ...(csrfToken ? { 'x-csrf-token': csrfToken } : {}) },
    })
  } catch (e) {
    throw new ApiRequestError(0, { code: 'network', message: e instanceof Error ? e.message : 'network error' })
  }
  const body: unknown = await res.json().catch(() => undefined)
  if (!res.ok) {
    const parsed = ApiError.safeParse(body)
    throw new ApiRequestError(res.status, parsed.success ? parsed.data : { code: `http_${res.status}`, message: res.statusText })
  }
  return TicketAttachmentList.parse(body).items
}

/** Images as thumbnails (click to preview), other files as download links. */
export function AttachmentLinks({ items }: { items: readonly TicketAttachment[] }) {
  if (!items.length) return null
  const images = items.filter((a) => a.contentType.startsWith('image/'))
  const files = items.filter((a) => !a.contentType.startsWith('image/'))
  return (
    <div style={{ marginTop: 8 }}>
      {images.length > 0 && (
        <Image.PreviewGroup>
          <Space wrap>
            {images.map((a) => (
              <Image
                key={a.id}
                src={a.downloadUrl}
                alt={a.fileName}
                width={96}
                height={72}
                style={{ objectFit: 'cover', borderRadius: 4 }}
              />
            ))}
          </Space>
        </Image.PreviewGroup>
      )}
      {files.map((a) => (
        <div key={a.id}>
          <a href={`${a.downloadUrl}?download=1`} download={a.fileName}>
            <PaperClipOutlined /> {a.fileName}
          </a>{' '}
          <Typography.Text type="secondary">{fileSize(a.size)}</Typography.Text>
        </div>
      ))}
    </div>
  )
}

/** Files picked before a ticket exists (form control: `File[]`). */
export function PendingFiles({ value = [], onChange, id }: { value?: File[]; onChange?: (files: File[]) => void; id?: string }) {
  const { t } = useTranslation()
  const list: UploadFile[] = value.map((f, i) => ({ uid: `${i}-${f.name}`, name: f.name, size: f.size, status: 'done' }))
  return (
    <Upload
      multiple
      fileList={list}
      beforeUpload={(file) => {
        onChange?.([...value, file])
        return false
      }}
      onRemove={(file) => onChange?.(value.filter((_f, i) => `${i}-${_f.name}` !== file.uid))}
    >
      <Button icon={<UploadOutlined />} id={id} data-testid="pending-files">
        {t('attachments.pick')}
      </Button>
    </Upload>
  )
}

export function AttachmentsPanel({ ticketId, staff, canUpload }: { ticketId: string; staff: boolean; canUpload: boolean }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const me = useCurrentUser()
  const client = useQueryClient()
  const attachments = useTicketAttachments(ticketId)
  const [visibility, setVisibility] = useState<MessageVisibility>('public')
  const [busy, setBusy] = useState(false)
  const items = attachments.data?.items ?? []
  const limits = useAttachmentLimitText()

  const send = async (files: File[]) => {
    setBusy(true)
    try {
      const added = await uploadAttachments(ticketId, files, visibility, me.csrfToken)
      message.success(t('attachments.uploaded', { count: added.length }))
      await client.invalidateQueries({ queryKey: ticketKeys.detail(ticketId) })
    } catch (e) {
      message.error(errorMessage(t, e))
    } finally {
      setBusy(false)
    }
  }

  return (
    <div>
      {canUpload && (
        <Space wrap style={{ marginBottom: 12 }}>
          {staff && (
            <Segmented<MessageVisibility>
              value={visibility}
              onChange={setVisibility}
              options={[
                { value: 'public', label: t('attachments.public') },
                { value: 'internal', label: t('attachments.internal') },
              ]}
            />
          )}
          <Upload
            multiple
            showUploadList={false}
            // every file of one pick goes in one request
            beforeUpload={(file, all) => {
              if (file === all[all.length - 1]) void send(all)
              return false
            }}
          >
            <Button icon={<UploadOutlined />} loading={busy} data-testid="attachments-upload">
              {t('attachments.upload')}
            </Button>
          </Upload>
          <Typography.Text type="secondary">{limits}</Typography.Text>
        </Space>
      )}
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={attachments.isPending ? undefined : t('attachments.none')} />
      ) : (
        <List
          size="small"
          dataSource={items}
          renderItem={(a) => (
            <List.Item data-testid="attachment-row">
              <Space wrap>
                <a
                  href={a.contentType.startsWith('image/') ? a.downloadUrl : `${a.downloadUrl}?download=1`}
                  target="_blank"
                  rel="noreferrer"
                >
                  <PaperClipOutlined /> {a.fileName}
                </a>
                <Typography.Text type="secondary">
                  {fileSize(a.size)} · {dateTime(a.createdAt)}
                </Typography.Text>
                {staff && a.visibility === 'internal' && <Tag color="gold">{t('tickets.internalOnly')}</Tag>}
              </Space>
            </List.Item>
          )}
        />
      )}
      {items.some((a) => a.contentType.startsWith('image/')) && (
        <div style={{ marginTop: 12 }}>
          <AttachmentLinks items={items.filter((a) => a.contentType.startsWith('image/'))} />
        </div>
      )}
    </div>
  )
}
