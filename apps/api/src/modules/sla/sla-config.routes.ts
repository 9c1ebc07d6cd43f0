// /api/sla configuration: calendars, policies, presets, the due-time preview, settings.
import {
  CreateSlaCalendarBody,
  CreateSlaPolicyBody,
  FromPresetBody,
  IdParams,
  ImportSlaHolidaysBody,
  ImportSlaHolidaysResult,
  Ok,
  PutSlaCalendarDayBody,
  SlaCalendar,
  SlaCalendarDayParams,
  SlaCalendarList,
  SlaPolicy,
  SlaPolicyList,
  SlaPresetList,
  SlaPreview,
  SlaPreviewBody,
  SlaSettings,
  UpdateSlaCalendarBody,
  UpdateSlaPolicyBody,
  UpdateSlaSettingsBody,
} from '@aftercare/contracts'
import type { App } from '../../app.ts'
import { contextOf } from '../../platform/http/access.ts'
import { ifMatchVersion, setEtag } from '../../platform/http/concurrency.ts'
import type { CalendarService } from './calendars.service.ts'
import type { CreditService } from './credits.service.ts'
import type { PolicyService } from './policies.service.ts'

const tags = ['sla']
const manage = { access: { permission: 'sla.manage' } } as const
const read = { access: { permission: 'tickets.read' } } as const

export function slaConfigRoutes(calendars: CalendarService, policies: PolicyService, credits: CreditService) {
  return (app: App) => {
    // ── calendars ──
    app.get(
      '/sla/calendars',
      { config: read, schema: { tags, summary: 'Business calendars', response: { 200: SlaCalendarList } } },
      async (req) => ({
        items: await calendars.list(contextOf(req)),
      }),
    )
    app.post(
      '/sla/calendars',
      { config: manage, schema: { tags, body: CreateSlaCalendarBody, response: { 201: SlaCalendar } } },
      async (req, reply) => {
        const c = await calendars.create(contextOf(req), req.body)
        setEtag(reply, c.version)
        return reply.status(201).send(c)
      },
    )
    app.get(
      '/sla/calendars/:id',
      { config: read, schema: { tags, params: IdParams, response: { 200: SlaCalendar } } },
      async (req, reply) => {
        const c = await calendars.get(contextOf(req), req.params.id)
        setEtag(reply, c.version)
        return c
      },
    )
    app.patch(
      '/sla/calendars/:id',
      {
        config: manage,
        schema: {
          tags,
          summary: 'Change hours, time zone or the whole list of days (If-Match)',
          params: IdParams,
          body: UpdateSlaCalendarBody,
          response: { 200: SlaCalendar },
        },
      },
      async (req, reply) => {
        const c = await calendars.update(contextOf(req), req.params.id, req.body, ifMatchVersion(req))
        setEtag(reply, c.version)
        return c
      },
    )
    app.delete('/sla/calendars/:id', { config: manage, schema: { tags, params: IdParams, response: { 200: Ok } } }, async (req) => {
      await calendars.remove(contextOf(req), req.params.id, ifMatchVersion(req))
      return { ok: true as const }
    })
    app.put(
      '/sla/calendars/:id/days/:date',
      {
        config: manage,
        schema: {
          tags,
          summary: 'Add or change one holiday / make-up working day',
          params: SlaCalendarDayParams,
          body: PutSlaCalendarDayBody,
          response: { 200: SlaCalendar },
        },
      },
      async (req, reply) => {
        const c = await calendars.putDay(contextOf(req), req.params.id, req.params.date, req.body, ifMatchVersion(req))
        setEtag(reply, c.version)
        return c
      },
    )
    app.delete(
      '/sla/calendars/:id/days/:date',
      { config: manage, schema: { tags, params: SlaCalendarDayParams, response: { 200: SlaCalendar } } },
      async (req, reply) => {
        const c = await calendars.deleteDay(contextOf(req), req.params.id, req.params.date, ifMatchVersion(req))
        setEtag(reply, c.version)
        return c
      },
    )
    app.post(
      '/sla/calendars/:id/import-holidays',
      {
        config: manage,
        schema: {
          tags,
          summary: "Import a year's Chinese public holidays and make-up days (chinese-days)",
          params: IdParams,
          body: ImportSlaHolidaysBody,
          response: { 200: ImportSlaHolidaysResult },
        },
      },
      async (req) => calendars.importHolidays(contextOf(req), req.params.id, req.body.year, req.body.replace),
    )

    // ── policies ──
    app.get(
      '/sla/policies',
      { config: read, schema: { tags, summary: 'SLA policies, in the order they are tried', response: { 200: SlaPolicyList } } },
      async (req) => ({
        items: await policies.list(contextOf(req)),
      }),
    )
    app.post(
      '/sla/policies',
      { config: manage, schema: { tags, body: CreateSlaPolicyBody, response: { 201: SlaPolicy } } },
      async (req, reply) => {
        const p = await policies.create(contextOf(req), req.body)
        setEtag(reply, p.version)
        return reply.status(201).send(p)
      },
    )
    app.get('/sla/policies/:id', { config: read, schema: { tags, params: IdParams, response: { 200: SlaPolicy } } }, async (req, reply) => {
      const p = await policies.get(contextOf(req), req.params.id)
      setEtag(reply, p.version)
      return p
    })
    app.patch(
      '/sla/policies/:id',
      {
        config: manage,
        schema: {
          tags,
          summary: "Change a policy (If-Match); its tickets' clocks are recomputed",
          params: IdParams,
          body: UpdateSlaPolicyBody,
          response: { 200: SlaPolicy },
        },
      },
      async (req, reply) => {
        const p = await policies.update(contextOf(req), req.params.id, req.body, ifMatchVersion(req))
        setEtag(reply, p.version)
        return p
      },
    )
    app.delete('/sla/policies/:id', { config: manage, schema: { tags, params: IdParams, response: { 200: Ok } } }, async (req) => {
      await policies.remove(contextOf(req), req.params.id, ifMatchVersion(req))
      return { ok: true as const }
    })
    app.get(
      '/sla/presets',
      { config: read, schema: { tags, summary: 'Ready-made policies from the seeds', response: { 200: SlaPresetList } } },
      async () => ({
        items: policies.presets(),
      }),
    )
    app.post(
      '/sla/policies/from-preset',
      { config: manage, schema: { tags, body: FromPresetBody, response: { 201: SlaPolicy } } },
      async (req, reply) => {
        const p = await policies.fromPreset(contextOf(req), req.body.preset, { name: req.body.name, calendarId: req.body.calendarId })
        setEtag(reply, p.version)
        return reply.status(201).send(p)
      },
    )
    app.post(
      '/sla/preview',
      {
        config: read,
        schema: {
          tags,
          summary: 'What would the due time be: a policy or target on a calendar from a start time',
          body: SlaPreviewBody,
          response: { 200: SlaPreview },
        },
      },
      async (req) => policies.preview(contextOf(req), req.body),
    )

    // ── settings ──
    app.get(
      '/sla/settings',
      { config: read, schema: { tags, summary: 'Complaint and dispute targets', response: { 200: SlaSettings } } },
      async (req, reply) => {
        const s = await credits.settings(contextOf(req))
        setEtag(reply, s.version)
        return s
      },
    )
    app.patch(
      '/sla/settings',
      { config: manage, schema: { tags, body: UpdateSlaSettingsBody, response: { 200: SlaSettings } } },
      async (req, reply) => {
        const s = await credits.updateSettings(contextOf(req), req.body, ifMatchVersion(req))
        setEtag(reply, s.version)
        return s
      },
    )
  }
}
