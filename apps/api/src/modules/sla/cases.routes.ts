// /api/sla/complaints and /api/sla/disputes: complaints graded A/B/C (respond, plan, resolve) and
// disputes / appeals with staged deadlines, possibly appealing a complaint.
import {
  AdvanceDisputeBody,
  Complaint,
  ComplaintActionBody,
  ComplaintList,
  ComplaintListQuery,
  CreateComplaintBody,
  CreateDisputeBody,
  Dispute,
  DisputeList,
  DisputeListQuery,
  IdParams,
  ResolveComplaintBody,
} from '@aftercare/contracts'
import type { App } from '../../app.ts'
import { contextOf } from '../../platform/http/access.ts'
import { ifMatchVersion, setEtag } from '../../platform/http/concurrency.ts'
import type { CaseService } from './cases.service.ts'

const tags = ['sla']

export function caseRoutes(cases: CaseService) {
  return (app: App) => {
    // ── complaints ──
    app.get(
      '/sla/complaints',
      {
        config: { access: { permission: 'tickets.read' } },
        schema: { tags, querystring: ComplaintListQuery, response: { 200: ComplaintList } },
      },
      async (req) => cases.listComplaints(contextOf(req), req.query),
    )
    app.post(
      '/sla/complaints',
      {
        config: { access: { permission: 'tickets.write' } },
        schema: {
          tags,
          summary: 'Register a complaint graded A/B/C; its response and plan clocks start',
          body: CreateComplaintBody,
          response: { 201: Complaint },
        },
      },
      async (req, reply) => {
        const c = await cases.createComplaint(contextOf(req), req.body)
        setEtag(reply, c.version)
        return reply.status(201).send(c)
      },
    )
    app.get(
      '/sla/complaints/:id',
      { config: { access: { permission: 'tickets.read' } }, schema: { tags, params: IdParams, response: { 200: Complaint } } },
      async (req, reply) => {
        const c = await cases.getComplaint(contextOf(req), req.params.id)
        setEtag(reply, c.version)
        return c
      },
    )
    app.post(
      '/sla/complaints/:id/actions',
      {
        config: { access: { permission: 'tickets.write' } },
        schema: {
          tags,
          summary: 'Respond, or give the plan',
          params: IdParams,
          body: ComplaintActionBody,
          response: { 200: Complaint },
        },
      },
      async (req, reply) => {
        const c = await cases.actOnComplaint(contextOf(req), req.params.id, req.body.action, req.body.text, ifMatchVersion(req))
        setEtag(reply, c.version)
        return c
      },
    )
    app.post(
      '/sla/complaints/:id/resolve',
      {
        config: { access: { permission: 'tickets.write' } },
        schema: {
          tags,
          summary: 'Resolve with the resolution given to the customer: stops the clocks still running; final',
          params: IdParams,
          body: ResolveComplaintBody,
          response: { 200: Complaint },
        },
      },
      async (req, reply) => {
        const c = await cases.resolveComplaint(contextOf(req), req.params.id, req.body.resolution, ifMatchVersion(req))
        setEtag(reply, c.version)
        return c
      },
    )

    // ── disputes ──
    app.get(
      '/sla/disputes',
      {
        config: { access: { permission: 'tickets.read' } },
        schema: { tags, querystring: DisputeListQuery, response: { 200: DisputeList } },
      },
      async (req) => cases.listDisputes(contextOf(req), req.query),
    )
    app.post(
      '/sla/disputes',
      {
        config: { access: { permission: 'tickets.write' } },
        schema: {
          tags,
          summary: 'An appeal with evidence (of a complaint, a compensation or a ticket); the review deadline starts',
          body: CreateDisputeBody,
          response: { 201: Dispute },
        },
      },
      async (req, reply) => {
        const d = await cases.createDispute(contextOf(req), req.body)
        setEtag(reply, d.version)
        return reply.status(201).send(d)
      },
    )
    app.get(
      '/sla/disputes/:id',
      { config: { access: { permission: 'tickets.read' } }, schema: { tags, params: IdParams, response: { 200: Dispute } } },
      async (req, reply) => {
        const d = await cases.getDispute(contextOf(req), req.params.id)
        setEtag(reply, d.version)
        return d
      },
    )
    app.post(
      '/sla/disputes/:id/stage',
      {
        config: { access: { permission: 'sla.manage' } },
        schema: {
          tags,
          summary: 'review → investigation → decided → arbitration → closed',
          params: IdParams,
          body: AdvanceDisputeBody,
          response: { 200: Dispute },
        },
      },
      async (req, reply) => {
        const d = await cases.advanceDispute(contextOf(req), req.params.id, req.body.to, req.body.note, ifMatchVersion(req))
        setEtag(reply, d.version)
        return d
      },
    )
  }
}
