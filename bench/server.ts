// Shared by the HTTP benchmarks: a free port, and a server process started and awaited until ready.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
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

/** CPU time (user + system) a process has used so far, in milliseconds (Linux /proc). */
export function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
  // after "pid (comm) ": state is field 3, utime field 14, stime field 15 (1-based, clock ticks of 10 ms)
  return (Number(fields[11]) + Number(fields[12])) * 10
}

/**
 * Runs `node <argv>` from the repository root on a free port; resolves once `ready` answers 2xx
 * (a path), or once the process prints a line matching it (a worker has no HTTP).
 */
export async function startServerProcess(argv: string[], env: Record<string, string>, ready: string | RegExp = '/readyz') {
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
    const up =
      typeof ready === 'string'
        ? await fetch(base + ready).then(
            (r) => r.ok,
            () => false,
          )
        : ready.test(out)
    if (up) break
    await new Promise((r) => setTimeout(r, 100))
  }
  return {
    base,
    pid: child.pid!,
    async stop() {
      if (child.exitCode === null) {
        child.kill('SIGTERM')
        await new Promise((r) => child.once('exit', r))
      }
    },
  }
}
