// Alibaba Cloud SMS (dysmsapi 2017-05-25): SendSms with the RPC V1 signature, and the SmsReport
// delivery-receipt push. https://help.aliyun.com/document_detail/101414.html (SendSms),
// https://help.aliyun.com/document_detail/315526.html (signature V1), SmsReport: doc 101867.
import { createHmac, randomUUID } from 'node:crypto'
import { SmsReportBody } from '@aftercare/contracts'
import { request } from './http.ts'
import { strictPolicy, type OutboundPolicy } from './outbound-guard.ts'
import { DeliveryError, requireSecret, requireSetting, type ChannelAdapter } from './types.ts'

/** RFC 3986 percent-encoding as Alibaba's signature wants it: only A–Z a–z 0–9 - _ . ~ stay as they are. */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
}

/** The canonical query (sorted by name, both sides encoded) of a parameter set. */
export function canonicalQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((k) => `${percentEncode(k)}=${percentEncode(params[k]!)}`)
    .join('&')
}

/** Signature = base64(HMAC-SHA1(AccessKeySecret + "&", "GET&%2F&" + percentEncode(canonicalQuery))). */
export function signRpc(method: 'GET' | 'POST', params: Record<string, string>, accessKeySecret: string): string {
  const stringToSign = `${method}&${percentEncode('/')}&${percentEncode(canonicalQuery(params))}`
  return createHmac('sha1', `${accessKeySecret}&`).update(stringToSign).digest('base64')
}

/** `2026-05-06T02:30:00Z`: ISO 8601 in UTC without milliseconds. */
export const rpcTimestamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z')

/** Codes worth another try later (frequency control, throttling, the service being busy). */
const retryableCodes = /^(isv\.BUSINESS_LIMIT_CONTROL|Throttling.*|ServiceUnavailable|InternalError|SignatureNonceUsed)$/

export function aliyunSmsAdapter(now: () => Date, policy: OutboundPolicy = strictPolicy): ChannelAdapter {
  return {
    kind: 'sms',
    // SendSms has no idempotency (the doc says so): never resend after an unknown outcome.
    idempotent: false,
    async send(channel, msg) {
      if (!msg.to) throw new DeliveryError('No mobile number', { retryable: false, code: 'no_address' })
      if (!msg.externalId)
        throw new DeliveryError(`No approved SMS template (TemplateCode) for ${msg.eventType}`, { retryable: false, code: 'no_template' })
      const params: Record<string, string> = {
        AccessKeyId: requireSetting(channel, 'accessKeyId'),
        Action: 'SendSms',
        Format: 'JSON',
        RegionId: typeof channel.settings.regionId === 'string' ? channel.settings.regionId : 'cn-hangzhou',
        SignatureMethod: 'HMAC-SHA1',
        SignatureNonce: randomUUID(),
        SignatureVersion: '1.0',
        Timestamp: rpcTimestamp(now()),
        Version: '2017-05-25',
        PhoneNumbers: msg.to,
        SignName: requireSetting(channel, 'signName'),
        TemplateCode: msg.externalId,
        TemplateParam: JSON.stringify(msg.params),
        // our delivery id comes back in the receipt as out_id
        OutId: msg.deliveryId,
      }
      const signature = signRpc('GET', params, requireSecret(channel, 'accessKeySecret'))
      const endpoint = requireSetting(channel, 'endpoint').replace(/\/?$/, '/')
      const url = `${endpoint}?Signature=${percentEncode(signature)}&${canonicalQuery(params)}`
      // errors come back as 4xx with a JSON Code: read them instead of failing on the status
      const res = await request(url, { method: 'GET', acceptStatus: (s) => s >= 400 && s < 500 && s !== 408 && s !== 429 }, now, policy)
      const body = (res.json ?? {}) as { Code?: string; Message?: string; BizId?: string }
      if (body.Code === 'OK') return { providerRef: body.BizId ?? null }
      const code = body.Code ?? `http_${res.status}`
      throw new DeliveryError(`${code}: ${body.Message ?? res.text.slice(0, 200)}`, {
        retryable: retryableCodes.test(code),
        retryAfterMs: code === 'isv.BUSINESS_LIMIT_CONTROL' ? 60_000 : null,
        code,
      })
    },
  }
}

export interface SmsReceipt {
  bizId: string
  outId: string | null
  phone: string
  delivered: boolean
  /** `DELIVERED`, or the carrier's error code. */
  code: string
  message: string
  reportedAt: string
}

/** Parses an SmsReport push (a JSON array); throws on anything else. */
export function parseSmsReport(body: unknown): SmsReceipt[] {
  return SmsReportBody.parse(body).map((r) => ({
    bizId: r.biz_id,
    outId: r.out_id || null,
    phone: r.phone_number,
    delivered: r.success,
    code: r.err_code,
    message: r.err_msg,
    reportedAt: r.report_time,
  }))
}

/** The answer Alibaba expects (only "code is a number 0" is checked). */
export const smsReportAck = { code: 0, msg: '接收成功' } as const
