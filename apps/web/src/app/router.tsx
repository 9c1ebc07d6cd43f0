// Every route of the three shells. Pages load lazily, so the first visit fetches only
// the login page and the shell it needs.
import type { Permission } from '@aftercare/contracts'
import type { ComponentType } from 'react'
import { Navigate, Outlet, createBrowserRouter, type RouteObject } from 'react-router'
import { FullPageSpin, RequirePermission, ShellGate, SignedOutOnly } from './guards.tsx'
import { NotFoundPage } from './NotFoundPage.tsx'

type Loader = () => Promise<ComponentType>
const lazy = (load: Loader) => async () => ({ Component: await load() })

function page(path: string, load: Loader, permission?: Permission): RouteObject {
  const route: RouteObject = path === '' ? { index: true, lazy: lazy(load) } : { path, lazy: lazy(load) }
  return permission ? { element: <RequirePermission permission={permission} />, children: [route] } : route
}

const loginPage = (variant: 'staff' | 'portal' | 'field') =>
  lazy(async () => {
    const { LoginPage } = await import('../features/auth/LoginPage.tsx')
    return function Login() {
      return (
        <SignedOutOnly>
          <LoginPage variant={variant} />
        </SignedOutOnly>
      )
    }
  })

const profile: Loader = async () => (await import('../features/profile/ProfilePage.tsx')).ProfilePage

export const routes: RouteObject[] = [
  { path: '/login', lazy: loginPage('staff') },
  { path: '/portal/login', lazy: loginPage('portal') },
  { path: '/m/login', lazy: loginPage('field') },
  // a scanned device label: public, phone layout, no sign-in
  { path: '/q/:token', lazy: lazy(async () => (await import('../features/devices/QrReportPage.tsx')).QrReportPage) },
  {
    path: '/portal',
    element: <ShellGate shell="portal" />,
    children: [
      {
        lazy: lazy(async () => (await import('./PortalLayout.tsx')).PortalLayout),
        children: [
          page('', async () => (await import('../features/portal/PortalHomePage.tsx')).PortalHomePage),
          page(
            'tickets/new',
            async () => (await import('../features/portal/PortalNewTicketPage.tsx')).PortalNewTicketPage,
            'tickets.create',
          ),
          page('tickets/:id', async () => (await import('../features/portal/PortalTicketPage.tsx')).PortalTicketPage, 'tickets.read'),
          page('profile', profile),
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
  {
    path: '/m',
    element: <ShellGate shell="field" />,
    children: [
      {
        lazy: lazy(async () => (await import('./MobileLayout.tsx')).MobileLayout),
        children: [
          page('', async () => (await import('../features/field/FieldHomePage.tsx')).FieldHomePage),
          page('profile', profile),
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
  {
    path: '/',
    element: <ShellGate shell="staff" />,
    children: [
      {
        lazy: lazy(async () => (await import('./StaffLayout.tsx')).StaffLayout),
        children: [
          { index: true, element: <Navigate to="/workbench" replace /> },
          page('workbench', async () => (await import('../features/workbench/WorkbenchPage.tsx')).WorkbenchPage),
          page('tickets', async () => (await import('../features/tickets/TicketsPage.tsx')).TicketsPage, 'tickets.read'),
          page('tickets/new', async () => (await import('../features/tickets/NewTicketPage.tsx')).NewTicketPage, 'tickets.create'),
          page('tickets/:id', async () => (await import('../features/tickets/TicketDetailPage.tsx')).TicketDetailPage, 'tickets.read'),
          page('customers', async () => (await import('../features/customers/CustomersPage.tsx')).CustomersPage, 'customers.read'),
          page(
            'customers/:id',
            async () => (await import('../features/customers/CustomerDetailPage.tsx')).CustomerDetailPage,
            'customers.read',
          ),
          page('devices', async () => (await import('../features/devices/DevicesPage.tsx')).DevicesPage, 'devices.read'),
          page('devices/:id', async () => (await import('../features/devices/DeviceDetailPage.tsx')).DeviceDetailPage, 'devices.read'),
          page('products', async () => (await import('../features/devices/ProductsPage.tsx')).ProductsPage, 'devices.read'),
          page('dispatch', async () => (await import('../features/dispatch/DispatchPage.tsx')).DispatchPage, 'dispatch.read'),
          page('parts', async () => (await import('../features/parts/PartsPage.tsx')).PartsPage, 'parts.read'),
          page('rma', async () => (await import('../features/rma/RmaPage.tsx')).RmaPage, 'rma.read'),
          page('knowledge', async () => (await import('../features/knowledge/KnowledgePage.tsx')).KnowledgePage, 'knowledge.read'),
          page('reports', async () => (await import('../features/reports/ReportsPage.tsx')).ReportsPage, 'reports.read'),
          page('complaints', async () => (await import('../features/complaints/ComplaintsPage.tsx')).ComplaintsPage, 'tickets.read'),
          page('sla/at-risk', async () => (await import('../features/sla/SlaAtRiskPage.tsx')).SlaAtRiskPage, 'tickets.read'),
          page('sla/compensations', async () => (await import('../features/sla/CompensationsPage.tsx')).CompensationsPage, 'sla.manage'),
          page('admin/sla', async () => (await import('../features/sla/SlaAdminPage.tsx')).SlaAdminPage, 'sla.manage'),
          page(
            'admin/notifications',
            async () => (await import('../features/notifications/NotificationsAdminPage.tsx')).NotificationsAdminPage,
            'notifications.configure',
          ),
          page(
            'admin/integrations',
            async () => (await import('../features/integrations/IntegrationsPage.tsx')).IntegrationsPage,
            'webhooks.manage',
          ),
          page('profile', profile),
          page('admin/users', async () => (await import('../features/admin/UsersPage.tsx')).UsersPage, 'users.read'),
          page('admin/teams', async () => (await import('../features/admin/TeamsPage.tsx')).TeamsPage, 'users.read'),
          page('admin/audit', async () => (await import('../features/system/AuditLogPage.tsx')).AuditLogPage, 'audit.read'),
          page('admin/dead-letters', async () => (await import('../features/system/DeadLettersPage.tsx')).DeadLettersPage, 'tenant.manage'),
          page(
            'admin/tickets',
            async () => (await import('../features/tickets/config/TicketConfigPage.tsx')).TicketConfigPage,
            'tickets.configure',
          ),
          page(
            'admin/web-form',
            async () => (await import('../features/portal/WebFormSnippetPage.tsx')).WebFormSnippetPage,
            'tickets.configure',
          ),
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]

// The root route only shows a spinner while the first lazy page loads.
export const router = createBrowserRouter([{ element: <Outlet />, hydrateFallbackElement: <FullPageSpin />, children: routes }])
