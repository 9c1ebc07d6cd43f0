// Browser tests against the real server: the API serving the built web app on a free port,
// on a fresh embedded database (the demo tenant is seeded on first start).
// Build the web app first: `npm run build && npm run e2e`. Email goes to a local SMTP sink
// (e2e/smtp-sink.ts) started here, before the server, in the runner's process.
import { defineConfig } from '@playwright/test'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startSmtpSink } from './smtp-sink.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address()
      const port = typeof address === 'object' && address ? address.port : 0
      srv.close(() => resolve(port))
    })
  })
}

if (!existsSync(join(root, 'apps/web/dist/index.html')))
  throw new Error('apps/web/dist is missing: run `npm run build` before `npm run e2e`')

// The config is evaluated again in every worker: pick the port and data dir once, pass them on.
process.env.E2E_PORT ??= String(process.env.PORT_E2E ?? (await freePort()))
process.env.E2E_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'aftercare-e2e-'))
const baseURL = `http://127.0.0.1:${process.env.E2E_PORT}`
// The sink lives in the runner (workers see its port and mail dir in their environment).
if (!process.env.E2E_SMTP_PORT) {
  const mailDir = mkdtempSync(join(tmpdir(), 'aftercare-e2e-mail-'))
  const sink = await startSmtpSink(mailDir)
  process.env.E2E_SMTP_PORT = String(sink.port)
  process.env.E2E_MAIL_DIR = mailDir
  process.once('exit', () => rmSync(mailDir, { recursive: true, force: true }))
}

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  // Runs once the server is up: the SLA test's policy and the ticket whose breach it reads.
  globalSetup: join(root, 'e2e/sla-fixtures.ts'),
  outputDir: join(root, 'test-results/e2e'),
  // Several tests sign in three users (argon2id) and drive two browser contexts.
  timeout: 120_000,
  expect: { timeout: 20_000 },
  fullyParallel: false,
  // One browser at a time: on a two-core machine two Chromiums and the server starve each other
  // (measured: 12 tests in 1.7 min with one worker, 4.0 min with two and a timeout).
  workers: 1,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    browserName: 'chromium',
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
    viewport: { width: 1280, height: 800 },
    // as a user who asked for less motion: the app turns antd's animations off, so a click never
    // lands on a dropdown or dialog still moving in (and Chromium paints less on two cores)
    reducedMotion: 'reduce',
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  webServer: {
    // The shell outlives the server's graceful SIGTERM shutdown and then removes the data dir.
    // Its log goes to test-results/e2e-server.log (E2E_LOG_LEVEL, default warn) for a failed run's post-mortem.
    command: `mkdir -p test-results; trap '' TERM INT; node --import tsx apps/api/src/main.ts > test-results/e2e-server.log; rm -rf "$DATA_DIR"`,
    gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
    cwd: root,
    url: `${baseURL}/readyz`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore', // (the command writes it to the log file)
    stderr: 'pipe',
    env: {
      PORT: process.env.E2E_PORT,
      HOST: '127.0.0.1',
      DATA_DIR: process.env.E2E_DATA_DIR,
      LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'warn',
      // A few demo tickets are enough here; 200 keep the embedded worker busy for minutes after start.
      SEED_DEMO_TICKETS: '20',
      // Every test signs in several times from 127.0.0.1.
      LOGIN_RATE_LIMIT_PER_MINUTE: '1000',
      RATE_LIMIT_PER_MINUTE: '100000',
      // The portal and QR tests point the SMS channel at a stand-in vendor endpoint on 127.0.0.1.
      WEBHOOK_ALLOW_PRIVATE: 'true',
      // Email notifications (no email channel configured) go to the SMTP sink; e2e/sla.spec.ts reads them.
      SMTP_URL: `smtp://127.0.0.1:${process.env.E2E_SMTP_PORT}`,
    },
  },
})
