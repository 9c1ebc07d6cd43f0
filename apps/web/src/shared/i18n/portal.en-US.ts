// English — customer portal sign-in with a one-time code, and the embeddable web form (merged into en-US.ts).
export const portalEnUS = {
  portalLogin: {
    byPassword: 'Password',
    byCode: 'One-time code',
    target: 'Mobile or email',
    targetPlaceholder: 'The mobile number or email the service desk has for you',
    targetRule: 'Enter an 11-digit mobile number or a valid email',
    send: 'Send code',
    resend: 'Send again',
    resendIn: 'Send again in {{seconds}} s',
    sent: 'If {{destination}} belongs to a registered contact, a code is on its way; it is valid for {{minutes}} minutes.',
    code: 'Code',
    submit: 'Sign in',
    changeTarget: 'Use another mobile or email',
  },
  webForm: {
    title: 'Website request form',
    intro:
      'Paste this snippet into a page of your company website: visitors can then submit service requests directly. Each one becomes a ticket with the channel “web form”.',
    copy: 'Copy snippet',
    copied: 'Copied',
    preview: 'Preview',
    protection: 'Spam protection: 5 submissions a minute per IP, a hidden honeypot field, and at least 3 seconds to fill in.',
  },
}

export const portalErrorsEnUS = {
  otp_too_soon: 'A code was just sent; wait a moment before requesting another',
  portal_otp_rate_limited: 'Too many codes were requested; try again in an hour',
}
