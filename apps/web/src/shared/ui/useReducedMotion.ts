// Whether the user asked their system for less motion (prefers-reduced-motion): the app then turns
// antd's animations off (drawers, dropdowns and messages appear without sliding or fading).
import { useSyncExternalStore } from 'react'

const QUERY = '(prefers-reduced-motion: reduce)'
const supported = () => typeof window !== 'undefined' && typeof window.matchMedia === 'function'

function subscribe(onChange: () => void) {
  if (!supported()) return () => undefined
  const media = window.matchMedia(QUERY)
  media.addEventListener('change', onChange)
  return () => media.removeEventListener('change', onChange)
}

export function useReducedMotion(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => supported() && window.matchMedia(QUERY).matches,
    () => false,
  )
}
