// Route gates: signed in, the right kind of user for this shell, the permission a page needs.
import type { Permission } from '@aftercare/contracts'
import { Button, Result, Spin } from 'antd'
import type { ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Navigate, Outlet, useLocation } from 'react-router'
import { errorMessage } from '../shared/api/errors.ts'
import { can, mayUse, shellHome, shellLogin, shellOf, useCurrentUser, useMe, type Shell } from '../shared/auth/session.ts'

export function FullPageSpin() {
  return (
    <div style={{ minHeight: '60vh', display: 'grid', placeItems: 'center' }}>
      <Spin size="large" />
    </div>
  )
}

/** Renders the shell only for a signed-in user of its kind; others go to their login or shell. */
export function ShellGate({ shell }: { shell: Shell }) {
  const { t } = useTranslation()
  const me = useMe()
  const location = useLocation()
  if (me.isPending) return <FullPageSpin />
  if (me.isError)
    return (
      <Result
        status="error"
        title={errorMessage(t, me.error)}
        extra={
          <Button type="primary" onClick={() => void me.refetch()}>
            {t('common.retry')}
          </Button>
        }
      />
    )
  if (!me.data) return <Navigate to={shellLogin[shell]} replace state={{ from: location.pathname + location.search }} />
  if (!mayUse(me.data, shell)) return <Navigate to={shellHome[shellOf(me.data)]} replace />
  return <Outlet />
}

/** A login page shows only to signed-out visitors. */
export function SignedOutOnly({ children }: { children: ReactNode }) {
  const me = useMe()
  if (me.isPending) return <FullPageSpin />
  if (me.data) return <Navigate to={shellHome[shellOf(me.data)]} replace />
  return children
}

export function RequirePermission({ permission }: { permission: Permission }) {
  const { t } = useTranslation()
  const me = useCurrentUser()
  if (!can(me, permission)) return <Result status="403" title={t('errors.forbiddenPage')} subTitle={t('errors.forbiddenPageHint')} />
  return <Outlet />
}
