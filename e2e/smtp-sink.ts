// A local SMTP server standing in for the mail relay: the e2e server sends its email notifications
// here (SMTP_URL) through its real email adapter (nodemailer), and each message is kept as an .eml
// file with its envelope beside it, so a test reads a mail exactly as it went over the wire.
import { simpleParser, type AddressObject } from 'mailparser'
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { SMTPServer } from 'smtp-server'

export interface SmtpSink {
  port: number
  close(): Promise<void>
}

/** Listens on a free port of 127.0.0.1 and writes every accepted message into `dir`. */
export async function startSmtpSink(dir: string): Promise<SmtpSink> {
  mkdirSync(dir, { recursive: true })
  let n = 0
  const server = new SMTPServer({
    authOptional: true,
    // plain SMTP on loopback: no certificate to trust, nodemailer sends without upgrading
    disabledCommands: ['STARTTLS'],
    // no reverse DNS of 127.0.0.1 per connection: smtp-server asks the DNS server itself (not
    // /etc/hosts), which here took seconds per mail and held every notification behind it
    disableReverseLookup: true,
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = []
      stream.on('data', (c: Buffer) => chunks.push(c))
      stream.on('error', callback)
      stream.on('end', () => {
        const name = `${Date.now()}-${process.pid}-${++n}`
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : null,
          to: session.envelope.rcptTo.map((r) => r.address),
        }
        writeFileSync(join(dir, `${name}.json`), JSON.stringify(envelope))
        // the .eml appears last and whole: a reader never sees half a message
        writeFileSync(join(dir, `${name}.eml.part`), Buffer.concat(chunks))
        renameSync(join(dir, `${name}.eml.part`), join(dir, `${name}.eml`))
        callback()
      })
    },
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const address = server.server.address()
  const port = typeof address === 'object' && address ? address.port : 0
  // the sink must not keep the test runner alive once the run is over
  server.server.unref()
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) }
}

export interface ReceivedMail {
  envelopeTo: string[]
  from: string
  to: string[]
  subject: string
  text: string
  headers: Map<string, unknown>
}

const addresses = (a: AddressObject | AddressObject[] | undefined) =>
  (Array.isArray(a) ? a : a ? [a] : []).flatMap((o) => o.value.map((v) => v.address ?? ''))

/** Every message the sink in `dir` has received so far, parsed. */
export async function receivedMails(dir: string): Promise<ReceivedMail[]> {
  const names = readdirSync(dir)
    .filter((f) => f.endsWith('.eml'))
    .sort()
  return Promise.all(
    names.map(async (f) => {
      const mail = await simpleParser(readFileSync(join(dir, f)))
      const envelope = JSON.parse(readFileSync(join(dir, f.replace(/\.eml$/, '.json')), 'utf8')) as { to: string[] }
      return {
        envelopeTo: envelope.to,
        from: addresses(mail.from)[0] ?? '',
        to: addresses(mail.to),
        subject: mail.subject ?? '',
        text: mail.text ?? '',
        headers: mail.headers,
      }
    }),
  )
}
