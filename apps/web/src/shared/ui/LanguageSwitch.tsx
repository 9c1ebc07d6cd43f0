// The language menu in every header. Signed in, the choice is saved on the user's profile
// (PATCH /api/auth/me) so it follows them to other browsers; signed out, only this browser.
import type { Locale } from '@aftercare/contracts'
import { GlobalOutlined } from '@ant-design/icons'
import { App, Button, Dropdown } from 'antd'
import { useTranslation } from 'react-i18next'
import { errorMessage } from '../api/errors.ts'
import { useChangeLocale, useMe } from '../auth/session.ts'
import { currentLocale, localeNames as names, locales, setLocale } from '../i18n/index.ts'

export function LanguageSwitch({ size, light }: { size?: 'small' | 'middle' | 'large'; light?: boolean }) {
  const { t } = useTranslation()
  const { message } = App.useApp()
  const me = useMe()
  const change = useChangeLocale()
  const current = currentLocale()

  const choose = async (locale: Locale) => {
    if (locale === current) return
    if (!me.data) return setLocale(locale)
    try {
      await change.mutateAsync(locale)
    } catch (e) {
      message.error(errorMessage(t, e))
    }
  }

  return (
    <Dropdown
      trigger={['click']}
      menu={{
        selectable: true,
        selectedKeys: [current],
        items: locales.map((l) => ({ key: l, label: <span data-testid={`locale-${l}`}>{names[l]}</span> })),
        onClick: ({ key }) => void choose(key as Locale),
      }}
    >
      <Button
        type="text"
        size={size}
        style={light ? { color: '#fff' } : undefined}
        icon={<GlobalOutlined />}
        loading={change.isPending}
        aria-label={t('common.language')}
        data-testid="language-switch"
      >
        {names[current]}
      </Button>
    </Dropdown>
  )
}
