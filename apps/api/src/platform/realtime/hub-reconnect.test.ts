// RELIABILITY D-PG: announcements sent while the listen connection was down are lost, so once it is
// back (the database calls `onReconnect`) the hub checks every connection's credentials again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Database } from '../db/index.ts'
import { buildTenant, loginAs } from '../../test/factories.ts'
import { createTestRuntime, openTestDatabase, type TestRuntime } from '../../test/harness.ts'
import { connect, wsUrl } from './ws-client.fixture.ts'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const within5s = <T>(p: Promise<T>) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error('not within 5 s')), 5_000))])

describe('realtime hub after the listen connection is back', () => {
  let base: Database
  let rt: TestRuntime
  let url: string
  /** While set, notifications are dropped, as they are while the listen connection is down. */
  let down = false
  const reconnectHooks: (() => void)[] = []

  beforeAll(async () => {
    base = await openTestDatabase()
    const database: Database = {
      ...base,
      listen(channel, onPayload, opts) {
        if (opts?.onReconnect) reconnectHooks.push(opts.onReconnect)
        return base.listen(channel, (p) => (down ? undefined : onPayload(p)), opts)
      },
    }
    rt = await createTestRuntime({ database })
    url = wsUrl(await rt.app.listen({ port: 0, host: '127.0.0.1' }))
  })
  afterAll(async () => {
    await rt?.close()
    await base?.close()
  })

  it('a token revoked while the hub heard nothing closes its connection once the listen connection is back', async () => {
    const tenant = await buildTenant(rt)
    const agent = await loginAs(rt, tenant, 'agent_l1')
    const created = (await agent.post('/api/auth/me/tokens', { name: 'wall board', scopes: ['tickets.read'] })).json()
    const s = await connect(url, { authorization: `Bearer ${created.token}` })
    try {
      expect(await s.subscribe(`user:${agent.user.id}`)).toMatchObject({ type: 'subscribed' })
      down = true
      expect((await agent.delete(`/api/auth/me/tokens/${created.apiToken.id}`)).statusCode).toBe(200)
      await pause(300)
      expect(s.ws.readyState).toBe(s.ws.OPEN) // the announcement was lost: nothing checked yet
      expect(reconnectHooks.length).toBeGreaterThan(0)
      for (const hook of reconnectHooks) hook()
      expect(await within5s(s.closed)).toEqual({ code: 4401, reason: 'session ended' })
    } finally {
      down = false
      await s.close()
    }
  })
})
