// 简体中文 — the bell, notification preferences, templates, the delivery log and webhooks (merged into zh-CN.ts).
export const notificationsZhCN = {
  notifications: {
    bell: {
      title: '通知',
      label: '通知，{{count}} 条未读',
      markAllRead: '全部标为已读',
      empty: '暂无通知',
    },
    events: {
      ticket: {
        created: '新工单',
        assigned: '工单分配给我',
        mentioned: '有人提到我',
        message_added: '工单有新回复',
        status_changed: '工单状态变化',
      },
      sla: {
        warning: 'SLA 即将超时',
        breached: 'SLA 已超时',
      },
      notification: {
        otp_requested: '一次性验证码',
      },
      webhook: {
        disabled: 'Webhook 已自动停用',
      },
    },
    channels: {
      in_app: '站内通知',
      email: '邮件',
      sms: '短信',
      wechat_mp: '微信公众号',
      wecom_robot: '企业微信群机器人',
      dingtalk_robot: '钉钉群机器人',
      webhook: 'Webhook 回调',
    },
    preferences: {
      title: '通知设置',
      intro: '选择每类事件通过哪些渠道通知你。免打扰时段内，邮件、短信和微信会推迟到时段结束后发送，站内通知照常送达。',
      event: '事件',
      quietHours: '免打扰时段',
      quietEnabled: '开启免打扰',
      quietStart: '开始',
      quietEnd: '结束',
      timeZone: '时区',
      wechatOpenId: '微信 OpenID',
      wechatOpenIdHint: '绑定公众号后获得，用于接收模板消息；留空表示未绑定',
    },
  },
}

export const notificationErrorsZhCN = {}
