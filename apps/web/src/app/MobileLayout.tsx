// The engineer's phone app: a compact title bar, the page, and a bottom tab bar with
// large touch targets (at least 56 px high).
import { ScheduleOutlined, UserOutlined } from '@ant-design/icons'
import { ConfigProvider } from 'antd'
import { Suspense, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Outlet, useLocation, useNavigate } from 'react-router'
import { useCurrentUser } from '../shared/auth/session.ts'
import { useLiveMe } from '../shared/realtime/useRealtime.ts'
import { LanguageSwitch } from '../shared/ui/LanguageSwitch.tsx'
import { FullPageSpin } from './guards.tsx'

function Tab({ to, icon, label, active }: { to: string; icon: ReactNode; label: string; active: boolean }) {
  const navigate = useNavigate()
  return (
    <button
      type="button"
      onClick={() => void navigate(to)}
      data-testid={`tab-${to}`}
      aria-current={active ? 'page' : undefined}
      style={{
        flex: 1,
        minHeight: 56,
        border: 0,
        background: 'transparent',
        display: 'flex',
        flexDirection: 'column',
        alignItems: 'center',
        justifyContent: 'center',
        gap: 2,
        fontSize: 13,
        color: active ? '#1668dc' : '#666',
        cursor: 'pointer',
      }}
    >
      <span style={{ fontSize: 22 }}>{icon}</span>
      {label}
    </button>
  )
}

export function MobileLayout() {
  const { t } = useTranslation()
  const { pathname } = useLocation()
  const onProfile = pathname.startsWith('/m/profile')
  useLiveMe(useCurrentUser().id)
  return (
    <div style={{ minHeight: '100dvh', display: 'flex', flexDirection: 'column', background: '#f5f6f8', maxWidth: 640, margin: '0 auto' }}>
      <header
        style={{
          position: 'sticky',
          top: 0,
          zIndex: 10,
          height: 52,
          display: 'flex',
          alignItems: 'center',
          justifyContent: 'space-between',
          padding: '0 12px 0 16px',
          background: '#1668dc',
          color: '#fff',
        }}
      >
        <strong style={{ fontSize: 17 }}>{onProfile ? t('nav.profile') : t('field.title')}</strong>
        <LanguageSwitch light />
      </header>
      <main style={{ flex: 1, padding: 12, paddingBottom: 76 }}>
        <ConfigProvider componentSize="large">
          <Suspense fallback={<FullPageSpin />}>
            <Outlet />
          </Suspense>
        </ConfigProvider>
      </main>
      <nav
        style={{
          position: 'fixed',
          bottom: 0,
          left: 0,
          right: 0,
          maxWidth: 640,
          margin: '0 auto',
          display: 'flex',
          background: '#fff',
          borderTop: '1px solid #e5e6eb',
          paddingBottom: 'env(safe-area-inset-bottom)',
        }}
      >
        <Tab to="/m" icon={<ScheduleOutlined />} label={t('field.tabJobs')} active={!onProfile} />
        <Tab to="/m/profile" icon={<UserOutlined />} label={t('field.tabMe')} active={onProfile} />
      </nav>
    </div>
  )
}
