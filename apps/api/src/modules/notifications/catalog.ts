// What each event offers templates (variables, sample values) and the built-in default texts.
// A tenant's own template (notification_templates) replaces a default for its key.
import type { Locale, NotificationChannel, NotificationEventType, TemplateAudience } from '@aftercare/contracts'

const ticketVars = ['ticket.number', 'ticket.subject', 'ticket.priority', 'ticket.status', 'ticket.url', 'customer.name', 'actor.name']
const common = ['recipient.name', 'app.url', 'event.time']

/** The variables each event offers (besides `recipient.name`, `app.url`, `event.time`). */
export const eventVariables: Record<NotificationEventType, readonly string[]> = {
  'ticket.created': [...ticketVars, 'ticket.description'],
  'ticket.assigned': [...ticketVars, 'assignee.name'],
  'ticket.mentioned': [...ticketVars, 'message.body', 'message.author'],
  'ticket.message_added': [...ticketVars, 'message.body', 'message.author'],
  'ticket.status_changed': [...ticketVars, 'status.from', 'status.to', 'status.reason'],
  'sla.warning': [...ticketVars, 'sla.target', 'sla.dueAt'],
  'sla.breached': [...ticketVars, 'sla.target', 'sla.dueAt'],
  'notification.otp_requested': ['otp.code', 'otp.minutes'],
  'webhook.disabled': ['webhook.name', 'webhook.url', 'webhook.failures', 'webhook.error'],
}

export function variablesOf(event: NotificationEventType): string[] {
  return [...eventVariables[event], ...common]
}

/** Values the preview uses where the editor gives none. */
export const sampleValues: Record<Locale, Record<string, string>> = {
  'zh-CN': {
    'ticket.number': 'SR-2026-000123',
    'ticket.subject': '打印机卡纸，无法打印',
    'ticket.description': '三楼财务室的打印机频繁卡纸。',
    'ticket.priority': 'P2',
    'ticket.status': '处理中',
    'ticket.url': 'https://aftercare.example.com/tickets/00000000-0000-4000-8000-000000000000',
    'customer.name': '星河科技有限公司',
    'actor.name': '李娜',
    'assignee.name': '王强',
    'message.body': '您好，工程师将于明天上午上门处理。',
    'message.author': '王强',
    'status.from': '处理中',
    'status.to': '已解决',
    'status.reason': '',
    'sla.target': '首次响应',
    'sla.dueAt': '2026-05-06 14:30',
    'otp.code': '482913',
    'otp.minutes': '10',
    'webhook.name': 'ERP 同步',
    'webhook.url': 'https://erp.example.com/hooks/aftercare',
    'webhook.failures': '20',
    'webhook.error': 'HTTP 503',
    'recipient.name': '张伟',
    'app.url': 'https://aftercare.example.com',
    'event.time': '2026-05-06 10:30',
  },
  'en-US': {
    'ticket.number': 'SR-2026-000123',
    'ticket.subject': 'Printer jams and will not print',
    'ticket.description': 'The printer in the third-floor finance office keeps jamming.',
    'ticket.priority': 'P2',
    'ticket.status': 'In progress',
    'ticket.url': 'https://aftercare.example.com/tickets/00000000-0000-4000-8000-000000000000',
    'customer.name': 'Galaxy Tech Ltd.',
    'actor.name': 'Li Na',
    'assignee.name': 'Wang Qiang',
    'message.body': 'Hello, an engineer will visit tomorrow morning.',
    'message.author': 'Wang Qiang',
    'status.from': 'In progress',
    'status.to': 'Resolved',
    'status.reason': '',
    'sla.target': 'first response',
    'sla.dueAt': '2026-05-06 14:30',
    'otp.code': '482913',
    'otp.minutes': '10',
    'webhook.name': 'ERP sync',
    'webhook.url': 'https://erp.example.com/hooks/aftercare',
    'webhook.failures': '20',
    'webhook.error': 'HTTP 503',
    'recipient.name': 'Zhang Wei',
    'app.url': 'https://aftercare.example.com',
    'event.time': '2026-05-06 10:30',
  },
}

interface Text {
  title: string
  body: string
}
type Texts = Partial<Record<TemplateAudience, Record<Locale, Text>>>

/** The default title and body per event, audience and language. */
const texts: Record<NotificationEventType, Texts> = {
  'ticket.created': {
    staff: {
      'zh-CN': {
        title: '新工单 {{ticket.number}}：{{ticket.subject}}',
        body: '客户：{{customer.name}}\n优先级：{{ticket.priority}}\n{{ticket.url}}',
      },
      'en-US': {
        title: 'New ticket {{ticket.number}}: {{ticket.subject}}',
        body: 'Customer: {{customer.name}}\nPriority: {{ticket.priority}}\n{{ticket.url}}',
      },
    },
    customer: {
      'zh-CN': {
        title: '我们已收到您的服务请求 {{ticket.number}}',
        body: '{{recipient.name}}，您好：\n您的服务请求“{{ticket.subject}}”已受理，单号 {{ticket.number}}。我们会尽快处理。\n{{ticket.url}}',
      },
      'en-US': {
        title: 'We received your request {{ticket.number}}',
        body: 'Dear {{recipient.name}},\nyour request "{{ticket.subject}}" was received as {{ticket.number}}. We will be in touch shortly.\n{{ticket.url}}',
      },
    },
  },
  'ticket.assigned': {
    staff: {
      'zh-CN': {
        title: '工单 {{ticket.number}} 已分派给您',
        body: '{{ticket.subject}}\n客户：{{customer.name}}，优先级 {{ticket.priority}}\n{{ticket.url}}',
      },
      'en-US': {
        title: 'Ticket {{ticket.number}} was assigned to you',
        body: '{{ticket.subject}}\nCustomer: {{customer.name}}, priority {{ticket.priority}}\n{{ticket.url}}',
      },
    },
  },
  'ticket.mentioned': {
    staff: {
      'zh-CN': { title: '{{message.author}} 在工单 {{ticket.number}} 中提到了您', body: '{{message.body}}\n{{ticket.url}}' },
      'en-US': { title: '{{message.author}} mentioned you on {{ticket.number}}', body: '{{message.body}}\n{{ticket.url}}' },
    },
  },
  'ticket.message_added': {
    staff: {
      'zh-CN': { title: '工单 {{ticket.number}} 有新回复', body: '{{message.author}}：{{message.body}}\n{{ticket.url}}' },
      'en-US': { title: 'New reply on {{ticket.number}}', body: '{{message.author}}: {{message.body}}\n{{ticket.url}}' },
    },
    customer: {
      'zh-CN': {
        title: '您的服务请求 {{ticket.number}} 有新回复',
        body: '{{message.author}}：\n{{message.body}}\n\n直接回复此邮件即可继续沟通。\n{{ticket.url}}',
      },
      'en-US': {
        title: 'New reply on your request {{ticket.number}}',
        body: '{{message.author}}:\n{{message.body}}\n\nReply to this email to answer.\n{{ticket.url}}',
      },
    },
  },
  'ticket.status_changed': {
    staff: {
      'zh-CN': {
        title: '工单 {{ticket.number}} 状态变为 {{status.to}}',
        body: '{{ticket.subject}}\n{{status.from}} → {{status.to}} {{status.reason}}\n{{ticket.url}}',
      },
      'en-US': {
        title: 'Ticket {{ticket.number}} is now {{status.to}}',
        body: '{{ticket.subject}}\n{{status.from}} → {{status.to}} {{status.reason}}\n{{ticket.url}}',
      },
    },
    customer: {
      'zh-CN': {
        title: '您的服务请求 {{ticket.number}} 状态更新：{{status.to}}',
        body: '{{recipient.name}}，您好：\n“{{ticket.subject}}”当前状态：{{status.to}}。\n{{ticket.url}}',
      },
      'en-US': {
        title: 'Your request {{ticket.number}} is now {{status.to}}',
        body: 'Dear {{recipient.name}},\n"{{ticket.subject}}" is now {{status.to}}.\n{{ticket.url}}',
      },
    },
  },
  'sla.warning': {
    staff: {
      'zh-CN': {
        title: 'SLA 预警：{{ticket.number}} {{sla.target}}即将超时',
        body: '{{ticket.subject}}\n截止：{{sla.dueAt}}，优先级 {{ticket.priority}}\n{{ticket.url}}',
      },
      'en-US': {
        title: 'SLA warning: {{ticket.number}} {{sla.target}} due soon',
        body: '{{ticket.subject}}\nDue {{sla.dueAt}}, priority {{ticket.priority}}\n{{ticket.url}}',
      },
    },
  },
  'sla.breached': {
    staff: {
      'zh-CN': {
        title: 'SLA 超时：{{ticket.number}} {{sla.target}}已违约',
        body: '{{ticket.subject}}\n截止：{{sla.dueAt}}，客户：{{customer.name}}\n{{ticket.url}}',
      },
      'en-US': {
        title: 'SLA breached: {{ticket.number}} {{sla.target}}',
        body: '{{ticket.subject}}\nWas due {{sla.dueAt}}, customer {{customer.name}}\n{{ticket.url}}',
      },
    },
  },
  'notification.otp_requested': {
    customer: {
      'zh-CN': { title: '您的验证码', body: '您的验证码为 {{otp.code}}，{{otp.minutes}} 分钟内有效。请勿泄露给他人。' },
      'en-US': {
        title: 'Your verification code',
        body: 'Your verification code is {{otp.code}}. It is valid for {{otp.minutes}} minutes. Do not share it.',
      },
    },
  },
  'webhook.disabled': {
    staff: {
      'zh-CN': {
        title: 'Webhook “{{webhook.name}}”已被自动停用',
        body: '连续 {{webhook.failures}} 次投递失败（{{webhook.error}}）：{{webhook.url}}\n修复后请在管理后台重新启用。',
      },
      'en-US': {
        title: 'Webhook "{{webhook.name}}" was switched off',
        body: '{{webhook.failures}} deliveries in a row failed ({{webhook.error}}): {{webhook.url}}\nRe-enable it in the admin console once fixed.',
      },
    },
  },
}

/** Which audiences an event has templates for. */
export function audiencesOf(event: NotificationEventType): TemplateAudience[] {
  return (['staff', 'customer'] as const).filter((a) => texts[event][a])
}

export interface TemplateText {
  subject: string
  body: string
  params: Record<string, string>
}

/**
 * SMS and WeChat need a template approved by the vendor (TemplateCode / template_id), so their defaults
 * carry only a parameter mapping; the tenant adds the approved id.
 */
function defaultParams(event: NotificationEventType, channel: NotificationChannel): Record<string, string> {
  if (channel === 'sms') {
    if (event === 'notification.otp_requested') return { code: '{{otp.code}}' }
    return event.startsWith('ticket.') || event.startsWith('sla.') ? { number: '{{ticket.number}}', status: '{{ticket.status}}' } : {}
  }
  if (channel === 'wechat_mp' && (event.startsWith('ticket.') || event.startsWith('sla.')))
    return { character_string1: '{{ticket.number}}', thing2: '{{ticket.subject}}', phrase3: '{{ticket.status}}', time4: '{{event.time}}' }
  return {}
}

/** The built-in template for a key, or undefined when the event has none for that audience. */
export function defaultTemplate(
  event: NotificationEventType,
  channel: NotificationChannel,
  locale: Locale,
  audience: TemplateAudience,
): TemplateText | undefined {
  const t = texts[event][audience]?.[locale]
  if (!t) return undefined
  const subject =
    channel === 'email' && event.startsWith('ticket.') && !t.title.includes('{{ticket.number}}')
      ? `[{{ticket.number}}] ${t.title}`
      : t.title
  return { subject, body: t.body, params: defaultParams(event, channel) }
}

/** Ticket statuses and SLA targets as recipients read them. */
export const labels: Record<Locale, Record<string, string>> = {
  'zh-CN': {
    new: '新建',
    assigned: '已分派',
    in_progress: '处理中',
    pending_customer: '待客户反馈',
    pending_parts: '待备件',
    pending_third_party: '待第三方',
    resolved: '已解决',
    closed: '已关闭',
    cancelled: '已取消',
    first_response: '首次响应',
    next_update: '下次更新',
    resolution: '解决',
    complaint_response: '投诉响应',
    complaint_plan: '投诉处理方案',
    dispute_review: '争议复核',
    dispute_decision: '争议裁定',
  },
  'en-US': {
    new: 'New',
    assigned: 'Assigned',
    in_progress: 'In progress',
    pending_customer: 'Waiting for customer',
    pending_parts: 'Waiting for parts',
    pending_third_party: 'Waiting for third party',
    resolved: 'Resolved',
    closed: 'Closed',
    cancelled: 'Cancelled',
    first_response: 'first response',
    next_update: 'next update',
    resolution: 'resolution',
    complaint_response: 'complaint response',
    complaint_plan: 'complaint plan',
    dispute_review: 'dispute review',
    dispute_decision: 'dispute decision',
  },
}

export const labelOf = (locale: Locale, key: string | null | undefined) => (key ? (labels[locale][key] ?? key) : '')

/** `2026-05-06 14:30` in Asia/Shanghai (the tenant's zone by default). */
export function formatTime(at: Date | string | null | undefined, timeZone = 'Asia/Shanghai'): string {
  if (!at) return ''
  const d = typeof at === 'string' ? new Date(at) : at
  if (Number.isNaN(d.getTime())) return ''
  return new Intl.DateTimeFormat('sv-SE', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(d)
}
