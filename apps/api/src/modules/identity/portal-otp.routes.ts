// /api/auth/portal/*: a customer contact signs in to the portal with a one-time code.
import { LoginResult, PortalOtpRequestBody, PortalOtpRequested, PortalOtpVerifyBody } from '@aftercare/contracts'
import type { App } from '../../app.ts'
import type { Config } from '../../platform/config.ts'
import { isSecure, sessionCookieName } from './auth.service.ts'
import type { PortalOtpService } from './portal-otp.service.ts'

const tags = ['auth']

export function portalOtpRoutes(portal: PortalOtpService, config: Config) {
  const secure = isSecure(config.PUBLIC_URL)
  const cookieName = sessionCookieName(secure)
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure, path: '/' }
  const perMinute = { max: config.LOGIN_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' }

  return (app: App) => {
    app.post(
      '/auth/portal/otp',
      {
        config: { access: { public: true }, rateLimit: perMinute },
        schema: {
          tags,
          summary: 'Send a 6-digit sign-in code (10 minutes, 5 attempts) to a contact’s mobile or email; same answer for unknown addresses',
          body: PortalOtpRequestBody,
          response: { 200: PortalOtpRequested },
        },
      },
      async (req) => portal.requestCode(req.body, req.ip),
    )
    app.post(
      '/auth/portal/otp/verify',
      {
        config: { access: { public: true }, rateLimit: perMinute },
        schema: {
          tags,
          summary: 'Sign in to the portal with the code; sets the session cookie and returns the CSRF token',
          body: PortalOtpVerifyBody,
          response: { 200: LoginResult },
        },
      },
      async (req, reply) => {
        const r = await portal.verifyCode(req.body, {
          ip: req.ip,
          userAgent: req.headers['user-agent'] ?? null,
          requestId: String(req.id),
        })
        void reply.setCookie(cookieName, r.sessionToken, { ...cookieOptions, expires: r.expiresAt })
        return { user: { ...r.me, csrfToken: r.csrfToken }, csrfToken: r.csrfToken }
      },
    )
  }
}
