// Customer portal: sign-in with a one-time code sent to a contact's mobile or email, and the
// public web form a company embeds on its own website.
import { z } from 'zod'

/** A mainland mobile number (spaces, dashes and +86 allowed) or an email address. */
export const PortalOtpTarget = z.string().trim().min(3).max(254)

export const PortalOtpRequestBody = z.object({
  target: PortalOtpTarget,
  /** The tenant's slug; needed only when the deployment serves several companies. */
  tenant: z.string().trim().min(1).max(63).optional(),
  locale: z.enum(['zh-CN', 'en-US']).optional(),
})
export type PortalOtpRequestBody = z.infer<typeof PortalOtpRequestBody>

/** The same answer whether or not the target belongs to a contact (no account enumeration). */
export const PortalOtpRequested = z.object({
  channel: z.enum(['sms', 'email']),
  destination: z.string(),
  expiresAt: z.iso.datetime(),
  /** Seconds before another code may be requested for this target. */
  resendAfterSeconds: z.number().int(),
})
export type PortalOtpRequested = z.infer<typeof PortalOtpRequested>

export const PortalOtpVerifyBody = z.object({
  target: PortalOtpTarget,
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'must be 6 digits'),
  tenant: z.string().trim().min(1).max(63).optional(),
})
export type PortalOtpVerifyBody = z.infer<typeof PortalOtpVerifyBody>

// ─── Embeddable web form ────────────────────────────────────────────────────────────────────

export const WebFormParams = z.object({ tenantSlug: z.string().trim().min(1).max(63) })

export const WebFormBody = z
  .object({
    name: z.string().trim().min(1).max(100),
    email: z.email().max(254).optional(),
    mobile: z
      .string()
      .trim()
      .regex(/^(?:\+86|0086)?[\s-]*1[\d\s-]{10,14}$/, 'must be a mainland mobile number')
      .optional(),
    company: z.string().trim().max(200).optional(),
    subject: z.string().trim().min(1).max(200),
    description: z.string().trim().min(1).max(5000),
    /** Honeypot: hidden from people; a filled value marks a robot. */
    website: z.string().max(500).optional(),
    /** Signed by the server when it rendered the form: a submission faster than a person can type is a robot. */
    formToken: z.string().min(10).max(200),
  })
  .refine((b) => b.email || b.mobile, { path: ['email'], message: 'give an email or a mobile number' })
export type WebFormBody = z.infer<typeof WebFormBody>

export const WebFormAccepted = z.object({ ok: z.literal(true), reference: z.string() })
export type WebFormAccepted = z.infer<typeof WebFormAccepted>

/** What an admin copies into the company's website. */
export const WebFormSnippet = z.object({ tenantSlug: z.string(), scriptUrl: z.string(), snippet: z.string() })
export type WebFormSnippet = z.infer<typeof WebFormSnippet>
