// Shared by the HTTP benchmarks: a free port, and a server process started and awaited until ready.
import { spawn } from 'node:child_process'
import { createServer } from 'node:net'

export const repoRoot = new URL('..', import.meta.url).pathname

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const a = srv.address()
      srv.close(() => resolve(typeof a === 'object' && a ? a.port : 0))
    })
  })
}

/** Runs `node <argv>` from the repository root on a free port; resolves once `readyPath` answers 2xx. */
export async function startServerProcess(argv: string[], env: Record<string, string>, readyPath = '/readyz') {
  const port = await freePort()
  let out = ''
  const child = spawn(process.execPath, argv, {
    cwd: repoRoot,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()))
  const base = `http://127.0.0.1:${port}`
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited:\n${out}`)
    const ready = await fetch(base + readyPath).then(
      (r) => r.ok,
      () => false,
    )
    if (ready) break
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    base,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await new Promise((r) => child.once('exit', r))
      }
    },
  }
}
