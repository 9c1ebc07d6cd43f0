// Portal sign-in with a one-time code (R1.1): a customer contact enters their mobile number or
// email, receives a 6-digit code through the notification center (the same
// `notification.otp_requested` event the device QR report uses), and signs in with it.
//
// No account enumeration: every well-formed request gets the same answer and is counted against
// the same limits, whether or not the target names a contact (the code of an unknown target is
// stored hashed and never sent, so no guess can succeed). Codes live 10 minutes and allow 5 tries.
import { createHmac, randomInt, randomUUID, timingSafeEqual } from 'node:crypto'
import type { Locale, OtpRequestedEvent, PortalOtpRequestBody, PortalOtpRequested, PortalOtpVerifyBody } from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { AppError, ValidationError } from '../../platform/errors.ts'
import { loadMe, type IdentityDeps, type LoginMeta } from './auth.service.ts'
import { randomSecret, sha256 } from './credentials.ts'
import { identityRepository as repo } from './identity.repository.ts'
import type { UserRow } from './identity.tables.ts'
import { portalOtpRepository as codes } from './portal-otp.repository.ts'
import type { UsersService } from './users.service.ts'

export const PORTAL_OTP_TTL_MINUTES = 10
export const PORTAL_OTP_MAX_ATTEMPTS = 5
/** A new code for the same target at most this often… */
export const PORTAL_OTP_RESEND_SECONDS = 60
/** …and at most this many an hour (an SMS costs money and annoys its owner). */
export const PORTAL_OTP_PER_TARGET_PER_HOUR = 3
/** Codes one client address may request an hour, whatever the targets. */
export const PORTAL_OTP_PER_IP_PER_HOUR = 30
/** Without a tenant slug the target is looked up in at most this many tenants. */
const MAX_TENANTS_SCANNED = 100

/** A contact of a customer, as the customers module knows them (wired in modules.ts). */
export interface PortalContact {
  id: string
  customerId: string
  name: string
  mobile: string | null
  email: string | null
}
export type PortalContactLookup = (tx: DbOrTx, by: { mobile?: string; email?: string }) => Promise<PortalContact[]>

type Target = { channel: 'email'; email: string; value: string } | { channel: 'sms'; mobile: string; value: string }

/** An email (lower-cased) or an 11-digit mainland mobile; anything else names the field. */
export function parseTarget(raw: string): Target {
  const s = raw.trim().normalize('NFC')
  if (s.includes('@')) {
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s)) throw ValidationError.field('target', 'is not an email address')
    const email = s.toLowerCase()
    return { channel: 'email', email, value: email }
  }
  const mobile = s.replace(/[\s-]/g, '').replace(/^(?:\+86|0086)(?=1\d{10}$)/, '')
  if (!/^1\d{10}$/.test(mobile)) throw ValidationError.field('target', 'is neither an email address nor a mainland mobile number')
  return { channel: 'sms', mobile, value: mobile }
}

const mask = (t: Target) =>
  t.channel === 'sms'
    ? `${t.mobile.slice(0, 3)}****${t.mobile.slice(7)}`
    : t.email.replace(/^([^@]{1,2})[^@]*@/, (_m, head: string) => `${head}***@`)

/** Who a target signs in as: an existing portal user, or a contact who gets one on first sign-in. */
interface Resolved {
  tenantId: string
  user: UserRow | null
  contact: PortalContact | null
  customerId: string
}

const wrongCode = (left: number) =>
  new AppError(422, 'otp_wrong', `The code is not correct; ${left} attempt(s) left`, {
    issues: [{ path: 'code', message: `is not correct; ${left} attempt(s) left` }],
  })

export function createPortalOtpService(deps: IdentityDeps, users: UsersService, contactsByTarget: PortalContactLookup | undefined) {
  const { database, audit, outbox, clock, config, log } = deps
  const hmac = (...parts: string[]) => createHmac('sha256', config.SECRET_KEY).update(parts.join('\u0000')).digest('hex')
  const targetHash = (t: Target) => hmac('portal-target', t.value)
  const codeHash = (id: string, code: string) => hmac('portal-code', id, code)

  /** The portal user or contact this target names in one tenant; null when none or ambiguous. */
  async function resolveIn(tenantId: string, t: Target): Promise<Resolved | null> {
    return database.withTenant(tenantId, async (tx) => {
      const by = t.channel === 'email' ? { email: t.email } : { mobile: t.mobile }
      const matches = await codes.usersByTarget(tx, tenantId, by)
      // A staff account with this address never signs in through the portal.
      if (matches.some((u) => !u.roles.includes('customer_contact'))) return null
      const portal = matches.filter((u) => u.status === 'active' && u.customerOrgId)
      if (portal.length === 1) return { tenantId, user: portal[0]!, contact: null, customerId: portal[0]!.customerOrgId! }
      if (portal.length > 1 || matches.length > 0 || !contactsByTarget) return null
      const contacts = await contactsByTarget(tx, by)
      const orgs = new Set(contacts.map((c) => c.customerId))
      if (orgs.size !== 1) return null
      return { tenantId, user: null, contact: contacts[0]!, customerId: contacts[0]!.customerId }
    })
  }

  async function resolve(t: Target, slug: string | undefined): Promise<Resolved | null> {
    const tenantIds = slug
      ? [await codes.findTenantIdBySlug(database.db, slug.toLowerCase())].filter((x): x is string => Boolean(x))
      : await codes.listTenantIds(database.db, MAX_TENANTS_SCANNED)
    const found: Resolved[] = []
    for (const id of tenantIds) {
      const r = await resolveIn(id, t)
      if (r) found.push(r)
      if (found.length > 1) return null
    }
    return found[0] ?? null
  }

  /** A portal account for a contact signing in for the first time (the code proved the address). */
  async function provision(r: Resolved, t: Target, locale: Locale): Promise<UserRow | null> {
    const c = r.contact!
    const email = c.email ?? `m${c.mobile ?? t.value}@portal.invalid`
    try {
      const created = await users.createUser(r.tenantId, {
        email,
        name: c.name,
        ...(c.mobile ? { phone: c.mobile } : {}),
        password: randomSecret(),
        roles: ['customer_contact'],
        locale,
        customerOrgId: r.customerId,
      })
      return (await database.withTenant(r.tenantId, (tx) => repo.findUserById(tx, r.tenantId, created.id))) ?? null
    } catch (e) {
      log.warn(
        { err: e instanceof Error ? e.message : String(e), contactId: c.id },
        'portal sign-in: no account could be made for the contact',
      )
      return null
    }
  }

  return {
    /** Sends a code when the target names a contact; the answer is the same either way. */
    async requestCode(body: PortalOtpRequestBody, ip: string): Promise<PortalOtpRequested> {
      const t = parseTarget(body.target)
      const now = clock.now()
      const hash = targetHash(t)
      const hourAgo = new Date(now.getTime() - 3_600_000)
      if ((await codes.countForIpSince(database.db, ip, hourAgo)) >= PORTAL_OTP_PER_IP_PER_HOUR)
        throw new AppError(429, 'portal_otp_rate_limited', 'Too many codes were requested from this address; try again later')
      const latest = await codes.latestForTarget(database.db, hash)
      const wait = latest ? Math.ceil((latest.createdAt.getTime() + PORTAL_OTP_RESEND_SECONDS * 1000 - now.getTime()) / 1000) : 0
      if (wait > 0) throw new AppError(429, 'otp_too_soon', `A code was just sent; request another one in ${wait} s`)
      if ((await codes.countForTargetSince(database.db, hash, hourAgo)) >= PORTAL_OTP_PER_TARGET_PER_HOUR)
        throw new AppError(
          429,
          'portal_otp_rate_limited',
          'Too many codes were requested for this address in the last hour; try again later',
        )

      const found = await resolve(t, body.tenant)
      const id = randomUUID()
      const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
      const expiresAt = new Date(now.getTime() + PORTAL_OTP_TTL_MINUTES * 60_000)
      await codes.insertCode(database.db, {
        id,
        targetHash: hash,
        channel: t.channel,
        tenantId: found?.tenantId ?? null,
        userId: found?.user?.id ?? null,
        contactId: found?.contact?.id ?? null,
        customerId: found?.customerId ?? null,
        codeHash: codeHash(id, code),
        expiresAt,
        attempts: 0,
        ip,
        createdAt: now,
      })
      if (found) {
        // The code travels once, in the event the notification center sends; only its hash is kept.
        const payload: OtpRequestedEvent = {
          channel: t.channel,
          to: t.value,
          code,
          ttlMinutes: PORTAL_OTP_TTL_MINUTES,
          purpose: 'portal_sign_in',
          locale: body.locale ?? found.user?.locale ?? 'zh-CN',
          recipientId: found.user?.id ?? found.contact?.id ?? null,
        }
        await database.withTenant(found.tenantId, async (tx) => {
          await outbox.publish(tx, {
            tenantId: found.tenantId,
            type: 'notification.otp_requested',
            aggregateType: 'portal_login',
            aggregateId: id,
            payload: { ...payload },
          })
          await audit.record(tx, {
            tenantId: found.tenantId,
            actorType: 'anonymous',
            actorId: null,
            action: 'auth.portal_code_sent',
            entityType: found.user ? 'user' : 'customer_contact',
            entityId: found.user?.id ?? found.contact!.id,
            after: { channel: t.channel },
            ip,
          })
        })
      } else log.info({ ip, channel: t.channel }, 'portal code requested for an address no portal contact has: nothing sent')
      return { channel: t.channel, destination: mask(t), expiresAt: expiresAt.toISOString(), resendAfterSeconds: PORTAL_OTP_RESEND_SECONDS }
    },

    /** Checks the newest code of the target and opens a portal session. */
    async verifyCode(body: PortalOtpVerifyBody, meta: LoginMeta & { locale?: Locale }) {
      const t = parseTarget(body.target)
      const now = clock.now()
      const slugTenant = body.tenant ? await codes.findTenantIdBySlug(database.db, body.tenant.toLowerCase()) : undefined
      // A wrong code must count even though the answer is an error: decide inside, throw after commit.
      const outcome = await database.transaction(
        async (tx): Promise<{ error: AppError } | { row: NonNullable<Awaited<ReturnType<typeof codes.latestForTarget>>> }> => {
          const row = await codes.latestForTarget(tx, targetHash(t))
          if (!row || row.usedAt) return { error: new AppError(422, 'otp_invalid', 'No code was sent to this address; request one first') }
          if (row.expiresAt.getTime() <= now.getTime())
            return { error: new AppError(410, 'otp_expired', 'The code has expired; request a new one') }
          if (row.attempts >= PORTAL_OTP_MAX_ATTEMPTS)
            return { error: new AppError(429, 'otp_locked', 'Too many wrong codes; request a new one') }
          const expected = Buffer.from(row.codeHash, 'hex')
          const given = Buffer.from(codeHash(row.id, body.code), 'hex')
          const right =
            expected.length === given.length &&
            timingSafeEqual(expected, given) &&
            row.tenantId &&
            (!body.tenant || row.tenantId === slugTenant)
          if (!right) {
            await codes.updateCode(tx, row.id, { attempts: row.attempts + 1 })
            return { error: wrongCode(PORTAL_OTP_MAX_ATTEMPTS - row.attempts - 1) }
          }
          await codes.updateCode(tx, row.id, { attempts: row.attempts + 1, usedAt: now })
          return { row }
        },
      )
      if ('error' in outcome) throw outcome.error
      const row = outcome.row
      const tenantId = row.tenantId!
      let user = row.userId ? await database.withTenant(tenantId, (tx) => repo.findUserById(tx, tenantId, row.userId!)) : undefined
      if (!user && row.contactId) {
        // Re-read the contact: it may have changed since the code was sent.
        const r = await resolveIn(tenantId, t)
        if (r?.user) user = r.user
        else if (r?.contact?.id === row.contactId) user = (await provision(r, t, meta.locale ?? 'zh-CN')) ?? undefined
      }
      if (!user || user.status !== 'active' || !user.roles.includes('customer_contact') || user.customerOrgId !== row.customerId)
        throw new AppError(422, 'otp_invalid', 'This address can no longer sign in to the portal; ask the service desk')

      if (row.userId !== user.id) await codes.updateCode(database.db, row.id, { userId: user.id })
      return database.withTenant(tenantId, async (tx) => {
        const sessionToken = randomSecret()
        const csrfToken = randomSecret()
        const expiresAt = new Date(now.getTime() + config.SESSION_TTL_HOURS * 3_600_000)
        const updated = await repo.updateUser(tx, tenantId, user.id, { lastLoginAt: now })
        const session = await repo.insertSession(tx, {
          tenantId,
          userId: user.id,
          tokenHash: sha256(sessionToken),
          csrfToken,
          createdAt: now,
          lastSeenAt: now,
          expiresAt,
          ip: meta.ip,
          userAgent: meta.userAgent?.slice(0, 500) ?? null,
        })
        await audit.record(tx, {
          tenantId,
          actorType: 'user',
          actorId: user.id,
          action: 'auth.login_succeeded',
          entityType: 'session',
          entityId: session.id,
          after: { userId: user.id, ip: meta.ip, expiresAt: expiresAt.toISOString(), method: `portal_code_${row.channel}` },
          requestId: meta.requestId,
          ip: meta.ip,
        })
        return { me: await loadMe(tx, updated), sessionToken, csrfToken, expiresAt }
      })
    },
  }
}

export type PortalOtpService = ReturnType<typeof createPortalOtpService>
