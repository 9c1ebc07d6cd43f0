// Providers around the router: query cache, antd theme (no animations for users who asked their system
// for reduced motion) and locale (following i18next).
import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { App as AntApp, ConfigProvider } from 'antd'
import enUS from 'antd/locale/en_US'
import zhCN from 'antd/locale/zh_CN'
import { useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { RouterProvider } from 'react-router'
import { ApiRequestError, onSessionLost } from '../shared/api/client.ts'
import { meKey } from '../shared/auth/session.ts'
import { useReducedMotion } from '../shared/ui/useReducedMotion.ts'
import { router } from './router.tsx'

function makeQueryClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 30_000,
        refetchOnWindowFocus: false,
        // Client errors will not fix themselves by retrying.
        retry: (count, e) => !(e instanceof ApiRequestError && e.status >= 400 && e.status < 500) && count < 2,
      },
    },
  })
}

export function App() {
  const [client] = useState(makeQueryClient)
  const { i18n } = useTranslation()
  const reducedMotion = useReducedMotion()
  useEffect(() => {
    onSessionLost(() => {
      client.clear()
      client.setQueryData(meKey, null)
    })
  }, [client])
  return (
    <QueryClientProvider client={client}>
      <ConfigProvider
        locale={i18n.language === 'en-US' ? enUS : zhCN}
        theme={{ token: { colorPrimary: '#1668dc', borderRadius: 6, motion: !reducedMotion } }}
      >
        <AntApp>
          <RouterProvider router={router} />
        </AntApp>
      </ConfigProvider>
    </QueryClientProvider>
  )
}
