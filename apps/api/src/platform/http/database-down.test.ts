// When the database cannot be reached (restarting, refused, timed out) a request answers 503 with
// Retry-After, not 500: clients and load balancers know to come back (RELIABILITY D-PG).
import Fastify from 'fastify'
import pg from 'pg'
import { afterAll, describe, expect, it } from 'vitest'
import { DATABASE_RETRY_AFTER_S, registerErrorHandler } from './error-handler.ts'

const app = Fastify()
registerErrorHandler(app)
// nothing listens on port 1: the pool's connection is refused, as when PostgreSQL is down
const pool = new pg.Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none', connectionTimeoutMillis: 500 })
pool.on('error', () => {})
app.get('/tickets', async () => (await pool.query('select 1')).rows)
app.get('/shutdown', async () => {
  // what a backend terminated by a fast shutdown raises
  throw Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01', severity: 'FATAL' })
})
app.get('/bug', async () => {
  throw new Error('a plain bug')
})
afterAll(async () => {
  await app.close()
  await pool.end()
})

describe('database unavailable', () => {
  it('answers 503 with Retry-After when the connection is refused or the server is shutting down', async () => {
    for (const url of ['/tickets', '/shutdown']) {
      const res = await app.inject({ url })
      expect(res.statusCode).toBe(503)
      expect(res.headers['retry-after']).toBe(String(DATABASE_RETRY_AFTER_S))
      expect(res.json()).toMatchObject({ code: 'unavailable' })
    }
    // anything else is still an internal error
    expect((await app.inject({ url: '/bug' })).statusCode).toBe(500)
  })
})
