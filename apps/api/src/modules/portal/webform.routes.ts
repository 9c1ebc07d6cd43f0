// The embeddable web form: the script (outside /api), the framed page, the public submission and
// the snippet an admin copies.
import { WebFormAccepted, WebFormBody, WebFormParams, WebFormSnippet } from '@aftercare/contracts'
import { z } from 'zod'
import type { App } from '../../app.ts'
import { contextOf } from '../../platform/http/access.ts'
import { FORM_JS, PAGE_SCRIPT_HASH } from './embed.ts'
import type { WebFormService } from './webform.service.ts'

const tags = ['public']
/** Submissions one client address may make a minute. */
export const SUBMISSIONS_PER_MINUTE = 5

/** Loaded by other websites: readable cross-origin, cached for an hour. */
export function embedScriptRoute(app: App) {
  app.get('/embed/form.js', { config: { access: { public: true } }, schema: { hide: true } }, async (_req, reply) =>
    reply
      .header('cross-origin-resource-policy', 'cross-origin')
      .header('cache-control', 'public, max-age=3600')
      .type('text/javascript; charset=utf-8')
      .send(FORM_JS),
  )
}

export function webFormRoutes(forms: WebFormService) {
  return (app: App) => {
    app.get(
      '/public/forms/:tenantSlug/embed',
      {
        config: { access: { public: true }, rateLimit: { max: 60, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: 'The web form page the embed script frames',
          params: WebFormParams,
          querystring: z.object({ lang: z.string().max(10).default('zh-CN') }),
        },
      },
      async (req, reply) => {
        const html = await forms.page(req.params.tenantSlug, req.query.lang)
        // Framed by the company's own website: any ancestor, only our own inline script.
        void reply.removeHeader('x-frame-options')
        return reply
          .header(
            'content-security-policy',
            `default-src 'none'; script-src ${PAGE_SCRIPT_HASH}; style-src 'unsafe-inline'; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors *`,
          )
          .header('cross-origin-resource-policy', 'cross-origin')
          .header('cache-control', 'no-store')
          .type('text/html; charset=utf-8')
          .send(html)
      },
    )
    app.post(
      '/public/forms/:tenantSlug/tickets',
      {
        config: { access: { public: true }, rateLimit: { max: SUBMISSIONS_PER_MINUTE, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary:
            'Submit the web form: creates a ticket (channel web_form); honeypot, minimum fill time and a per-address limit keep robots out',
          params: WebFormParams,
          body: WebFormBody,
          response: { 201: WebFormAccepted },
        },
      },
      async (req, reply) => reply.status(201).send(await forms.submit(req.params.tenantSlug, req.body, req.ip)),
    )
    app.get(
      '/web-form/snippet',
      {
        config: { access: { permission: 'tickets.configure' } },
        schema: { tags: ['tickets'], summary: 'The <script> snippet for the company website', response: { 200: WebFormSnippet } },
      },
      async (req) => forms.snippet(contextOf(req)),
    )
  }
}
