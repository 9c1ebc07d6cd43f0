// Who is signed in: the `GET /api/auth/me` answer in the query cache, plus login/logout.
import { LoginResult, Me, Ok, type LoginBody, type Locale, type Permission, type Role } from '@aftercare/contracts'
import { useMutation, useQuery, useQueryClient, type QueryClient } from '@tanstack/react-query'
import { ApiRequestError, api, setCsrfToken } from '../api/client.ts'
import { setLocale } from '../i18n/index.ts'

export const meKey = ['auth', 'me'] as const

async function fetchMe(): Promise<Me | null> {
  try {
    const me = await api('/api/auth/me', Me)
    setCsrfToken(me.csrfToken)
    // The user's saved language wins over this browser's last choice.
    await setLocale(me.locale)
    return me
  } catch (e) {
    if (e instanceof ApiRequestError && e.status === 401) {
      setCsrfToken(undefined)
      return null
    }
    throw e
  }
}

/** The signed-in user, `null` when signed out, `undefined` while loading. */
export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: 5 * 60_000, retry: false })
}

/** The signed-in user inside a shell (the shells render only when signed in). */
export function useCurrentUser(): Me {
  const { data } = useMe()
  if (!data) throw new Error('useCurrentUser outside a signed-in shell')
  return data
}

/** Stores a fresh `me` and applies the user's language. */
export async function signedIn(client: QueryClient, me: Me) {
  if (me.csrfToken) setCsrfToken(me.csrfToken)
  client.setQueryData(meKey, me)
  await setLocale(me.locale)
}

export function useLogin() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (body: LoginBody) => api('/api/auth/login', LoginResult, { method: 'POST', body }),
    onSuccess: async (r) => {
      setCsrfToken(r.csrfToken)
      await signedIn(client, { ...r.user, csrfToken: r.csrfToken })
    },
  })
}

export function useLogout() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: async () => {
      try {
        await api('/api/auth/logout', Ok, { method: 'POST' })
      } catch (e) {
        // Already signed out (expired session): the result is the same.
        if (!(e instanceof ApiRequestError && e.status === 401)) throw e
      }
    },
    onSuccess: () => {
      setCsrfToken(undefined)
      client.clear()
      client.setQueryData(meKey, null)
    },
  })
}

/** Saves the language on the user's profile and switches the UI to it. */
export function useChangeLocale() {
  const client = useQueryClient()
  return useMutation({
    mutationFn: (locale: Locale) => api('/api/auth/me', Me, { method: 'PATCH', body: { locale } }),
    onSuccess: async (me) => {
      const previous = client.getQueryData<Me | null>(meKey)
      await signedIn(client, { ...me, csrfToken: me.csrfToken ?? previous?.csrfToken })
    },
  })
}

export type Shell = 'staff' | 'portal' | 'field'

const nonStaffRoles: readonly Role[] = ['engineer', 'customer_contact']

/** Whether a user may use a shell: staff roles → staff app; field.use → /m; portal.use → /portal. */
export function mayUse(me: Me, shell: Shell): boolean {
  switch (shell) {
    case 'staff':
      return me.roles.some((r) => !nonStaffRoles.includes(r))
    case 'field':
      return me.permissions.includes('field.use')
    case 'portal':
      return me.permissions.includes('portal.use')
  }
}

/** The shell a user lands in after sign-in. */
export function shellOf(me: Me): Shell {
  if (mayUse(me, 'staff')) return 'staff'
  if (mayUse(me, 'field')) return 'field'
  return 'portal'
}

export const shellHome: Record<Shell, string> = { staff: '/', portal: '/portal', field: '/m' }
export const shellLogin: Record<Shell, string> = { staff: '/login', portal: '/portal/login', field: '/m/login' }

export function can(me: Me, permission: Permission): boolean {
  return me.permissions.includes(permission)
}
