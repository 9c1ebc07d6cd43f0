// /api/public/qr/:token — what a phone that scanned a device label may do without an account.
// Public, rate-limited per client address; every answer about a bad token is a clear refusal
// (400 altered, 410 expired, 404 device gone) the web page turns into its own message.
import {
  QrOtpRequestBody,
  QrOtpRequested,
  QrOtpVerifyBody,
  QrPrefill,
  QrReportBody,
  QrReportResult,
  QrTokenParams,
  QrVerified,
} from '@aftercare/contracts'
import type { App } from '../../app.ts'
import type { QrService } from './qr.service.ts'

const tags = ['public']
const limit = (max: number) => ({ max, timeWindow: '1 minute' })

export function qrPublicRoutes(qr: QrService) {
  return (app: App) => {
    app.get(
      '/public/qr/:token',
      {
        config: { access: { public: true }, rateLimit: limit(60) },
        schema: {
          tags,
          summary: 'The report form pre-fill of a scanned device label (no personal data)',
          params: QrTokenParams,
          response: { 200: QrPrefill },
        },
      },
      async (req) => qr.prefill(req.params.token),
    )
    app.post(
      '/public/qr/:token/otp',
      {
        config: { access: { public: true }, rateLimit: limit(10) },
        schema: {
          tags,
          summary: 'Send a 6-digit code (10 minutes, 5 attempts) to one of the owner’s contacts',
          params: QrTokenParams,
          body: QrOtpRequestBody,
          response: { 200: QrOtpRequested },
        },
      },
      async (req) => qr.requestCode(req.params.token, req.body, req.ip),
    )
    app.post(
      '/public/qr/:token/verify',
      {
        config: { access: { public: true }, rateLimit: limit(20) },
        schema: {
          tags,
          summary: 'Check the code; answers a report token valid 30 minutes',
          params: QrTokenParams,
          body: QrOtpVerifyBody,
          response: { 200: QrVerified },
        },
      },
      async (req) => qr.verifyCode(req.params.token, req.body),
    )
    app.post(
      '/public/qr/:token/report',
      {
        config: { access: { public: true }, rateLimit: limit(10) },
        schema: {
          tags,
          summary: 'Report a fault: creates a ticket linked to the device',
          params: QrTokenParams,
          body: QrReportBody,
          response: { 201: QrReportResult },
        },
      },
      async (req, reply) => reply.status(201).send(await qr.report(req.params.token, req.body, req.ip)),
    )
  }
}
