// API errors in the user's language: a message for the whole call, and per-field
// messages on the form field named by `issues[].path`.
import type { FormInstance } from 'antd'
import type { TFunction } from 'i18next'
import { i18n } from '../i18n/index.ts'
import { ApiRequestError } from './client.ts'

/** A sentence for the user; 412 always says someone else changed the record. */
export function errorMessage(t: TFunction, e: unknown): string {
  if (!(e instanceof ApiRequestError)) return t('errors.unexpected')
  if (e.status === 412) return t('errors.precondition_failed')
  if (e.status === 0) return t('errors.network')
  const byCode = `errors.${e.code}`
  if (i18n.exists(byCode)) return t(byCode)
  const byStatus = `errors.status${e.status}`
  if (i18n.exists(byStatus)) return t(byStatus)
  return t('errors.withDetail', { message: e.message })
}

/**
 * `body.email` or `email` → `['email']`; `body.roles.0` → `['roles', 0]`. A bare `body` is a field
 * of that name (a macro's or a message's text), as the services name it.
 */
function fieldPath(path: string): (string | number)[] {
  const parts = path.split('.').filter(Boolean)
  if (parts.length > 1 && (parts[0] === 'body' || parts[0] === 'querystring')) parts.shift()
  return parts.map((p) => (/^\d+$/.test(p) ? Number(p) : p))
}

function issueMessage(t: TFunction, field: string, issue: { message: string; code?: string }, errorCode: string): string {
  const candidates = [`errors.${errorCode}`, `fieldErrors.${field}`, issue.code ? `validation.${issue.code}` : '']
  if (errorCode === 'email_taken' || errorCode === 'name_taken') return t(candidates[0]!)
  for (const key of candidates.slice(1)) if (key && i18n.exists(key)) return t(key)
  return t('validation.invalidWithDetail', { message: issue.message })
}

/**
 * Puts the API's field issues on the form's fields. Returns true when at least one issue
 * landed on a field the form shows (`fields`), so the caller can skip the general message.
 */
export function applyFieldErrors(t: TFunction, form: FormInstance, e: unknown, fields: readonly string[]): boolean {
  if (!(e instanceof ApiRequestError) || !e.body.issues?.length) return false
  const byField = new Map<string, string[]>()
  for (const issue of e.body.issues) {
    const path = fieldPath(issue.path)
    const name = path[0]
    if (typeof name !== 'string' || !fields.includes(name)) continue
    const list = byField.get(name) ?? []
    list.push(issueMessage(t, name, issue, e.code))
    byField.set(name, list)
  }
  form.setFields([...byField].map(([name, errors]) => ({ name, errors })))
  return byField.size > 0
}
