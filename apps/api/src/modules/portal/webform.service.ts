// The web form a company embeds in its own website (R1.1): anyone may submit, so every submission
// passes three spam checks before it becomes a ticket (channel `web_form`): a per-address rate limit
// (the route), a honeypot field people never see, and a minimum fill time measured from a render
// time the server signed. A robot caught by the honeypot or the clock gets an answer that looks
// like success, so it learns nothing; nothing is stored for it.
import { createHmac, randomInt, timingSafeEqual } from 'node:crypto'
import type { WebFormAccepted, WebFormBody, WebFormSnippet } from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { AppError, NotFoundError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import type { ModuleDeps } from '../../modules.ts'
import { formPage } from './embed.ts'

/** A person needs at least this long to fill in the form. */
export const MIN_FILL_MS = 3_000
/** A rendered form may be submitted for this long. */
export const FORM_TTL_MS = 24 * 3_600_000

/** What the web form needs from other modules (wired in modules.ts through their index.ts). */
export interface WebFormPorts {
  findTenantBySlug(slug: string): Promise<{ id: string; slug: string; name: string } | undefined>
  findTenantById(id: string): Promise<{ id: string; slug: string; name: string } | undefined>
  /** Customers whose contacts have this email or mobile (in the tenant's transaction). */
  findContacts(tx: DbOrTx, by: { email?: string; mobile?: string }): Promise<{ customerId: string }[]>
  /** A new individual customer with one contact, as the system. */
  createCustomer(
    tx: DbOrTx,
    tenantId: string,
    input: { name: string; contact: { name: string; email?: string; mobile?: string } },
  ): Promise<{ id: string }>
  createTicket(
    tx: DbOrTx,
    tenantId: string,
    input: {
      subject: string
      description: string
      customerId: string
      channel: 'web_form'
      requesterName: string
      requesterEmail?: string
      requesterPhone?: string
    },
    author: { type: 'customer'; name: string },
  ): Promise<{ id: string; number: string }>
}

const mobileOf = (raw: string | undefined) => raw?.replace(/[\s-]/g, '').replace(/^(?:\+86|0086)(?=1\d{10}$)/, '')

export function createWebFormService({ database, clock, config, log }: ModuleDeps, ports: WebFormPorts) {
  const publicUrl = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '')
  const sign = (slug: string, at: number) =>
    createHmac('sha256', config.SECRET_KEY).update(`web-form\u0000${slug}\u0000${at}`).digest('base64url')

  async function tenantOf(slug: string) {
    const t = await ports.findTenantBySlug(slug.toLowerCase())
    if (!t) throw new NotFoundError('form', slug)
    return t
  }

  /** When the form was rendered, from its token; 422 naming formToken when altered or too old. */
  function renderedAt(slug: string, token: string): number {
    const [at, mac] = token.split('.')
    const ms = Number(at)
    const expected = Buffer.from(sign(slug, ms))
    const given = Buffer.from(mac ?? '')
    if (!Number.isSafeInteger(ms) || expected.length !== given.length || !timingSafeEqual(expected, given))
      throw new AppError(422, 'form_token_invalid', 'The form is not valid; reload the page', {
        issues: [{ path: 'formToken', message: 'is not valid' }],
      })
    if (clock.now().getTime() - ms > FORM_TTL_MS)
      throw new AppError(422, 'form_expired', 'The form was opened too long ago; reload the page', {
        issues: [{ path: 'formToken', message: 'has expired' }],
      })
    return ms
  }

  return {
    /** The HTML page the embed script frames, with a freshly signed render time. */
    async page(slug: string, lang: string): Promise<string> {
      const t = await tenantOf(slug)
      const at = clock.now().getTime()
      return formPage({ tenantSlug: t.slug, tenantName: t.name, token: `${at}.${sign(t.slug, at)}`, lang })
    },

    async submit(slug: string, body: WebFormBody, ip: string): Promise<WebFormAccepted> {
      const t = await tenantOf(slug)
      const age = clock.now().getTime() - renderedAt(t.slug, body.formToken)
      if (body.website || age < MIN_FILL_MS) {
        log.info({ tenant: t.slug, ip, honeypot: Boolean(body.website), ms: age }, 'web form submission dropped as spam')
        return { ok: true, reference: `SR-${clock.now().getUTCFullYear()}-${String(randomInt(1, 1_000_000)).padStart(6, '0')}` }
      }
      const mobile = mobileOf(body.mobile)
      if (mobile !== undefined && !/^1\d{10}$/.test(mobile)) throw ValidationError.field('mobile', 'must be a mainland mobile number')
      const ticket = await database.withTenant(t.id, async (tx) => {
        // The visitor's organisation when a contact has this address; otherwise a new individual customer.
        const known = [
          ...(body.email ? await ports.findContacts(tx, { email: body.email }) : []),
          ...(mobile ? await ports.findContacts(tx, { mobile }) : []),
        ]
        const orgs = [...new Set(known.map((c) => c.customerId))]
        const customerId =
          orgs.length === 1
            ? orgs[0]!
            : (
                await ports.createCustomer(tx, t.id, {
                  name: body.company || body.name,
                  contact: { name: body.name, ...(body.email ? { email: body.email } : {}), ...(mobile ? { mobile } : {}) },
                })
              ).id
        return ports.createTicket(
          tx,
          t.id,
          {
            subject: body.subject,
            description: body.company ? `${body.description}\n\n— ${body.name} · ${body.company}` : body.description,
            customerId,
            channel: 'web_form',
            requesterName: body.name,
            ...(body.email ? { requesterEmail: body.email } : {}),
            ...(mobile ? { requesterPhone: mobile } : {}),
          },
          { type: 'customer', name: body.name },
        )
      })
      return { ok: true, reference: ticket.number }
    },

    /** What an admin pastes into the company website. */
    async snippet(ctx: RequestContext): Promise<WebFormSnippet> {
      const t = await ports.findTenantById(ctx.actor.tenantId)
      if (!t) throw new NotFoundError('tenant', ctx.actor.tenantId)
      const scriptUrl = `${publicUrl}/embed/form.js`
      return { tenantSlug: t.slug, scriptUrl, snippet: `<script src="${scriptUrl}" data-tenant="${t.slug}" async></script>` }
    },
  }
}

export type WebFormService = ReturnType<typeof createWebFormService>
