// @vitest-environment jsdom
import { act, renderHook } from '@testing-library/react'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { useReducedMotion } from './useReducedMotion.ts'

/** A system setting the test flips, as the user would in their accessibility settings. */
function systemSetting(reduce: boolean) {
  const listeners = new Set<() => void>()
  const setting = { reduce }
  vi.stubGlobal('matchMedia', (query: string) => ({
    get matches() {
      return query === '(prefers-reduced-motion: reduce)' && setting.reduce
    },
    media: query,
    addEventListener: (_: string, l: () => void) => listeners.add(l),
    removeEventListener: (_: string, l: () => void) => listeners.delete(l),
  }))
  return {
    set(value: boolean) {
      setting.reduce = value
      for (const l of listeners) l()
    },
  }
}

afterEach(() => {
  vi.unstubAllGlobals()
})

describe('useReducedMotion', () => {
  it('follows the system’s reduced-motion setting, also when it changes while the app is open', () => {
    const setting = systemSetting(false)
    const { result } = renderHook(() => useReducedMotion())
    expect(result.current).toBe(false)
    act(() => setting.set(true))
    expect(result.current).toBe(true)
    act(() => setting.set(false))
    expect(result.current).toBe(false)
  })

  it('is on from the start for a user who asked for less motion', () => {
    systemSetting(true)
    expect(renderHook(() => useReducedMotion()).result.current).toBe(true)
  })
})
