// The staff app: left navigation filtered by the user's permissions, header with the
// organisation, language and user menu.
import type { Permission } from '@aftercare/contracts'
import {
  AlertOutlined,
  ApiOutlined,
  AppstoreOutlined,
  AuditOutlined,
  BookOutlined,
  CarOutlined,
  ContactsOutlined,
  DashboardOutlined,
  FieldTimeOutlined,
  GlobalOutlined,
  InboxOutlined,
  LineChartOutlined,
  NotificationOutlined,
  ProfileOutlined,
  QrcodeOutlined,
  RollbackOutlined,
  ScheduleOutlined,
  SettingOutlined,
  ShoppingOutlined,
  TeamOutlined,
  ToolOutlined,
  TransactionOutlined,
  UserOutlined,
  WarningOutlined,
} from '@ant-design/icons'
import { Layout, Menu, Typography, type MenuProps } from 'antd'
import { Suspense, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Outlet, useLocation, useNavigate } from 'react-router'
import { can, useCurrentUser } from '../shared/auth/session.ts'
import { useLiveMe } from '../shared/realtime/useRealtime.ts'
import { NotificationBell } from '../features/notifications/NotificationBell.tsx'
import { LanguageSwitch } from '../shared/ui/LanguageSwitch.tsx'
import { UserMenu } from '../shared/ui/UserMenu.tsx'
import { FullPageSpin } from './guards.tsx'

interface NavItem {
  path: string
  label: string
  icon: ReactNode
  permission?: Permission
}

function useNav(): { main: NavItem[]; admin: NavItem[] } {
  const { t } = useTranslation()
  return {
    main: [
      { path: '/workbench', label: t('nav.workbench'), icon: <DashboardOutlined /> },
      { path: '/tickets', label: t('nav.tickets'), icon: <InboxOutlined />, permission: 'tickets.read' },
      { path: '/customers', label: t('nav.customers'), icon: <ContactsOutlined />, permission: 'customers.read' },
      { path: '/devices', label: t('nav.devices'), icon: <QrcodeOutlined />, permission: 'devices.read' },
      { path: '/products', label: t('nav.products'), icon: <ShoppingOutlined />, permission: 'devices.read' },
      { path: '/dispatch', label: t('nav.dispatch'), icon: <CarOutlined />, permission: 'dispatch.read' },
      { path: '/parts', label: t('nav.parts'), icon: <AppstoreOutlined />, permission: 'parts.read' },
      { path: '/rma', label: t('nav.rma'), icon: <RollbackOutlined />, permission: 'rma.read' },
      { path: '/knowledge', label: t('nav.knowledge'), icon: <BookOutlined />, permission: 'knowledge.read' },
      { path: '/reports', label: t('nav.reports'), icon: <LineChartOutlined />, permission: 'reports.read' },
      { path: '/complaints', label: t('complaints.nav'), icon: <WarningOutlined />, permission: 'tickets.read' },
      { path: '/sla/at-risk', label: t('sla.nav.atRisk'), icon: <FieldTimeOutlined />, permission: 'sla.manage' },
      { path: '/sla/compensations', label: t('sla.nav.compensations'), icon: <TransactionOutlined />, permission: 'sla.manage' },
    ],
    admin: [
      { path: '/admin/users', label: t('nav.users'), icon: <UserOutlined />, permission: 'users.read' },
      { path: '/admin/teams', label: t('nav.teams'), icon: <TeamOutlined />, permission: 'users.read' },
      { path: '/admin/audit', label: t('nav.auditLog'), icon: <AuditOutlined />, permission: 'audit.read' },
      { path: '/admin/dead-letters', label: t('nav.deadLetters'), icon: <AlertOutlined />, permission: 'tenant.manage' },
      { path: '/admin/tickets', label: t('nav.ticketConfig'), icon: <ProfileOutlined />, permission: 'tickets.configure' },
      { path: '/admin/sla', label: t('sla.nav.admin'), icon: <ScheduleOutlined />, permission: 'sla.manage' },
      { path: '/admin/web-form', label: t('webForm.title'), icon: <GlobalOutlined />, permission: 'tickets.configure' },
      {
        path: '/admin/notifications',
        label: t('notifications.admin.title'),
        icon: <NotificationOutlined />,
        permission: 'notifications.configure',
      },
      { path: '/admin/integrations', label: t('integrations.title'), icon: <ApiOutlined />, permission: 'webhooks.manage' },
    ],
  }
}

function selectedKey(pathname: string, items: NavItem[]): string {
  const match = items.filter((i) => (i.path === '/' ? pathname === '/' : pathname === i.path || pathname.startsWith(i.path + '/')))
  return match.sort((a, b) => b.path.length - a.path.length)[0]?.path ?? ''
}

export function StaffLayout() {
  const { t } = useTranslation()
  const me = useCurrentUser()
  useLiveMe(me.id)
  const navigate = useNavigate()
  const { pathname } = useLocation()
  const [collapsed, setCollapsed] = useState(false)
  const nav = useNav()
  const allowed = (i: NavItem) => !i.permission || can(me, i.permission)
  const main = nav.main.filter(allowed)
  const admin = nav.admin.filter(allowed)
  const toItem = (i: NavItem) => ({ key: i.path, icon: i.icon, label: <span data-testid={`nav-${i.path}`}>{i.label}</span> })
  const items: MenuProps['items'] = [
    ...main.map(toItem),
    ...(admin.length ? [{ key: 'admin', icon: <SettingOutlined />, label: t('nav.admin'), children: admin.map(toItem) }] : []),
  ]

  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Sider collapsible collapsed={collapsed} onCollapse={setCollapsed} breakpoint="lg" width={212} theme="dark">
        <div
          style={{
            height: 56,
            display: 'flex',
            alignItems: 'center',
            gap: 8,
            padding: '0 20px',
            color: '#fff',
            fontWeight: 600,
            fontSize: 16,
            whiteSpace: 'nowrap',
            overflow: 'hidden',
          }}
        >
          <ToolOutlined style={{ fontSize: 20 }} />
          {!collapsed && <span>{t('app.name')}</span>}
        </div>
        <Menu
          theme="dark"
          mode="inline"
          items={items}
          selectedKeys={[selectedKey(pathname, [...main, ...admin])]}
          defaultOpenKeys={pathname.startsWith('/admin') ? ['admin'] : []}
          onClick={({ key }) => void navigate(key)}
        />
      </Layout.Sider>
      <Layout>
        <Layout.Header
          style={{
            background: '#fff',
            padding: '0 20px',
            display: 'flex',
            alignItems: 'center',
            justifyContent: 'space-between',
            borderBottom: '1px solid #f0f0f0',
            height: 56,
          }}
        >
          <Typography.Text strong data-testid="tenant-name">
            {me.tenantName}
          </Typography.Text>
          <div style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
            <NotificationBell />
            <LanguageSwitch />
            <UserMenu shell="staff" profilePath="/profile" />
          </div>
        </Layout.Header>
        <Layout.Content style={{ padding: 24 }}>
          <Suspense fallback={<FullPageSpin />}>
            <Outlet />
          </Suspense>
        </Layout.Content>
      </Layout>
    </Layout>
  )
}
