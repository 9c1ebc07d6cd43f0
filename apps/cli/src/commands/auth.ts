import { hostname } from 'node:os'
import { createInterface } from 'node:readline/promises'
import { CreatedApiToken, LoginResult, Me } from '@aftercare/contracts'
import type { Command } from 'commander'
import { z } from 'zod'
import { clearCredentials, readCredentials, writeCredentials } from '../shared/credentials.ts'
import { callApi } from '../shared/http.ts'

async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY })
  try {
    return (await rl.question(question)).trim()
  } finally {
    rl.close()
  }
}

export function registerAuthCommands(program: Command) {
  program
    .command('login')
    .description('Sign in to an Aftercare server and store an API token for later commands')
    .requiredOption('--url <url>', 'server address, e.g. http://localhost:3000')
    .option('--email <email>', 'your login email')
    .option('--password <password>', 'password (or set AFTERCARE_PASSWORD; asked for when missing)')
    .option('--totp <code>', 'current 6-digit code when two-factor authentication is on')
    .option('--tenant <slug>', 'tenant, when the server hosts several')
    .option('--days <n>', 'token lifetime in days', '90')
    .action(async (o: { url: string; email?: string; password?: string; totp?: string; tenant?: string; days: string }) => {
      const base = o.url.replace(/\/+$/, '')
      const email = o.email ?? (await ask('Email: '))
      const password = o.password ?? process.env.AFTERCARE_PASSWORD ?? (await ask('Password: '))
      const res = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email, password, ...(o.totp ? { totp: o.totp } : {}), ...(o.tenant ? { tenant: o.tenant } : {}) }),
      }).catch((e: unknown) => {
        throw new Error(`Cannot reach ${base}: ${e instanceof Error ? e.message : String(e)}`)
      })
      const body: unknown = await res.json().catch(() => undefined)
      if (!res.ok) {
        const err = body as { code?: string; message?: string } | undefined
        throw new Error(`Login failed: ${err?.message ?? `HTTP ${res.status}`}${err?.code === 'totp_required' ? ' (pass --totp)' : ''}`)
      }
      const login = LoginResult.parse(body)
      const cookie = res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ')
      const session = { cookie, 'x-csrf-token': login.csrfToken }
      const created = await callApi(CreatedApiToken, `${base}/api/auth/me/tokens`, {
        method: 'POST',
        headers: session,
        body: { name: `aftercare CLI on ${hostname()}`.slice(0, 100), scopes: login.user.permissions, expiresInDays: Number(o.days) },
      })
      await fetch(`${base}/api/auth/logout`, { method: 'POST', headers: session }).catch(() => undefined)
      writeCredentials({ url: base, token: created.token, email: login.user.email })
      console.log(`Logged in to ${base} as ${login.user.name} <${login.user.email}>; token ${created.apiToken.prefix}… expires ${created.apiToken.expiresAt ?? 'never'}`)
    })

  program
    .command('whoami')
    .description('Show who the stored token belongs to')
    .option('--json', 'print JSON')
    .action(async (o: { json?: boolean }) => {
      const c = readCredentials()
      const me = await callApi(Me, `${c.url}/api/auth/me`, { token: c.token })
      if (o.json) console.log(JSON.stringify(me, null, 2))
      else console.log(`${me.name} <${me.email}> · ${me.tenantName} · roles: ${me.roles.join(', ')} · ${c.url}`)
    })

  program
    .command('logout')
    .description('Revoke the stored API token and forget it')
    .action(async () => {
      const c = readCredentials()
      const tokens = await callApi(z.array(z.object({ id: z.string(), prefix: z.string(), revokedAt: z.string().nullable() })), `${c.url}/api/auth/me/tokens`, { token: c.token }).catch(() => [])
      const mine = tokens.find((t) => c.token.startsWith(t.prefix) && !t.revokedAt)
      if (mine) await callApi(z.unknown(), `${c.url}/api/auth/me/tokens/${mine.id}`, { method: 'DELETE', token: c.token }).catch(() => undefined)
      clearCredentials()
      console.log('Logged out.')
    })
}
