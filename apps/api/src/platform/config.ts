import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { z } from 'zod'

const urlWith = (protocols: string[]) =>
  z.string().refine((v) => protocols.some((p) => v.startsWith(`${p}://`)), {
    message: `must start with ${protocols.map((p) => `${p}://`).join(' or ')}`,
  })

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: urlWith(['postgres', 'postgresql']).optional(),
  /** Named prepared statements on PostgreSQL; `false` behind a pooler that cannot keep them (PgBouncer before 1.21 in transaction mode). */
  DATABASE_PREPARED_STATEMENTS: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  REDIS_URL: urlWith(['redis', 'rediss']).optional(),
  MQTT_URL: urlWith(['mqtt', 'mqtts', 'ws', 'wss']).optional(),
  SMTP_URL: urlWith(['smtp', 'smtps']).optional(),
  SMTP_LISTEN_PORT: z.coerce.number().int().min(1).max(65535).optional(),
  STORAGE_URL: urlWith(['file', 's3']).optional(),
  EVENT_BUS_URL: urlWith(['nats', 'kafka']).optional(),
  PUBLIC_URL: z.url().optional(),
  SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  SEED_DEMO: z.enum(['auto', 'never']).default('auto'),
  /** How many demo tickets the first start seeds (a living system; fewer start faster). */
  SEED_DEMO_TICKETS: z.coerce.number().int().min(0).max(5000).default(200),
  /**
   * Who may tell the client's address in X-Forwarded-For: `false` nobody (the socket's peer is the
   * client); `true` a reverse proxy on this machine (loopback); or a comma-separated list of the
   * proxies' addresses / CIDR ranges. Only the entries those proxies appended count: what a client
   * wrote into the header itself is ignored (ASVS 4.1.3).
   */
  TRUST_PROXY: z
    .string()
    .trim()
    .default('false')
    .refine(
      (v) => v === 'true' || v === 'false' || v.split(',').every((p) => /^[0-9a-f.:]+(\/\d{1,3})?$/i.test(p.trim())),
      'must be false, true (a proxy on this machine) or a comma-separated list of proxy addresses / CIDR ranges',
    )
    .transform((v): false | string[] => (v === 'false' ? false : v === 'true' ? ['loopback'] : v.split(',').map((p) => p.trim()))),
  /**
   * Bearer token Prometheus sends for /metrics. Unset: /metrics answers only requests from this
   * machine that did not come through a proxy; anyone else gets 404 (RELIABILITY C-HDR).
   */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Let webhooks and notification channels call private, loopback and link-local addresses (tests' local fakes; never in production). */
  WEBHOOK_ALLOW_PRIVATE: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(700),
  LOGIN_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().positive().default(20),
})

export type Config = Omit<z.infer<typeof EnvSchema>, 'SECRET_KEY' | 'STORAGE_URL'> & {
  SECRET_KEY: string
  STORAGE_URL: string
  dataDir: string
  /** `pglite` when DATABASE_URL is unset. */
  databaseKind: 'pglite' | 'postgres'
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`)
  }
}

/** Reads and validates the environment; messages name the variable at fault. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, opts: { persistSecret?: boolean } = {}): Config {
  // An empty variable counts as unset (`DATABASE_URL= npm start` means the embedded database).
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''))
  const parsed = EnvSchema.safeParse(present)
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`))
  }
  const c = parsed.data
  const dataDir = resolve(c.DATA_DIR)
  const secret = c.SECRET_KEY ?? readOrCreateSecret(dataDir, opts.persistSecret ?? true)
  return {
    ...c,
    dataDir,
    SECRET_KEY: secret,
    STORAGE_URL: c.STORAGE_URL ?? `file://${join(dataDir, 'files')}`,
    databaseKind: c.DATABASE_URL ? 'postgres' : 'pglite',
  }
}

// The secret is generated once into the data dir so sessions and signed links survive restarts.
function readOrCreateSecret(dataDir: string, persist: boolean): string {
  const file = join(dataDir, 'secret.key')
  if (existsSync(file)) return readFileSync(file, 'utf8').trim()
  const secret = randomBytes(32).toString('hex')
  if (persist) {
    mkdirSync(dataDir, { recursive: true })
    writeFileSync(file, secret, { mode: 0o600 })
  }
  return secret
}
