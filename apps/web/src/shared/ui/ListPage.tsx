// The frame the staff list pages share (customers, devices, users): the title, a card of filters
// led by a search box, and the list's card with its buttons; the filter state and paging that go
// with it; the "load more" of a cursor-paged list and an export menu of download links.
import { DownloadOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons'
import { Button, Card, Dropdown, Form, Input, Select, Space, Typography, type TablePaginationConfig } from 'antd'
import { useQueryClient } from '@tanstack/react-query'
import type { TFunction } from 'i18next'
import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import { errorMessage } from '../api/errors.ts'

export interface ListPageProps {
  title: string
  /** The search box that leads the filters; `onSearch` gets the trimmed text, undefined when empty. */
  search: { placeholder: string; width: number; testId: string; onSearch: (q: string | undefined) => void }
  /** More filters after the search box (`FilterSelect`s, `Form.Item`s). */
  filters?: ReactNode
  listTitle: string
  /** The buttons in the list card's corner. */
  actions?: ReactNode
  /** The table (and what goes under it). */
  children: ReactNode
  /** The drawers and dialogs the page opens. */
  overlays?: ReactNode
}

export function ListPage({ title, search, filters, listTitle, actions, children, overlays }: ListPageProps) {
  return (
    <div>
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {title}
      </Typography.Title>
      <Card style={{ marginBottom: 16 }} styles={{ body: { paddingBottom: 8 } }}>
        <Form layout="inline" style={{ rowGap: 8 }}>
          <Form.Item>
            <Input.Search
              allowClear
              placeholder={search.placeholder}
              style={{ width: search.width }}
              onSearch={(q) => search.onSearch(q.trim() || undefined)}
              data-testid={search.testId}
            />
          </Form.Item>
          {filters}
        </Form>
      </Card>
      <Card title={listTitle} extra={actions}>
        {children}
      </Card>
      {overlays}
    </div>
  )
}

/** A list's filters and page (see `useListFilters`). */
export interface ListFilters<F extends object> {
  filters: Partial<F>
  page: number
  pageSize: number
  /** The rows of this page, as the list endpoints take them. */
  range: { limit: number; offset: number }
  /** Changes these filters and goes back to the first page. */
  filter: (f: Partial<F>) => void
  /** The table's pager for a list of `total` rows. */
  pagination: (total: number, showTotal: (n: number) => string) => TablePaginationConfig
}

/** A list's filters and page: changing a filter goes back to the first page. */
export function useListFilters<F extends object>(pageSize = 20): ListFilters<F> {
  const [filters, setFilters] = useState<Partial<F>>({})
  const [page, setPage] = useState(1)
  return {
    filters,
    page,
    pageSize,
    range: { limit: pageSize, offset: (page - 1) * pageSize },
    filter: (f) => {
      setFilters((old) => ({ ...old, ...f }))
      setPage(1)
    },
    pagination: (total, showTotal) => ({ current: page, pageSize, total, onChange: setPage, showSizeChanger: false, showTotal }),
  }
}

/** A labelled choice of one filter of the list, cleared back to "all". */
export function FilterSelect<F extends object, K extends keyof F & string>(props: {
  of: ListFilters<F>
  name: K
  label: string
  width: number
  options: { value: NonNullable<F[K]>; label: string }[]
  /** Type to narrow the options by their label. */
  searchable?: boolean
}) {
  const { of, name } = props
  const { t } = useTranslation()
  return (
    <Form.Item label={props.label}>
      <Select
        allowClear
        style={{ width: props.width }}
        placeholder={t('common.all')}
        value={of.filters[name]}
        showSearch={props.searchable ? { optionFilterProp: 'label' } : undefined}
        onChange={(v?: F[K]) => of.filter({ [name]: v } as Partial<F>)}
        options={props.options}
      />
    </Form.Item>
  )
}

/** What follows a write on a list page: refetch the list; after a create, open the new row's page (`<base>/<id>`). */
export function useListWrites(queryKey: readonly unknown[], base: string) {
  const client = useQueryClient()
  const navigate = useNavigate()
  const refresh = () => void client.invalidateQueries({ queryKey })
  return {
    refresh,
    openCreated: (row: { id: string }) => {
      refresh()
      void navigate(`${base}/${row.id}`)
    },
  }
}

/** What an empty table says: the error of its query, or that there is nothing. */
export function emptyText(t: TFunction, list: { isError: boolean; error: unknown }, none: string): string {
  return list.isError ? errorMessage(t, list.error) : none
}

/** The button under a cursor-paged table that fetches its next page, while there is one. */
export function LoadMore({ list }: { list: { hasNextPage: boolean; isFetchingNextPage: boolean; fetchNextPage: () => Promise<unknown> } }) {
  const { t } = useTranslation()
  if (!list.hasNextPage) return null
  return (
    <div style={{ textAlign: 'center', marginTop: 16 }}>
      <Button onClick={() => void list.fetchNextPage()} loading={list.isFetchingNextPage}>
        {t('common.loadMore')}
      </Button>
    </div>
  )
}

/** A file to export: a plain link, the browser downloads it. */
export interface ExportLink {
  key: string
  href: string
  label: string
}

/** What a button of `ListActions` opens (a drawer, the import wizard), given how to close it. */
type Opens = (close: () => void) => ReactNode

/**
 * A list card's buttons: `children` first, then import, export (a menu of download links) and
 * create, each left out when it is false (the user may not); import and create open what they render.
 */
export function ListActions(props: {
  children?: ReactNode
  importing: { testId?: string; opens: Opens } | false
  exporting: { label: string; links: ExportLink[] } | false
  creating: { label: string; testId: string; opens: Opens } | false
}) {
  const { importing, exporting, creating } = props
  const { t } = useTranslation()
  const [open, setOpen] = useState<'import' | 'create' | null>(null)
  const close = () => setOpen(null)
  return (
    <>
      <Space>
        {props.children}
        {importing && (
          <Button icon={<UploadOutlined />} onClick={() => setOpen('import')} data-testid={importing.testId}>
            {t('importWizard.open')}
          </Button>
        )}
        {exporting && (
          <Dropdown menu={{ items: exporting.links.map((l) => ({ key: l.key, label: <a href={l.href}>{l.label}</a> })) }}>
            <Button icon={<DownloadOutlined />}>{exporting.label}</Button>
          </Dropdown>
        )}
        {creating && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setOpen('create')} data-testid={creating.testId}>
            {creating.label}
          </Button>
        )}
      </Space>
      {open === 'import' && importing && importing.opens(close)}
      {open === 'create' && creating && creating.opens(close)}
    </>
  )
}
