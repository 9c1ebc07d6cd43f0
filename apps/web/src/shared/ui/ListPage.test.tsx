// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, renderHook, screen } from '@testing-library/react'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import '../i18n/index.ts'
import { stubBrowserApis } from '../testing/jsdom.ts'
import { ListActions, ListPage, useListFilters } from './ListPage.tsx'

// antd's inline form asks for the screen's breakpoints.
beforeEach(stubBrowserApis)
afterEach(() => {
  cleanup()
  vi.unstubAllGlobals()
})

describe('useListFilters', () => {
  it('pages through the rows and goes back to the first page when a filter changes', () => {
    const { result } = renderHook(() => useListFilters<{ q: string; tier: string }>(20))
    act(() => result.current.pagination(95, String).onChange?.(3, 20))
    expect(result.current.page).toBe(3)
    expect(result.current.range).toEqual({ limit: 20, offset: 40 })
    expect(result.current.pagination(95, String)).toMatchObject({ current: 3, pageSize: 20, total: 95, showSizeChanger: false })

    act(() => result.current.filter({ tier: 'vip' }))
    act(() => result.current.filter({ q: 'acme' }))
    expect(result.current.filters).toEqual({ tier: 'vip', q: 'acme' })
    expect(result.current.page).toBe(1)
    expect(result.current.range).toEqual({ limit: 20, offset: 0 })

    act(() => result.current.filter({ tier: undefined }))
    expect(result.current.filters).toEqual({ tier: undefined, q: 'acme' })
  })
})

describe('ListPage', () => {
  it('searches for the trimmed text, and for everything when the box is emptied', () => {
    const onSearch = vi.fn()
    render(
      <ListPage title="客户" listTitle="客户列表" search={{ placeholder: '搜索', width: 300, testId: 'search', onSearch }}>
        <p>table</p>
      </ListPage>,
    )
    expect(screen.getByRole('heading', { name: '客户' })).toBeTruthy()
    const box = screen.getByPlaceholderText('搜索')
    const search = (text: string) => {
      fireEvent.change(box, { target: { value: text } })
      fireEvent.keyDown(box, { key: 'Enter', code: 'Enter', keyCode: 13 })
      fireEvent.keyUp(box, { key: 'Enter', code: 'Enter', keyCode: 13 })
    }
    search('  华东  ')
    expect(onSearch).toHaveBeenLastCalledWith('华东')
    search('   ')
    expect(onSearch).toHaveBeenLastCalledWith(undefined)
  })
})

describe('ListActions', () => {
  it('shows only the buttons the user may use; create and import open what they render until it closes', () => {
    const { rerender } = render(
      <ListActions
        importing={false}
        exporting={false}
        creating={{ label: '新建', testId: 'create', opens: (close) => <button onClick={close}>drawer</button> }}
      >
        <button>print</button>
      </ListActions>,
    )
    expect(screen.getByText('print')).toBeTruthy()
    expect(screen.queryByText('导入')).toBeNull()
    expect(screen.queryByText('drawer')).toBeNull()
    fireEvent.click(screen.getByTestId('create'))
    fireEvent.click(screen.getByText('drawer'))
    expect(screen.queryByText('drawer')).toBeNull()

    rerender(
      <ListActions
        importing={{ testId: 'import', opens: (close) => <button onClick={close}>wizard</button> }}
        exporting={{ label: '导出', links: [{ key: 'csv', href: '/api/x/export?format=csv', label: 'CSV' }] }}
        creating={false}
      />,
    )
    expect(screen.queryByTestId('create')).toBeNull()
    expect(screen.getByText('导出')).toBeTruthy()
    fireEvent.click(screen.getByTestId('import'))
    expect(screen.getByText('wizard')).toBeTruthy()
  })
})
