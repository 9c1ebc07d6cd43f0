// The customer portal: a plain top bar and a centred page; for customer contacts.
import { CustomerServiceOutlined } from '@ant-design/icons'
import { Layout, Typography } from 'antd'
import { Suspense } from 'react'
import { useTranslation } from 'react-i18next'
import { Link, Outlet } from 'react-router'
import { useCurrentUser } from '../shared/auth/session.ts'
import { useLiveMe } from '../shared/realtime/useRealtime.ts'
import { NotificationBell } from '../features/notifications/NotificationBell.tsx'
import { LanguageSwitch } from '../shared/ui/LanguageSwitch.tsx'
import { UserMenu } from '../shared/ui/UserMenu.tsx'
import { FullPageSpin } from './guards.tsx'

export function PortalLayout() {
  const { t } = useTranslation()
  const me = useCurrentUser()
  useLiveMe(me.id)
  return (
    <Layout style={{ minHeight: '100vh', background: '#f5f7fa' }}>
      <Layout.Header
        style={{
          background: '#fff',
          padding: '0 24px',
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'space-between',
          borderBottom: '1px solid #eef0f3',
        }}
      >
        <Link to="/portal" style={{ display: 'flex', alignItems: 'center', gap: 8, color: 'inherit' }}>
          <CustomerServiceOutlined style={{ fontSize: 22, color: '#1668dc' }} />
          <Typography.Text strong style={{ fontSize: 16 }}>
            {t('portal.title', { tenant: me.tenantName })}
          </Typography.Text>
        </Link>
        <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
          <NotificationBell />
          <LanguageSwitch />
          <UserMenu shell="portal" profilePath="/portal/profile" />
        </div>
      </Layout.Header>
      <Layout.Content style={{ padding: '24px 16px', maxWidth: 1080, width: '100%', margin: '0 auto' }}>
        <Suspense fallback={<FullPageSpin />}>
          <Outlet />
        </Suspense>
      </Layout.Content>
    </Layout>
  )
}
