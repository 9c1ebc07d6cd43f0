import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from './config.ts'

const base = { DATA_DIR: '/tmp/aftercare-config-test', SECRET_KEY: 'x'.repeat(32) }

describe('configuration', () => {
  it('uses safe defaults: port 3000, embedded database', () => {
    const c = loadConfig(base, { persistSecret: false })
    expect(c.PORT).toBe(3000)
    expect(c.databaseKind).toBe('pglite')
    expect(c.STORAGE_URL).toBe('file:///tmp/aftercare-config-test/files')
  })

  it('chooses PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfig({ ...base, DATABASE_URL: 'postgres://u@h:5432/db' }, { persistSecret: false }).databaseKind).toBe('postgres')
  })

  it('reads TRUST_PROXY as nobody, a proxy on this machine or the proxies’ addresses', () => {
    const trust = (v: string) => loadConfig({ ...base, TRUST_PROXY: v }, { persistSecret: false }).TRUST_PROXY
    expect(loadConfig(base, { persistSecret: false }).TRUST_PROXY).toBe(false)
    expect(trust('true')).toEqual(['loopback'])
    expect(trust('10.0.0.0/8, 127.0.0.1')).toEqual(['10.0.0.0/8', '127.0.0.1'])
    expect(() => trust('yes please')).toThrow(/TRUST_PROXY: must be false, true \(a proxy on this machine\) or a comma-separated list/)
  })

  it('names every variable at fault', () => {
    let error: unknown
    try {
      loadConfig({ ...base, PORT: 'eighty', DATABASE_URL: 'mysql://x', SECRET_KEY: 'short' }, { persistSecret: false })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(ConfigError)
    const message = (error as Error).message
    expect(message).toMatch(/PORT:/)
    expect(message).toMatch(/DATABASE_URL: must start with postgres:\/\//)
    expect(message).toMatch(/SECRET_KEY: must be at least 32 characters/)
  })
})
