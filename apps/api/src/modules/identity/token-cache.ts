// API tokens looked up in the last seconds, by hash, in this process: an integration's next request
// skips the lookup (one round trip per API call). A change of a user's credentials forgets their
// entries at once in the process that made it (credentialsChanged) and in every server process that
// hears the announcement (the realtime hub calls Authenticator.forget); a process that hears
// nothing still sees the change within TOKEN_CACHE_MS, inside the 5 s that RELIABILITY C-SESS allows.
import type { TokenWithUser } from './identity.repository.ts'

export const TOKEN_CACHE_MS = 2_000
const MAX_ENTRIES = 10_000

export function createTokenCache(ttlMs = TOKEN_CACHE_MS) {
  const entries = new Map<string, { row: TokenWithUser; until: number }>()
  return {
    get(tokenHash: string): TokenWithUser | undefined {
      const e = entries.get(tokenHash)
      if (e && e.until > performance.now()) return e.row
      if (e) entries.delete(tokenHash)
      return undefined
    },
    set(tokenHash: string, row: TokenWithUser) {
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!)
      entries.set(tokenHash, { row, until: performance.now() + ttlMs })
    },
    forget(userId: string) {
      for (const [hash, e] of entries) if (e.row.user.id === userId) entries.delete(hash)
    },
  }
}

export type TokenCache = ReturnType<typeof createTokenCache>
