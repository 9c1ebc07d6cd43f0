// Component tests (jsdom): the browser APIs jsdom lacks that antd uses to measure and watch the
// viewport. Call in beforeEach; `vi.unstubAllGlobals()` in afterEach takes them away again.
import { vi } from 'vitest'

export function stubBrowserApis() {
  vi.stubGlobal(
    'ResizeObserver',
    class {
      observe() {}
      unobserve() {}
      disconnect() {}
    },
  )
  vi.stubGlobal('matchMedia', (query: string) => ({
    matches: false,
    media: query,
    onchange: null,
    addEventListener() {},
    removeEventListener() {},
    addListener() {},
    removeListener() {},
    dispatchEvent: () => false,
  }))
}
