// WeChat official account (服务号) template messages.
// Token: POST /cgi-bin/stable_token (the same token for every caller until it expires, so several
// workers do not invalidate each other's tokens). Send: POST /cgi-bin/message/template/send with
// client_msg_id = our delivery id (WeChat sends one message per openid + client_msg_id).
// https://developers.weixin.qq.com/doc/offiaccount/Message_Management/Template_Message_Interface.html
import { createHash } from 'node:crypto'
import { errcodeOf, request } from './http.ts'
import { strictPolicy, type OutboundPolicy } from './outbound-guard.ts'
import { DeliveryError, requireSecret, requireSetting, type ChannelAdapter } from './types.ts'

/**
 * Category templates type their keys, and WeChat rejects values over the type's limit:
 * thing ≤20 characters, phrase ≤5, name ≤10, character_string / number / letter ≤32, symbol ≤5,
 * car_number ≤8, phone_number ≤17. Other keys (time, date, amount) are sent as they are.
 */
const limits: [RegExp, number][] = [
  [/^thing\d+$/, 20],
  [/^phrase\d+$/, 5],
  [/^name\d+$/, 10],
  [/^(character_string|number|letter)\d+$/, 32],
  [/^symbol\d+$/, 5],
  [/^car_number\d+$/, 8],
  [/^phone_number\d+$/, 17],
]

export function fitTemplateValue(key: string, value: string): string {
  const max = limits.find(([re]) => re.test(key))?.[1]
  const chars = [...value]
  if (max === undefined || chars.length <= max) return value
  return key.startsWith('thing') ? `${chars.slice(0, max - 1).join('')}…` : chars.slice(0, max).join('')
}

/** Token errors: drop the cached token and try again at once. */
const tokenErrors = new Set([40001, 40014, 42001])

export function wechatMpAdapter(now: () => Date, policy: OutboundPolicy = strictPolicy): ChannelAdapter {
  const tokens = new Map<string, { token: string; expiresAt: number }>()

  async function accessToken(endpoint: string, appId: string, appSecret: string): Promise<string> {
    const key = createHash('sha256').update(`${endpoint}\n${appId}\n${appSecret}`).digest('hex')
    const cached = tokens.get(key)
    if (cached && cached.expiresAt > now().getTime()) return cached.token
    const res = await request(
      `${endpoint}/cgi-bin/stable_token`,
      { body: JSON.stringify({ grant_type: 'client_credential', appid: appId, secret: appSecret, force_refresh: false }) },
      now,
      policy,
    )
    const body = (res.json ?? {}) as { access_token?: string; expires_in?: number }
    if (!body.access_token) {
      const { errcode, errmsg } = errcodeOf(res.json)
      throw new DeliveryError(`WeChat token ${errcode}: ${errmsg}`, { retryable: errcode === -1, code: `wechat_${errcode}` })
    }
    // renew five minutes early
    tokens.set(key, { token: body.access_token, expiresAt: now().getTime() + ((body.expires_in ?? 7200) - 300) * 1000 })
    return body.access_token
  }

  return {
    kind: 'wechat_mp',
    idempotent: true,
    async send(channel, msg) {
      if (!msg.to) throw new DeliveryError('No WeChat openid for the recipient', { retryable: false, code: 'no_address' })
      if (!msg.externalId) throw new DeliveryError(`No WeChat template_id for ${msg.eventType}`, { retryable: false, code: 'no_template' })
      const endpoint = requireSetting(channel, 'endpoint').replace(/\/$/, '')
      const appId = requireSetting(channel, 'appId')
      const appSecret = requireSecret(channel, 'appSecret')
      const token = await accessToken(endpoint, appId, appSecret)
      const data = Object.fromEntries(Object.entries(msg.params).map(([k, v]) => [k, { value: fitTemplateValue(k, v) }]))
      const body = {
        touser: msg.to,
        template_id: msg.externalId,
        ...(msg.link && channel.settings.linkTickets !== false ? { url: msg.link } : {}),
        client_msg_id: msg.deliveryId.replace(/-/g, ''),
        data,
      }
      const res = await request(
        `${endpoint}/cgi-bin/message/template/send?access_token=${encodeURIComponent(token)}`,
        { body: JSON.stringify(body) },
        now,
        policy,
      )
      const { errcode, errmsg } = errcodeOf(res.json)
      if (errcode === 0) return { providerRef: String((res.json as { msgid?: unknown }).msgid ?? '') || null }
      if (tokenErrors.has(errcode)) {
        for (const [k, v] of tokens) if (v.token === token) tokens.delete(k)
        throw new DeliveryError(`WeChat ${errcode}: ${errmsg}`, { retryable: true, retryAfterMs: 0, code: `wechat_${errcode}` })
      }
      // -1: busy; 45009: over the daily/minute quota. 43004 (not following), 40003 (bad openid), 40037 (bad template) are final.
      throw new DeliveryError(`WeChat ${errcode}: ${errmsg}`, { retryable: errcode === -1 || errcode === 45009, code: `wechat_${errcode}` })
    },
  }
}
