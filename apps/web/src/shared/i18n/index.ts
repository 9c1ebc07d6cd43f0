// i18next set up once for the whole app: zh-CN by default, en-US complete. The language
// before sign-in is the browser's last choice; after sign-in it is the user's own setting.
import type { Locale } from '@aftercare/contracts'
import dayjs from 'dayjs'
import 'dayjs/locale/zh-cn'
import i18n from 'i18next'
import { initReactI18next } from 'react-i18next'
import { enUS } from './en-US.ts'
import { zhCN } from './zh-CN.ts'

export const locales: readonly Locale[] = ['zh-CN', 'en-US']
/** Each language named in itself, as language menus conventionally show them. */
export const localeNames: Record<Locale, string> = { 'zh-CN': '简体中文', 'en-US': 'English' }
export const localeOptions = locales.map((l) => ({ value: l, label: localeNames[l] }))
const storageKey = 'aftercare.locale'

function storedLocale(): Locale {
  try {
    const v = localStorage.getItem(storageKey)
    return v === 'en-US' || v === 'zh-CN' ? v : 'zh-CN'
  } catch {
    return 'zh-CN'
  }
}

function applyDocument(locale: Locale) {
  dayjs.locale(locale === 'zh-CN' ? 'zh-cn' : 'en')
  document.documentElement.lang = locale
}

const initial = storedLocale()
applyDocument(initial)

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, 'en-US': { translation: enUS } },
  lng: initial,
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
  returnNull: false,
})
document.title = i18n.t('app.name')

/** Switches the UI language (antd, dayjs and our catalogs) and remembers it in this browser. */
export async function setLocale(locale: Locale) {
  try {
    localStorage.setItem(storageKey, locale)
  } catch {
    // private mode: the choice lasts for this page only
  }
  applyDocument(locale)
  if (i18n.language !== locale) await i18n.changeLanguage(locale)
  document.title = i18n.t('app.name')
}

export function currentLocale(): Locale {
  return i18n.language === 'en-US' ? 'en-US' : 'zh-CN'
}

export { i18n }
