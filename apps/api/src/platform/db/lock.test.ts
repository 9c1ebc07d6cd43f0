import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { DataDirInUseError, lockDataDir } from './lock.ts'

describe('embedded data directory lock', () => {
  it('refuses a directory owned by another live process, naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'aftercare-lock-'))
    const other = spawn('sleep', ['30'])
    try {
      writeFileSync(join(dir, 'aftercare.lock'), String(other.pid))
      expect(() => lockDataDir(dir)).toThrow(DataDirInUseError)
      expect(() => lockDataDir(dir)).toThrow(`in use by another Aftercare process (pid ${other.pid})`)
    } finally {
      other.kill()
    }
  })

  it('takes over a lock left by a process that died, and releases it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'aftercare-lock-'))
    writeFileSync(join(dir, 'aftercare.lock'), '999999999')
    const release = lockDataDir(dir)
    expect(existsSync(join(dir, 'aftercare.lock'))).toBe(true)
    release()
    expect(existsSync(join(dir, 'aftercare.lock'))).toBe(false)
  })
})
