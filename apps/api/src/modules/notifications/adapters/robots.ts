// Group robots: WeCom (企业微信) group robot and DingTalk custom robot. Both allow 20 messages a minute
// per robot (the delivery loop enforces it before sending; see delivery.ts).
// WeCom: https://developer.work.weixin.qq.com/document/path/91770
// DingTalk: https://open.dingtalk.com/document/robots/custom-robot-access (加签)
import { createHmac } from 'node:crypto'
import { errcodeOf, request } from './http.ts'
import { strictPolicy, type OutboundPolicy } from './outbound-guard.ts'
import { DeliveryError, requireSecret, requireSetting, truncateBytes, type ChannelAdapter, type OutgoingMessage } from './types.ts'

/** Messages a robot accepts per minute. */
export const ROBOT_MESSAGES_PER_MINUTE = 20

const markdownOf = (m: OutgoingMessage) =>
  `**${m.subject}**\n\n${m.body}${m.link && !m.body.includes(m.link) ? `\n\n[${m.link}](${m.link})` : ''}`

export function wecomRobotAdapter(now: () => Date, policy: OutboundPolicy = strictPolicy): ChannelAdapter {
  return {
    kind: 'wecom_robot',
    idempotent: false,
    async send(channel, msg) {
      const url = `${requireSetting(channel, 'endpoint')}?key=${encodeURIComponent(requireSecret(channel, 'key'))}`
      // markdown content is limited to 4096 bytes of UTF-8
      const body = { msgtype: 'markdown', markdown: { content: truncateBytes(markdownOf(msg), 4096) } }
      const res = await request(url, { body: JSON.stringify(body) }, now, policy)
      const { errcode, errmsg } = errcodeOf(res.json)
      if (errcode === 0) return { providerRef: null }
      // 45009: over the frequency limit; -1: system busy
      const retryable = errcode === 45009 || errcode === -1
      throw new DeliveryError(`WeCom ${errcode}: ${errmsg}`, {
        retryable,
        retryAfterMs: errcode === 45009 ? 60_000 : null,
        code: `wecom_${errcode}`,
      })
    },
  }
}

/** sign = urlEncode(base64(HmacSHA256(key = secret, message = timestamp + "\n" + secret))). */
export function dingtalkSign(secret: string, timestampMs: number): string {
  return encodeURIComponent(createHmac('sha256', secret).update(`${timestampMs}\n${secret}`).digest('base64'))
}

export function dingtalkRobotAdapter(now: () => Date, policy: OutboundPolicy = strictPolicy): ChannelAdapter {
  return {
    kind: 'dingtalk_robot',
    idempotent: false,
    async send(channel, msg) {
      let url = `${requireSetting(channel, 'endpoint')}?access_token=${encodeURIComponent(requireSecret(channel, 'accessToken'))}`
      const signSecret = channel.secrets.signSecret
      if (signSecret) {
        const ts = now().getTime()
        url += `&timestamp=${ts}&sign=${dingtalkSign(signSecret, ts)}`
      }
      const body = { msgtype: 'markdown', markdown: { title: msg.subject.slice(0, 100), text: truncateBytes(markdownOf(msg), 5000) } }
      const res = await request(url, { body: JSON.stringify(body) }, now, policy)
      const { errcode, errmsg } = errcodeOf(res.json)
      if (errcode === 0) return { providerRef: null }
      // 130101: more than 20 a minute, the robot is throttled for 10 minutes; -1: system busy
      const retryable = errcode === 130101 || errcode === -1
      throw new DeliveryError(`DingTalk ${errcode}: ${errmsg}`, {
        retryable,
        retryAfterMs: errcode === 130101 ? 10 * 60_000 : null,
        code: `dingtalk_${errcode}`,
      })
    },
  }
}
