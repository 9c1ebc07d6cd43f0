// @vitest-environment jsdom
import type { Me, Permission, Role } from '@aftercare/contracts'
import { describe, expect, it } from 'vitest'
import { mayUse, shellHome, shellOf } from './session.ts'

function user(roles: Role[], permissions: Permission[]): Me {
  return {
    id: '00000000-0000-4000-8000-000000000001',
    tenantId: '00000000-0000-4000-8000-000000000002',
    tenantName: '演示企业',
    email: 'someone@example.com',
    name: '某人',
    roles,
    permissions,
    locale: 'zh-CN',
    totpEnabled: false,
    teamIds: [],
    customerOrgId: null,
  }
}

describe('which shell a user belongs in', () => {
  it('sends staff to the staff app, engineers to /m and customer contacts to /portal', () => {
    expect(shellHome[shellOf(user(['agent_l1'], ['tickets.read']))]).toBe('/')
    expect(shellHome[shellOf(user(['engineer'], ['field.use', 'tickets.read']))]).toBe('/m')
    expect(shellHome[shellOf(user(['customer_contact'], ['portal.use']))]).toBe('/portal')
  })

  it('lets an engineer who is also a dispatcher use both the staff app and the phone app', () => {
    const both = user(['dispatcher', 'engineer'], ['dispatch.plan', 'field.use'])
    expect(shellOf(both)).toBe('staff')
    expect(mayUse(both, 'staff')).toBe(true)
    expect(mayUse(both, 'field')).toBe(true)
    expect(mayUse(both, 'portal')).toBe(false)
  })

  it('keeps customers out of the staff app and the phone app', () => {
    const customer = user(['customer_contact'], ['portal.use'])
    expect(mayUse(customer, 'staff')).toBe(false)
    expect(mayUse(customer, 'field')).toBe(false)
  })

  it('keeps an administrator out of the portal and the phone app (no portal.use / field.use)', () => {
    const admin = user(['admin'], ['users.manage', 'tickets.read'])
    expect(mayUse(admin, 'portal')).toBe(false)
    expect(mayUse(admin, 'field')).toBe(false)
  })
})
