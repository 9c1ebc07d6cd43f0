// `npm start`: builds the web app when its sources are newer than the build, then runs
// the server and the worker in one process (migrations and first-run seeding included).
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { register } from 'tsx/esm/api'

const root = new URL('..', import.meta.url).pathname
const web = join(root, 'apps/web')
const built = join(web, 'dist/index.html')

function newest(path) {
  const s = statSync(path)
  if (!s.isDirectory()) return s.mtimeMs
  return readdirSync(path).reduce((m, f) => Math.max(m, newest(join(path, f))), s.mtimeMs)
}

const sources = ['src', 'index.html', 'vite.config.ts', 'package.json'].map((f) => join(web, f)).filter(existsSync)
const contracts = join(root, 'packages/contracts/src')
if (sources.length && (!existsSync(built) || Math.max(...sources.map(newest), newest(contracts)) > statSync(built).mtimeMs)) {
  console.log('Building the web app…')
  const r = spawnSync('npm', ['run', 'build', '-w', '@aftercare/web'], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] })
  if (r.status !== 0) process.exit(r.status ?? 1)
}

register()
const { main } = await import('../apps/api/src/main.ts')
await main({ http: true, worker: true })
