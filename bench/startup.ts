// Start-up time and idle memory of `npm start`'s process (web already built):
// first start on an empty data directory (initdb + migrations + seed), then a second start.
// Run: npx tsx bench/startup.ts
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const port = 3900 + Math.floor(Math.random() * 90)

async function startOnce(dataDir: string) {
  const t0 = performance.now()
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: root,
    env: { ...process.env, PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (d: Buffer) => (output += d.toString()))
  child.stderr.on('data', (d: Buffer) => (output += d.toString()))
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${output}`)
    const ok = await fetch(`http://127.0.0.1:${port}/readyz`).then(
      (r) => r.ok,
      () => false,
    )
    if (ok) break
    await new Promise((r) => setTimeout(r, 50))
  }
  const readyMs = performance.now() - t0
  await new Promise((r) => setTimeout(r, 3000))
  const status = readFileSync(`/proc/${child.pid}/status`, 'utf8')
  const rssMb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
  child.kill('SIGTERM')
  await new Promise((r) => child.once('exit', r))
  return { readyMs, rssMb }
}

const dataDir = mkdtempSync(join(tmpdir(), 'aftercare-startup-'))
try {
  const first = await startOnce(dataDir)
  const second = await startOnce(dataDir)
  console.log('start-up (process spawn → /readyz 200), idle RSS 3 s after ready')
  console.log(`first start  (empty data dir): ${first.readyMs.toFixed(0)} ms, RSS ${first.rssMb.toFixed(0)} MB`)
  console.log(`second start (existing data):  ${second.readyMs.toFixed(0)} ms, RSS ${second.rssMb.toFixed(0)} MB`)
} finally {
  rmSync(dataDir, { recursive: true, force: true })
}
