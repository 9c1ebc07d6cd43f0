// @vitest-environment jsdom
import type { FormInstance } from 'antd'
import { describe, expect, it } from 'vitest'
import { i18n, setLocale } from '../i18n/index.ts'
import { ApiRequestError } from './client.ts'
import { applyFieldErrors, errorMessage } from './errors.ts'

const t = i18n.t.bind(i18n)

/** Records what would be put on the form's fields (antd's FormInstance, not our code). */
function recordingForm() {
  const set: { name: unknown; errors: string[] }[] = []
  const form = { setFields: (fields: { name: unknown; errors: string[] }[]) => set.push(...fields) } as unknown as FormInstance
  return { form, set }
}

describe('API errors in the user language', () => {
  it('says someone else changed the record on 412, in Chinese and in English', async () => {
    const stale = new ApiRequestError(412, { code: 'precondition_failed', message: 'The resource was changed by someone else' })
    await setLocale('zh-CN')
    expect(errorMessage(t, stale)).toBe('该记录已被其他人修改，请重新加载后再试。')
    await setLocale('en-US')
    expect(errorMessage(t, stale)).toBe('Someone else changed this record. Reload it and try again.')
    await setLocale('zh-CN')
  })

  it('maps known codes, falls back by status, and keeps the API text for unknown codes', () => {
    expect(errorMessage(t, new ApiRequestError(403, { code: 'account_disabled', message: 'x' }))).toBe('此账号已被停用，请联系管理员')
    expect(errorMessage(t, new ApiRequestError(404, { code: 'something_new', message: 'x' }))).toBe('记录不存在或已被删除')
    expect(errorMessage(t, new ApiRequestError(418, { code: 'teapot', message: 'I am a teapot' }))).toBe('操作失败：I am a teapot')
    expect(errorMessage(t, new ApiRequestError(0, { code: 'network', message: 'Failed to fetch' }))).toBe(
      '无法连接服务器，请检查网络后重试',
    )
    expect(errorMessage(t, new Error('boom'))).toBe('发生了意外错误，请稍后重试')
  })

  it('puts issues on the fields the form shows, by their path', () => {
    const { form, set } = recordingForm()
    const e = new ApiRequestError(400, {
      code: 'invalid_input',
      message: 'body.name: too long; body.unknown: bad',
      issues: [
        { path: 'body.name', message: 'Too big', code: 'too_big' },
        { path: 'body.roles.0', message: 'Invalid option', code: 'invalid_value' },
        { path: 'body.unknown', message: 'bad' },
      ],
    })
    expect(applyFieldErrors(t, form, e, ['name', 'roles'])).toBe(true)
    expect(set).toEqual([
      { name: 'name', errors: ['内容太长或数量太多'] },
      { name: 'roles', errors: ['不是允许的取值'] },
    ])
  })

  it("puts an issue named after a field called body on that field (a service's 'body', the schema's 'body.body')", () => {
    for (const path of ['body', 'body.body']) {
      const { form, set } = recordingForm()
      const e = new ApiRequestError(422, { code: 'invalid_input', message: `${path}: unknown variable`, issues: [{ path, message: 'x' }] })
      expect(applyFieldErrors(t, form, e, ['name', 'body'])).toBe(true)
      expect(set.map((f) => f.name)).toEqual(['body'])
    }
  })

  it('uses the specific message for a taken email and reports when no field matched', () => {
    const { form, set } = recordingForm()
    const taken = new ApiRequestError(409, { code: 'email_taken', message: 'x', issues: [{ path: 'email', message: 'is already used' }] })
    expect(applyFieldErrors(t, form, taken, ['email'])).toBe(true)
    expect(set).toEqual([{ name: 'email', errors: ['该邮箱已被其他用户使用'] }])
    expect(applyFieldErrors(t, recordingForm().form, taken, ['name'])).toBe(false)
  })
})
