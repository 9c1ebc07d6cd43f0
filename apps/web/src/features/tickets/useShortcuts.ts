// Single-key shortcuts for the agent's common actions. Keys typed into a field, or pressed with
// Ctrl/Alt/Meta, are left alone; a key opens at most one action.
import { useEffect, useRef } from 'react'

export type ShortcutMap = Record<string, () => void>

function isTyping(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false
  if (target.isContentEditable) return true
  const tag = target.tagName
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT'
}

/** Whether an open dialog or drawer has the keyboard (shortcuts of the page underneath pause). */
function dialogOpen(): boolean {
  return document.querySelector('.ant-modal-wrap:not([style*="display: none"]) .ant-modal, .ant-drawer-open') !== null
}

export function useShortcuts(map: ShortcutMap, enabled = true) {
  const latest = useRef(map)
  useEffect(() => {
    latest.current = map
  })
  useEffect(() => {
    if (!enabled) return
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey || e.altKey || e.metaKey || e.repeat || isTyping(e.target) || dialogOpen()) return
      const action = latest.current[e.key]
      if (!action) return
      e.preventDefault()
      action()
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [enabled])
}
