// 一物一码: every device's QR label carries a short signed URL (`PUBLIC_URL/q/<token>`). Scanning
// it opens a form pre-filled with the device; the reporter proves they belong to the owner with a
// one-time code sent to one of the owner's contacts, then submits a report that becomes a ticket
// linked to the device. No account is needed, and nothing identifying is shown before the code.
import { randomInt, randomUUID } from 'node:crypto'
import QRCode from 'qrcode'
import type { DeviceQr, OtpChannel, OtpRequestedEvent, QrPrefill, QrReportBody, QrReportResult } from '@aftercare/contracts'
import type { DbOrTx } from '../../platform/db/index.ts'
import { MAX_LABELS, renderLabelSheet, type LabelPreset } from '../../platform/pdf/index.ts'
import { AppError, NotFoundError, ValidationError } from '../../platform/errors.ts'
import type { RequestContext } from '../../platform/http/access.ts'
import type { ModuleDeps } from '../../modules.ts'
import { findContact, findCustomerSummary, listContacts, maskEmail, maskName, maskPhone, who } from '../customers/index.ts'
import { deviceRepository, productRepository, reportCodeRepository } from './devices.repository.ts'
import type { DeviceRow } from './devices.tables.ts'
import { hashOtp, sameOtpHash, signDeviceToken, signReportToken, verifyDeviceToken, verifyReportToken } from './qr-token.ts'
import type { DeviceService } from './devices.service.ts'

export const OTP_TTL_MINUTES = 10
export const OTP_MAX_ATTEMPTS = 5
/** Codes one device may send per hour, whoever asks (an SMS costs money and annoys the owner). */
export const OTP_PER_DEVICE_PER_HOUR = 3
export const REPORT_TOKEN_MINUTES = 30

/** What the QR flow needs from the tickets module; absent until it is wired. */
export interface QrTicketPort {
  createTicket(
    tx: DbOrTx,
    tenantId: string,
    input: {
      subject: string
      description: string
      customerId: string
      deviceId: string
      channel: 'qr'
      requesterName?: string
      requesterPhone?: string
      requesterEmail?: string
    },
    author: { type: 'customer'; name: string | null },
  ): Promise<{ id: string; number: string }>
}

const invalidQr = () => new AppError(400, 'qr_invalid', 'This QR code is not valid: it was altered or does not come from this service')
const expiredQr = () => new AppError(410, 'qr_expired', 'This QR code link has expired; ask the service desk for a new label')

export function createQrService(
  { config, database, audit, outbox, clock }: ModuleDeps,
  devices: DeviceService,
  tickets: QrTicketPort | undefined,
) {
  const publicUrl = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '')
  const secret = config.SECRET_KEY

  function qrOf(device: DeviceRow, expiresInDays?: number): DeviceQr {
    const expiresAt = expiresInDays ? new Date(clock.now().getTime() + expiresInDays * 86_400_000) : undefined
    const token = signDeviceToken(secret, device.qrCode, expiresAt)
    return { token, url: `${publicUrl}/q/${token}`, expiresAt: expiresAt?.toISOString() ?? null }
  }

  /** The tenant and device a token names; 400 when altered, 410 when expired, 404 when the device is gone. */
  async function locate(token: string): Promise<{ tenantId: string; id: string }> {
    const check = verifyDeviceToken(secret, token, clock.now())
    if (!check.ok) throw check.reason === 'expired' ? expiredQr() : invalidQr()
    const hit = await deviceRepository.locateQrCode(database.db, check.qrCode)
    if (!hit) throw new AppError(404, 'qr_unknown', 'This device is no longer registered with the service desk')
    return hit
  }

  async function deviceOf(tx: DbOrTx, id: string): Promise<DeviceRow> {
    const d = await deviceRepository.findById(tx, id)
    if (!d) throw new AppError(404, 'qr_unknown', 'This device is no longer registered with the service desk')
    return d
  }

  /** The owner's contact that may receive a code on this channel. */
  async function contactFor(tx: DbOrTx, device: DeviceRow, contactId: string, channel: OtpChannel) {
    const c = await findContact(tx, contactId)
    if (!c || c.customerId !== device.customerId) throw ValidationError.field('contactId', 'is not a contact of this device’s owner')
    const to = channel === 'sms' ? c.mobile : c.email
    if (!to || (channel === 'sms' && !/^1\d{10}$/.test(to)))
      throw ValidationError.field('channel', `the contact has no ${channel === 'sms' ? 'mainland mobile number' : 'email'}`)
    return { contact: c, to }
  }

  const masked = (channel: OtpChannel, to: string) => (channel === 'sms' ? maskPhone(to) : maskEmail(to))

  /** The signed link of a device's label (staff). */
  async function link(ctx: RequestContext, id: string, expiresInDays?: number): Promise<DeviceQr> {
    const d = await database.withTenant(ctx.actor.tenantId, (tx) => deviceRepository.findById(tx, id))
    if (!d) throw new NotFoundError('device', id)
    return qrOf(d, expiresInDays)
  }

  return {
    link,

    /** The label as an image: PNG (print, 8 px per module) or SVG (scales to any size). */
    async image(ctx: RequestContext, id: string, format: 'png' | 'svg', expiresInDays?: number): Promise<Buffer | string> {
      const { url } = await link(ctx, id, expiresInDays)
      const options = { errorCorrectionLevel: 'M' as const, margin: 2 }
      return format === 'png'
        ? QRCode.toBuffer(url, { ...options, type: 'png', scale: 8 })
        : QRCode.toString(url, { ...options, type: 'svg' })
    },

    /**
     * A printable A4 sheet of labels (PDF): each with the QR code, the product and serial number, and
     * the owner. Devices by id (in the order given) or every device of one customer; the print is audited.
     */
    async labelSheet(ctx: RequestContext, q: { ids?: string; customerId?: string; preset: LabelPreset; skip: number }): Promise<Buffer> {
      const tenantId = ctx.actor.tenantId
      const labels = await database.withTenant(tenantId, async (tx) => {
        let rows: DeviceRow[]
        if (q.ids) {
          const ids = [...new Set(q.ids.toLowerCase().split(','))]
          const found = await deviceRepository.findByIds(tx, ids)
          const missing = ids.filter((id) => !found.some((r) => r.id === id))
          if (missing.length) throw ValidationError.field('ids', `unknown devices: ${missing.slice(0, 5).join(', ')}`)
          rows = ids.map((id) => found.find((r) => r.id === id)!)
        } else {
          if (!(await findCustomerSummary(tx, q.customerId!))) throw new NotFoundError('customer', q.customerId)
          rows = await deviceRepository.ofCustomer(tx, q.customerId!)
          if (!rows.length) throw ValidationError.field('customerId', 'the customer has no devices')
        }
        if (rows.length > MAX_LABELS) throw ValidationError.field('ids', `at most ${MAX_LABELS} labels per document`)
        const list = await devices.hydrate(tx, rows)
        await audit.record(tx, {
          ...who(ctx),
          tenantId,
          action: 'device.labels_printed',
          entityType: 'device',
          entityId: null,
          after: { devices: rows.length },
        })
        return rows.map((r, i) => ({ url: qrOf(r).url, device: list[i]! }))
      })
      const rendered = await Promise.all(
        labels.map(async ({ url, device }) => ({
          qrPng: await QRCode.toBuffer(url, { errorCorrectionLevel: 'M', margin: 1, scale: 6, type: 'png' }),
          title: `${device.product.name} ${device.product.model}`,
          subtitle: `SN ${device.serialNumber}\n${device.customer.name}\n扫码报修 Scan to report`,
        })),
      )
      return renderLabelSheet(rendered, { preset: q.preset, skip: q.skip, outline: true })
    },

    /** What the phone shows after a scan: device, model, masked owner, warranty, where a code can go. */
    async prefill(token: string): Promise<QrPrefill> {
      const { tenantId, id } = await locate(token)
      return database.withTenant(tenantId, async (tx) => {
        const row = await deviceOf(tx, id)
        const [device] = await devices.hydrate(tx, [row])
        const contacts = await listContacts(tx, row.customerId)
        const options: QrPrefill['verifyOptions'] = []
        for (const c of contacts) {
          if (c.mobile && /^1\d{10}$/.test(c.mobile)) options.push({ contactId: c.id, channel: 'sms', destination: maskPhone(c.mobile) })
          if (c.email) options.push({ contactId: c.id, channel: 'email', destination: maskEmail(c.email) })
        }
        return {
          device: {
            serialNumber: row.serialNumber,
            model: device!.product.model,
            productName: device!.product.name,
            category: device!.product.category,
          },
          ownerName: maskName(device!.customer.name),
          warrantyState: device!.warrantyState,
          warrantyEndsOn: device!.warrantyEndsOn,
          verifyOptions: options,
        }
      })
    },

    /** Sends a 6-digit code to one of the owner's contacts (through the notification center). */
    async requestCode(token: string, body: { contactId: string; channel: OtpChannel }, ip: string) {
      const { tenantId, id } = await locate(token)
      return database.withTenant(tenantId, async (tx) => {
        const device = await deviceOf(tx, id)
        const { to } = await contactFor(tx, device, body.contactId, body.channel)
        const now = clock.now()
        if ((await reportCodeRepository.countSince(tx, id, new Date(now.getTime() - 3_600_000))) >= OTP_PER_DEVICE_PER_HOUR)
          throw new AppError(429, 'otp_rate_limited', 'Too many codes were sent for this device in the last hour; try again later')
        const codeId = randomUUID()
        const code = String(randomInt(0, 1_000_000)).padStart(6, '0')
        const expiresAt = new Date(now.getTime() + OTP_TTL_MINUTES * 60_000)
        await reportCodeRepository.insert(tx, {
          id: codeId,
          tenantId,
          deviceId: id,
          contactId: body.contactId,
          channel: body.channel,
          codeHash: hashOtp(secret, codeId, code),
          expiresAt,
          attempts: 0,
          ip,
          createdAt: now,
        })
        // The code travels once, in the event the notification center sends; only its hash is stored here.
        const payload: OtpRequestedEvent = {
          channel: body.channel,
          to,
          code,
          ttlMinutes: OTP_TTL_MINUTES,
          purpose: 'device_report',
          recipientId: body.contactId,
        }
        await outbox.publish(tx, {
          tenantId,
          type: 'notification.otp_requested',
          aggregateType: 'device',
          aggregateId: id,
          payload: { ...payload },
        })
        await audit.record(tx, {
          tenantId,
          actorType: 'anonymous',
          actorId: null,
          action: 'device.report_code_sent',
          entityType: 'device',
          entityId: id,
          after: { contactId: body.contactId, channel: body.channel },
          ip,
        })
        return { destination: masked(body.channel, to), expiresAt: expiresAt.toISOString() }
      })
    },

    /** Checks a code: at most 5 tries, 10 minutes; success gives a report token valid 30 minutes. */
    async verifyCode(token: string, body: { contactId: string; code: string }) {
      const { tenantId, id } = await locate(token)
      const now = clock.now()
      // A wrong code must count even though the answer is an error: decide inside, throw after commit.
      const outcome = await database.withTenant(tenantId, async (tx) => {
        const row = await reportCodeRepository.latestOpen(tx, id, body.contactId)
        if (!row) return { error: new AppError(422, 'otp_invalid', 'No code was sent to this contact for this device; request one first') }
        if (row.expiresAt.getTime() <= now.getTime())
          return { error: new AppError(410, 'otp_expired', 'The code has expired; request a new one') }
        if (row.attempts >= OTP_MAX_ATTEMPTS) return { error: new AppError(429, 'otp_locked', 'Too many wrong codes; request a new one') }
        if (!sameOtpHash(row.codeHash, hashOtp(secret, row.id, body.code))) {
          await reportCodeRepository.update(tx, row.id, { attempts: row.attempts + 1 })
          const left = OTP_MAX_ATTEMPTS - row.attempts - 1
          return {
            error: new AppError(422, 'otp_wrong', `The code is not correct; ${left} attempt(s) left`, {
              issues: [{ path: 'code', message: `is not correct; ${left} attempt(s) left` }],
            }),
          }
        }
        await reportCodeRepository.update(tx, row.id, { attempts: row.attempts + 1, verifiedAt: now })
        return { codeId: row.id }
      })
      if ('error' in outcome) throw outcome.error
      const expiresAt = new Date(now.getTime() + REPORT_TOKEN_MINUTES * 60_000)
      return { reportToken: signReportToken(secret, outcome.codeId, expiresAt), expiresAt: expiresAt.toISOString() }
    },

    /** Creates a ticket linked to the device, once per verified code. */
    async report(token: string, body: QrReportBody, ip: string): Promise<QrReportResult> {
      const { tenantId, id } = await locate(token)
      const check = verifyReportToken(secret, body.reportToken, clock.now())
      if (!check.ok)
        throw check.reason === 'expired'
          ? new AppError(410, 'report_token_expired', 'The verification has expired; verify with a new code')
          : new AppError(401, 'report_token_invalid', 'Verify with a one-time code before reporting', {
              issues: [{ path: 'reportToken', message: 'is not valid' }],
            })
      if (!tickets) throw new AppError(503, 'tickets_unavailable', 'Reports cannot be taken yet; call the service desk')
      return database.withTenant(tenantId, async (tx) => {
        const code = await reportCodeRepository.findById(tx, check.codeId, { forUpdate: true })
        if (!code || code.deviceId !== id || !code.verifiedAt)
          throw new AppError(401, 'report_token_invalid', 'Verify with a one-time code before reporting', {
            issues: [{ path: 'reportToken', message: 'is not valid' }],
          })
        if (code.usedAt)
          throw new AppError(
            409,
            'report_already_submitted',
            'A report was already submitted with this verification; verify again for another one',
          )
        const device = await deviceOf(tx, id)
        const contact = await findContact(tx, code.contactId)
        const owner = await findCustomerSummary(tx, device.customerId)
        const product = await productRepository.findById(tx, device.productId)
        const reporterName = body.reporterName ?? contact?.name ?? null
        const ticket = await tickets.createTicket(
          tx,
          tenantId,
          {
            subject: body.subject,
            description: `${body.description}\n\n— ${product?.model ?? ''} ${device.serialNumber}${owner ? ` · ${owner.name}` : ''}`,
            customerId: device.customerId,
            deviceId: id,
            channel: 'qr',
            ...(reporterName ? { requesterName: reporterName } : {}),
            ...(code.channel === 'sms' && contact?.mobile ? { requesterPhone: contact.mobile } : {}),
            ...(code.channel === 'email' && contact?.email ? { requesterEmail: contact.email } : {}),
          },
          { type: 'customer', name: reporterName },
        )
        await reportCodeRepository.update(tx, code.id, { usedAt: clock.now() })
        await audit.record(tx, {
          tenantId,
          actorType: 'anonymous',
          actorId: null,
          action: 'device.reported',
          entityType: 'device',
          entityId: id,
          after: { ticketId: ticket.id, contactId: code.contactId },
          ip,
        })
        return { ticketId: ticket.id, ticketNumber: ticket.number }
      })
    },
  }
}

export type QrService = ReturnType<typeof createQrService>
