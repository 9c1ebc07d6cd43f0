// /api/sla state: ticket SLA state, the at-risk list, compensation, credit ledger (complaints and
// disputes: cases.routes.ts).
import {
  AtRiskList,
  AtRiskQuery,
  Compensation,
  CompensationList,
  CompensationListQuery,
  CreditAdjustmentBody,
  CustomerCredit,
  DecideCompensationBody,
  IdParams,
  PutCreditAccountBody,
  SlaCustomerParams,
  SlaEscalationList,
  TicketSla,
  TicketSlaList,
  TicketSlaQuery,
} from '@aftercare/contracts'
import { z } from 'zod'
import type { App } from '../../app.ts'
import { contextOf } from '../../platform/http/access.ts'
import { ifMatchVersion, setEtag } from '../../platform/http/concurrency.ts'
import type { CreditService } from './credits.service.ts'
import type { TicketSlaService } from './ticket-sla.service.ts'

const tags = ['sla']
const TicketParams = z.object({ ticketId: z.uuid() })

export function slaStateRoutes(tickets: TicketSlaService, credits: CreditService) {
  return (app: App) => {
    // ── ticket state ──
    app.get(
      '/sla/tickets',
      {
        config: { access: { permission: 'tickets.read' } },
        schema: {
          tags,
          summary: 'SLA state of several tickets (list pages)',
          querystring: TicketSlaQuery,
          response: { 200: TicketSlaList },
        },
      },
      async (req) => ({ items: await tickets.forTickets(contextOf(req), req.query.ids) }),
    )
    app.get(
      '/sla/tickets/:ticketId',
      {
        config: { access: { permission: 'tickets.read' } },
        schema: {
          tags,
          summary: 'SLA state of a ticket: time left, paused, warned, breached',
          params: TicketParams,
          response: { 200: TicketSla },
        },
      },
      async (req) => tickets.forTicket(contextOf(req), req.params.ticketId),
    )
    app.get(
      '/sla/tickets/:ticketId/escalations',
      {
        config: { access: { permission: 'tickets.read' } },
        schema: {
          tags,
          summary: 'Escalation actions carried out on a ticket (warning / breach rules of its policy)',
          params: TicketParams,
          response: { 200: SlaEscalationList },
        },
      },
      async (req) => ({ items: await tickets.escalations(contextOf(req), req.params.ticketId) }),
    )
    app.get(
      '/sla/at-risk',
      {
        config: { access: { permission: 'tickets.read' } },
        schema: { tags, summary: 'Tickets at risk: due soon, warned or breached', querystring: AtRiskQuery, response: { 200: AtRiskList } },
      },
      async (req) => tickets.atRisk(contextOf(req), req.query),
    )

    // ── compensation and credits ──
    app.get(
      '/sla/compensations',
      {
        config: { access: { permission: 'sla.manage' } },
        schema: { tags, querystring: CompensationListQuery, response: { 200: CompensationList } },
      },
      async (req) => credits.listCompensations(contextOf(req), req.query),
    )
    app.get(
      '/sla/compensations/:id',
      { config: { access: { permission: 'sla.manage' } }, schema: { tags, params: IdParams, response: { 200: Compensation } } },
      async (req, reply) => {
        const c = await credits.getCompensation(contextOf(req), req.params.id)
        setEtag(reply, c.version)
        return c
      },
    )
    app.post(
      '/sla/compensations/:id/decision',
      {
        config: { access: { permission: 'sla.manage' } },
        schema: {
          tags,
          summary: 'Approve (credits the ledger) or reject a proposal',
          params: IdParams,
          body: DecideCompensationBody,
          response: { 200: Compensation },
        },
      },
      async (req) => credits.decide(contextOf(req), req.params.id, req.body),
    )
    app.get(
      '/sla/customers/:customerId/credit',
      {
        config: { access: { permission: 'customers.read' } },
        schema: { tags, summary: 'Credit balances and ledger of a customer', params: SlaCustomerParams, response: { 200: CustomerCredit } },
      },
      async (req) => credits.credit(contextOf(req), req.params.customerId),
    )
    app.put(
      '/sla/customers/:customerId/credit',
      {
        config: { access: { permission: 'sla.manage' } },
        schema: {
          tags,
          summary: 'Set the monthly fee compensation formulas use',
          params: SlaCustomerParams,
          body: PutCreditAccountBody,
          response: { 200: CustomerCredit },
        },
      },
      async (req) => credits.putAccount(contextOf(req), req.params.customerId, req.body, ifMatchVersion(req)),
    )
    app.post(
      '/sla/customers/:customerId/credit/entries',
      {
        config: { access: { permission: 'sla.manage' } },
        schema: {
          tags,
          summary: 'Redeem or grant credit by hand',
          params: SlaCustomerParams,
          body: CreditAdjustmentBody,
          response: { 200: CustomerCredit },
        },
      },
      async (req) => credits.adjust(contextOf(req), req.params.customerId, req.body),
    )
  }
}
