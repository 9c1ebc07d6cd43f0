import { chmodSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join } from 'node:path'

export interface Credentials {
  url: string
  token: string
  email: string
}

/** Where `aftercare login` keeps its API token: $AFTERCARE_CONFIG or ~/.config/aftercare/credentials.json (mode 600). */
export function credentialsPath(): string {
  return process.env.AFTERCARE_CONFIG ?? join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'aftercare', 'credentials.json')
}

export function readCredentials(): Credentials {
  const file = credentialsPath()
  if (!existsSync(file)) throw new Error('Not logged in: run `aftercare login --url <server>` first')
  return JSON.parse(readFileSync(file, 'utf8')) as Credentials
}

export function writeCredentials(c: Credentials) {
  const file = credentialsPath()
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, JSON.stringify(c, null, 2), { mode: 0o600 })
  chmodSync(file, 0o600)
}

export function clearCredentials() {
  rmSync(credentialsPath(), { force: true })
}
