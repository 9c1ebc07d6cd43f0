// /api/admin/audit and /api/admin/dead-letters: the platform as its administrators see it.
import { AuditPage, AuditQuery, AuditVerifyResult, DeadLetterList, RedeliverBody, RedeliverResult } from '@aftercare/contracts'
import type { App } from '../../app.ts'
import { contextOf } from '../../platform/http/access.ts'
import type { SystemService } from './system.service.ts'

const tags = ['admin']

export function systemRoutes(system: SystemService) {
  return (app: App) => {
    app.get(
      '/admin/audit',
      {
        config: { access: { permission: 'audit.read' } },
        schema: { tags, summary: 'The audit log, newest first', querystring: AuditQuery, response: { 200: AuditPage } },
      },
      async (req) => system.auditLog(contextOf(req), req.query),
    )
    app.get(
      '/admin/audit/verify',
      {
        config: { access: { permission: 'audit.read' } },
        schema: { tags, summary: "Verifies the tenant's audit hash chain", response: { 200: AuditVerifyResult } },
      },
      async (req) => system.verifyAuditLog(contextOf(req)),
    )
    app.get(
      '/admin/dead-letters',
      {
        config: { access: { permission: 'tenant.manage' } },
        schema: { tags, summary: 'Events a listener failed to handle on every attempt', response: { 200: DeadLetterList } },
      },
      async (req) => system.deadLetters(contextOf(req)),
    )
    app.post(
      '/admin/dead-letters/redeliver',
      {
        config: { access: { permission: 'tenant.manage' } },
        schema: { tags, summary: 'Gives dead deliveries fresh attempts', body: RedeliverBody, response: { 200: RedeliverResult } },
      },
      async (req) => system.redeliver(contextOf(req), req.body),
    )
  }
}
