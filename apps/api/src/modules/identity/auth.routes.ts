// /api/auth/*: sign in and out, and the signed-in user's own account.
import {
  ApiToken,
  ChangePasswordBody,
  CreateApiTokenBody,
  CreatedApiToken,
  IdParams,
  LoginBody,
  LoginResult,
  Me,
  Ok,
  Session,
  TotpConfirmBody,
  TotpStartBody,
  TotpDisableBody,
  TotpEnrollment,
  UpdateProfileBody,
} from '@aftercare/contracts'
import { z } from 'zod'
import type { App } from '../../app.ts'
import type { Config } from '../../platform/config.ts'
import { contextOf } from '../../platform/http/access.ts'
import type { AccountService } from './account.service.ts'
import { isSecure, sessionCookieName, type AuthService } from './auth.service.ts'
import { KNOWN_DEVICE_DAYS } from './credentials.ts'

const tags = ['auth']

export function authRoutes(auth: AuthService, account: AccountService, config: Config) {
  const secure = isSecure(config.PUBLIC_URL)
  const cookieName = sessionCookieName(secure)
  const cookieOptions = { httpOnly: true, sameSite: 'lax' as const, secure, path: '/' }
  const deviceCookieName = secure ? '__Secure-aftercare_device' : 'aftercare_device'

  return (app: App) => {
    app.post(
      '/auth/login',
      {
        config: { access: { public: true }, rateLimit: { max: config.LOGIN_RATE_LIMIT_PER_MINUTE, timeWindow: '1 minute' } },
        schema: {
          tags,
          summary: 'Sign in; sets the session cookie and returns the CSRF token',
          body: LoginBody,
          response: { 200: LoginResult },
        },
      },
      async (req, reply) => {
        const r = await auth.login(req.body, {
          ip: req.ip,
          userAgent: req.headers['user-agent'] ?? null,
          requestId: String(req.id),
          device: req.cookies[deviceCookieName],
        })
        void reply.setCookie(cookieName, r.sessionToken, { ...cookieOptions, expires: r.expiresAt })
        // this browser is now a known device of the user: a lock others set off will not keep them out here
        void reply.setCookie(deviceCookieName, r.deviceCookie, { ...cookieOptions, path: '/api/auth', maxAge: KNOWN_DEVICE_DAYS * 86_400 })
        return { user: { ...r.me, csrfToken: r.csrfToken }, csrfToken: r.csrfToken }
      },
    )
    app.post(
      '/auth/logout',
      { config: { access: { authenticated: true } }, schema: { tags, summary: 'End the current session', response: { 200: Ok } } },
      async (req, reply) => {
        await auth.logout(contextOf(req))
        void reply.clearCookie(cookieName, cookieOptions)
        return { ok: true as const }
      },
    )
    app.get('/auth/me', { config: { access: { authenticated: true } }, schema: { tags, response: { 200: Me } } }, async (req) =>
      account.me(contextOf(req)),
    )
    app.patch(
      '/auth/me',
      {
        config: { access: { authenticated: true } },
        schema: { tags, summary: 'Change your name or language', body: UpdateProfileBody, response: { 200: Me } },
      },
      async (req) => account.updateProfile(contextOf(req), req.body),
    )
    app.post(
      '/auth/me/password',
      { config: { access: { authenticated: true } }, schema: { tags, body: ChangePasswordBody, response: { 200: Ok } } },
      async (req) => account.changePassword(contextOf(req), req.body),
    )
    app.post(
      '/auth/me/totp',
      {
        config: { access: { authenticated: true } },
        schema: {
          tags,
          summary: 'Start two-factor enrolment (asks for the password again)',
          body: TotpStartBody,
          response: { 200: TotpEnrollment },
        },
      },
      async (req) => account.startTotp(contextOf(req), req.body.password),
    )
    app.post(
      '/auth/me/totp/confirm',
      {
        config: { access: { authenticated: true } },
        schema: { tags, summary: 'Finish enrolment with a code from the app', body: TotpConfirmBody, response: { 200: Ok } },
      },
      async (req) => account.confirmTotp(contextOf(req), req.body.code),
    )
    app.delete(
      '/auth/me/totp',
      {
        config: { access: { authenticated: true } },
        schema: { tags, summary: 'Turn two-factor off (password and code)', body: TotpDisableBody, response: { 200: Ok } },
      },
      async (req) => account.disableTotp(contextOf(req), req.body),
    )
    app.get(
      '/auth/me/sessions',
      { config: { access: { authenticated: true } }, schema: { tags, response: { 200: z.array(Session) } } },
      async (req) => account.listSessions(contextOf(req)),
    )
    app.delete(
      '/auth/me/sessions',
      {
        config: { access: { authenticated: true } },
        schema: { tags, summary: 'Sign out all your other sessions', response: { 200: z.object({ revoked: z.number().int() }) } },
      },
      async (req) => account.revokeOtherSessions(contextOf(req)),
    )
    app.delete(
      '/auth/me/sessions/:id',
      { config: { access: { authenticated: true } }, schema: { tags, params: IdParams, response: { 200: Ok } } },
      async (req) => account.revokeSession(contextOf(req), req.params.id),
    )
    app.get(
      '/auth/me/tokens',
      { config: { access: { permission: 'tokens.manage_own' } }, schema: { tags, response: { 200: z.array(ApiToken) } } },
      async (req) => account.listTokens(contextOf(req)),
    )
    app.post(
      '/auth/me/tokens',
      {
        config: { access: { permission: 'tokens.manage_own' } },
        schema: { tags, summary: 'Create an API token (shown once)', body: CreateApiTokenBody, response: { 201: CreatedApiToken } },
      },
      async (req, reply) => reply.status(201).send(await account.createToken(contextOf(req), req.body)),
    )
    app.delete(
      '/auth/me/tokens/:id',
      { config: { access: { permission: 'tokens.manage_own' } }, schema: { tags, params: IdParams, response: { 200: Ok } } },
      async (req) => account.revokeToken(contextOf(req), req.params.id),
    )
  }
}
