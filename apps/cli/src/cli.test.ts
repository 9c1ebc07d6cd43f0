// The `aftercare` command as users run it: a child process through the real bin.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { seedDemoTenant } from '@aftercare/api/demo'
import { createTestRuntime, type TestRuntime } from '@aftercare/api/test/harness'

const run = promisify(execFile)
const bin = new URL('../bin/aftercare.js', import.meta.url).pathname

async function aftercare(args: string[], env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      // a demo with a few tickets: seeding the usual 200 costs seconds per run and proves nothing more here
      env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: '', SEED_DEMO_TICKETS: '5', ...env },
      timeout: 60_000,
    })
    return { code: 0, stdout, stderr }
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string }
    return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' }
  }
}

describe('admin commands on the embedded database', { timeout: 180_000 }, () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'aftercare-cli-')), 'data')
  const env = { DATA_DIR: dataDir }

  it('migrates, seeds once, creates tenants and users, and explains mistakes', async () => {
    expect((await aftercare(['migrate'], env)).stdout).toMatch(/Applied: 0001_platform\.sql/)
    expect((await aftercare(['migrate'], env)).stdout).toMatch(/up to date/)

    const seeded = await aftercare(['seed'], env)
    expect(seeded.stdout).toMatch(/Demo tenant created/)
    expect(seeded.stdout).toMatch(/admin@demo\.aftercare\.local/)
    expect((await aftercare(['seed'], env)).stdout).toMatch(/already exists; nothing changed/)

    const tenant = await aftercare(
      ['tenant', 'create', '--slug', 'acme', '--name', '艾克米', '--admin-email', 'boss@acme.cn', '--admin-password', 'Long-enough-pass'],
      env,
    )
    expect(tenant.stdout).toMatch(/Tenant acme created/)
    expect(tenant.stdout).toMatch(/Administrator boss@acme\.cn created/)

    const dup = await aftercare(['tenant', 'create', '--slug', 'acme', '--name', 'x'], env)
    expect(dup.code).not.toBe(0)
    expect(dup.stderr).toMatch(/already exists/)

    const badRole = await aftercare(
      ['create-user', '--tenant', 'acme', '--email', 'a@acme.cn', '--name', '张三', '--role', 'wizard', '--password', 'Long-enough-pass'],
      env,
    )
    expect(badRole.code).not.toBe(0)
    expect(badRole.stderr).toMatch(/Unknown role "wizard"/)

    const shortPw = await aftercare(
      ['create-user', '--tenant', 'acme', '--email', 'a@acme.cn', '--name', '张三', '--role', 'agent_l1', '--password', 'short'],
      env,
    )
    expect(shortPw.stderr).toMatch(/password/)

    const ok = await aftercare(
      [
        'create-user',
        '--tenant',
        'acme',
        '--email',
        'a@acme.cn',
        '--name',
        '张三',
        '--role',
        'agent_l1',
        'supervisor',
        '--password',
        'Long-enough-pass',
      ],
      env,
    )
    expect(ok.stdout).toMatch(/User a@acme\.cn created in acme with roles agent_l1, supervisor/)
  })

  it('backs up and restores the embedded data directory', async () => {
    const backup = join(tmpdir(), `aftercare-backup-${Date.now()}.tar.gz`)
    expect((await aftercare(['backup', '--out', backup], env)).code).toBe(0)
    expect(statSync(backup).size).toBeGreaterThan(1000)

    const restoredDir = join(mkdtempSync(join(tmpdir(), 'aftercare-restore-')), 'data')
    const restored = await aftercare(['restore', backup], { DATA_DIR: restoredDir })
    expect(restored.stdout).toMatch(/Restored/)
    // The restored database has what the original had.
    expect((await aftercare(['seed'], { DATA_DIR: restoredDir })).stdout).toMatch(/already exists/)
    const again = await aftercare(['restore', backup], { DATA_DIR: restoredDir })
    expect(again.code).not.toBe(0)
    expect(again.stderr).toMatch(/not empty; pass --force/)
  })

  it('names the variable at fault in a bad configuration', async () => {
    const res = await aftercare(['migrate'], { DATA_DIR: dataDir, PORT: 'eighty' })
    expect(res.code).not.toBe(0)
    expect(res.stderr).toMatch(/PORT/)
  })
})

describe('login and whoami against a running server', { timeout: 120_000 }, () => {
  let rt: TestRuntime
  let url: string
  const config = join(mkdtempSync(join(tmpdir(), 'aftercare-cli-home-')), 'credentials.json')

  beforeAll(async () => {
    rt = await createTestRuntime({ config: { LOGIN_RATE_LIMIT_PER_MINUTE: '1000', SEED_DEMO_TICKETS: '5' } })
    await seedDemoTenant(rt.modules)
    await rt.app.listen({ port: 0, host: '127.0.0.1' })
    const address = rt.app.server.address()
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
  })
  afterAll(() => rt?.close())

  it('stores a token on login, answers whoami with it, and revokes it on logout', async () => {
    const env = { AFTERCARE_CONFIG: config }
    const wrong = await aftercare(
      ['login', '--url', url, '--email', 'admin@demo.aftercare.local', '--password', 'wrong-password', '--tenant', 'demo'],
      env,
    )
    expect(wrong.code).not.toBe(0)
    expect(wrong.stderr).toMatch(/Login failed/)

    const login = await aftercare(
      ['login', '--url', url, '--email', 'admin@demo.aftercare.local', '--password', 'Aftercare#2026', '--tenant', 'demo'],
      env,
    )
    expect(login.stdout).toMatch(/Logged in to .* as 管理员 王敏/)
    expect((statSync(config).mode & 0o777).toString(8)).toBe('600')
    const stored = JSON.parse(readFileSync(config, 'utf8')) as { token: string }
    expect(stored.token).toMatch(/^ac_/)

    const who = await aftercare(['whoami'], env)
    expect(who.stdout).toMatch(/管理员 王敏 <admin@demo\.aftercare\.local> · 演示企业 · roles: admin/)

    expect((await aftercare(['logout'], env)).stdout).toMatch(/Logged out/)
    const after = await rt.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${stored.token}` } })
    expect(after.statusCode).toBe(401)
    expect((await aftercare(['whoami'], env)).stderr).toMatch(/Not logged in/)
  })
})
