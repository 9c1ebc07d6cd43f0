// Comparing secrets (tokens, MACs) in time that does not depend on where they first differ.
import { timingSafeEqual } from 'node:crypto'

export function safeEqual(a: string | Buffer, b: string | Buffer): boolean {
  const ab = typeof a === 'string' ? Buffer.from(a) : a
  const bb = typeof b === 'string' ? Buffer.from(b) : b
  return ab.length === bb.length && timingSafeEqual(ab, bb)
}
