// `aftercare audit verify` / `audit seal` / `admin audit verify` through the real bin, on an
// embedded data directory that is tampered with between runs (as its owner would).
import { execFile } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '@aftercare/api/platform/db/index'

const run = promisify(execFile)
const bin = new URL('../../bin/aftercare.js', import.meta.url).pathname

async function aftercare(args: string[], env: Record<string, string>) {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      // a demo with a few tickets (their audit entries are what gets sealed and verified)
      env: { ...process.env, LOG_LEVEL: 'warn', DATABASE_URL: '', SEED_DEMO_TICKETS: '5', ...env },
      timeout: 180_000,
    })
    return { code: 0, stdout, stderr }
  } catch (e) {
    const err = e as { code?: number; stdout?: string; stderr?: string }
    return { code: err.code ?? 1, stdout: err.stdout ?? '', stderr: err.stderr ?? '' }
  }
}

describe('aftercare audit', { timeout: 900_000 }, () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'aftercare-audit-')), 'data')
  const env = { DATA_DIR: dataDir }

  it('seals, verifies, and names the first broken entry with exit code 1', async () => {
    expect((await aftercare(['seed'], env)).code).toBe(0)

    const sealed = await aftercare(['audit', 'seal'], env)
    expect(sealed.stdout).toMatch(/Sealed [1-9]\d* entr/)

    const ok = await aftercare(['audit', 'verify', '--tenant', 'demo'], env)
    expect(ok.code).toBe(0)
    expect(ok.stdout).toMatch(/Tenant demo: [1-9]\d* entries sealed, 0 pending, head \d+ [0-9a-f]{16}…/)
    expect(ok.stdout).toMatch(/Audit chain OK \(1 tenant\)/)

    // The owner of the data directory edits the second entry behind the application's back.
    const database = await openDatabase({ dataDir, DATABASE_URL: undefined })
    const [entry] = await database.query<{ id: string }>(
      `update audit_log set action = 'user.deleted' where seq = 2 and tenant_id = (select id from tenants where slug = 'demo') returning id::text as id`,
    )
    await database.close()

    const broken = await aftercare(['audit', 'verify'], env)
    expect(broken.code).toBe(1)
    expect(broken.stderr).toMatch(new RegExp(`Audit chain BROKEN in tenant demo at entry 2, audit_log id ${entry!.id}: .*changed`))

    const alias = await aftercare(['admin', 'audit', 'verify', '--tenant', 'demo'], env)
    expect(alias.code).toBe(1)
    expect(alias.stderr).toMatch(/BROKEN in tenant demo at entry 2/)

    const unknown = await aftercare(['audit', 'verify', '--tenant', 'nope'], env)
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toMatch(/No tenant "nope"/)
  })
})
