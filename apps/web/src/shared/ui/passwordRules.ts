// The form rules of a new password (sign-up by an admin, reset, change): the contract's bounds, with
// the rule itself as the message, so each form checks what the server will.
import { NEW_PASSWORD_LENGTH } from '@aftercare/contracts'
import type { FormRule } from 'antd'
import type { TFunction } from 'i18next'

export function newPasswordRules(t: TFunction): FormRule[] {
  return [
    { required: true, message: t('validation.required') },
    { ...NEW_PASSWORD_LENGTH, message: t('validation.passwordRule') },
  ]
}
