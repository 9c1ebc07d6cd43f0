// 简体中文 — customer portal sign-in with a one-time code, and the embeddable web form (merged into zh-CN.ts).
export const portalZhCN = {
  portalLogin: {
    byPassword: '密码登录',
    byCode: '验证码登录',
    target: '手机号或邮箱',
    targetPlaceholder: '请输入联系人手机号或邮箱',
    targetRule: '请输入 11 位手机号或有效邮箱',
    send: '发送验证码',
    resend: '重新发送',
    resendIn: '{{seconds}} 秒后可重发',
    sent: '如果 {{destination}} 是已登记的联系人，验证码已发送，{{minutes}} 分钟内有效。',
    code: '验证码',
    submit: '登录',
    changeTarget: '更换手机号或邮箱',
  },
  webForm: {
    title: '网站报修表单',
    intro: '把下面的代码粘贴到贵公司网站的页面中，访客即可直接提交服务请求。提交会自动创建渠道为“网站表单”的工单。',
    copy: '复制代码',
    copied: '已复制',
    preview: '预览',
    protection: '防垃圾提交：每个 IP 每分钟限 5 次、隐藏蜜罐字段、至少 3 秒填写时间。',
  },
}

export const portalErrorsZhCN = {
  otp_too_soon: '验证码刚刚发送过，请稍后再重新获取',
  portal_otp_rate_limited: '验证码请求过于频繁，请一小时后再试',
}
