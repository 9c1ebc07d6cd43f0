// English — the bell, notification preferences, templates, the delivery log and webhooks (merged into en-US.ts).
export const notificationsEnUS = {
  notifications: {
    bell: {
      title: 'Notifications',
      label: 'Notifications, {{count}} unread',
      markAllRead: 'Mark all read',
      empty: 'No notifications',
    },
    events: {
      ticket: {
        created: 'New ticket',
        assigned: 'Ticket assigned to me',
        mentioned: 'Someone mentioned me',
        message_added: 'New reply on a ticket',
        status_changed: 'Ticket status changed',
      },
      sla: {
        warning: 'SLA about to breach',
        breached: 'SLA breached',
      },
      notification: {
        otp_requested: 'One-time code',
      },
      webhook: {
        disabled: 'Webhook switched off',
      },
    },
    channels: {
      in_app: 'In-app',
      email: 'Email',
      sms: 'SMS',
      wechat_mp: 'WeChat official account',
      wecom_robot: 'WeCom group robot',
      dingtalk_robot: 'DingTalk group robot',
      webhook: 'Webhook',
    },
    preferences: {
      title: 'Notifications',
      intro:
        'Choose the channels that tell you about each event. During quiet hours email, SMS and WeChat wait until the end; in-app notifications still arrive.',
      event: 'Event',
      quietHours: 'Quiet hours',
      quietEnabled: 'Quiet hours on',
      quietStart: 'From',
      quietEnd: 'Until',
      timeZone: 'Time zone',
      wechatOpenId: 'WeChat OpenID',
      wechatOpenIdHint: 'Given when you follow the official account; used for template messages. Empty: not bound',
    },
  },
}

export const notificationErrorsEnUS = {}
