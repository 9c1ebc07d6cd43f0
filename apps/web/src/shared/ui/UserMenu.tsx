// The signed-in user's menu: profile and sign out (used by all three shells).
import { LogoutOutlined, UserOutlined } from '@ant-design/icons'
import { App, Avatar, Button, Dropdown } from 'antd'
import { useTranslation } from 'react-i18next'
import { useNavigate } from 'react-router'
import { errorMessage } from '../api/errors.ts'
import { shellLogin, useCurrentUser, useLogout, type Shell } from '../auth/session.ts'

export function UserMenu({ shell, profilePath }: { shell: Shell; profilePath: string }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const me = useCurrentUser()
  const logout = useLogout()
  const navigate = useNavigate()
  const signOut = async () => {
    try {
      await logout.mutateAsync()
      await navigate(shellLogin[shell], { replace: true })
    } catch (e) {
      message.error(errorMessage(t, e))
    }
  }
  return (
    <Dropdown
      trigger={['click']}
      menu={{
        items: [
          { key: 'profile', icon: <UserOutlined />, label: <span data-testid="menu-profile">{t('nav.profile')}</span> },
          { type: 'divider' },
          { key: 'logout', icon: <LogoutOutlined />, danger: true, label: <span data-testid="menu-logout">{t('auth.logout')}</span> },
        ],
        onClick: ({ key }) => {
          if (key === 'profile') void navigate(profilePath)
          else void signOut()
        },
      }}
    >
      <Button type="text" data-testid="user-menu" style={{ display: 'flex', alignItems: 'center', gap: 8 }}>
        <Avatar size="small" style={{ background: '#1668dc' }}>
          {me.name.slice(0, 1)}
        </Avatar>
        <span>{me.name}</span>
      </Button>
    </Dropdown>
  )
}
