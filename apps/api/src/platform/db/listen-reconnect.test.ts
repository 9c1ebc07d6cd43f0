// RELIABILITY D-PG: the LISTEN connection on PostgreSQL comes back by itself when it is lost
// (PostgreSQL restarted, the backend terminated), listens to every channel again and says so.
import { randomUUID } from 'node:crypto'
import { afterEach, describe, expect, it } from 'vitest'
import { openPostgres, type Database } from './database.ts'

const url = process.env.TEST_DATABASE_URL
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))
const channelName = () => `lr_${randomUUID().replaceAll('-', '')}`

/** Terminates the listen connection whose last statement listened to `channel` (not this test's other connections). */
async function terminateListener(admin: Database, channel: string): Promise<number> {
  const killed = await admin.query(
    `select pg_terminate_backend(pid) from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and query = $1`,
    [`listen "${channel}"`],
  )
  return killed.length
}

/** Notifies every channel until each has received a payload (or `ms` have passed). */
async function notifyUntilHeard(admin: Database, heard: Map<string, string[]>, ms = 10_000) {
  const until = Date.now() + ms
  for (let n = 0; Date.now() < until; n++) {
    const deaf = [...heard].filter(([, got]) => !got.some((p) => p.startsWith('after')))
    if (!deaf.length) return
    for (const [channel] of deaf) await admin.notify(channel, `after ${n}`)
    await pause(100)
  }
}

describe.runIf(!!url)('listen on PostgreSQL after the listen connection is lost', () => {
  const opened: Database[] = []
  const open = async () => {
    const database = await openPostgres(url!, { max: 2 })
    opened.push(database)
    return database
  }
  afterEach(async () => {
    for (const database of opened.splice(0)) await database.close()
  })

  it('reconnects, listens to every channel again (also one added meanwhile) and calls onReconnect', async () => {
    const database = await open()
    const admin = await open()
    const [first, second, added] = [channelName(), channelName(), channelName()]
    const heard = new Map<string, string[]>([
      [first, []],
      [second, []],
      [added, []],
    ])
    const handler = (channel: string) => (payload: string) => heard.get(channel)!.push(payload)
    let reconnects = 0
    await database.listen(first, handler(first), { onReconnect: () => reconnects++ })
    await database.listen(second, handler(second))
    await admin.notify(first, 'before')
    await expect.poll(() => heard.get(first)).toEqual(['before'])

    expect(await terminateListener(admin, second)).toBe(1)
    // a channel listened to while the connection is down (or not yet known to be) is not lost either
    await database.listen(added, handler(added))
    await notifyUntilHeard(admin, heard)

    for (const [channel, got] of heard) expect({ channel, heard: got.some((p) => p.startsWith('after')) }).toEqual({ channel, heard: true })
    expect(reconnects).toBe(1)
    // and the process's other queries never noticed
    expect(await database.query('select 1 as one')).toEqual([{ one: 1 }])
  })

  it('reconnects again after a second loss', async () => {
    const database = await open()
    const admin = await open()
    const channel = channelName()
    const heard = new Map<string, string[]>([[channel, []]])
    let reconnects = 0
    await database.listen(channel, (p) => heard.get(channel)!.push(p), { onReconnect: () => reconnects++ })
    for (const round of [1, 2]) {
      // the previous round's connection must be listening before it is terminated
      await expect.poll(async () => terminateListener(admin, channel), { timeout: 10_000, interval: 100 }).toBe(1)
      heard.set(channel, [])
      await notifyUntilHeard(admin, heard)
      expect(heard.get(channel)!.length).toBeGreaterThan(0)
      expect(reconnects).toBe(round)
    }
  })

  it('close() stops reconnecting', async () => {
    const database = await openPostgres(url!, { max: 1 })
    const admin = await open()
    const channel = channelName()
    let reconnects = 0
    await database.listen(channel, () => {}, { onReconnect: () => reconnects++ })
    expect(await terminateListener(admin, channel)).toBe(1)
    await pause(100) // the loss is noticed and a reconnect scheduled (the first one waits 250–500 ms)
    await database.close()
    await pause(1_500)
    const listening = await admin.query(`select pid from pg_stat_activity where datname = current_database() and query = $1`, [
      `listen "${channel}"`,
    ])
    expect(listening).toEqual([])
    expect(reconnects).toBe(0)
    await expect(database.listen(channelName(), () => {})).rejects.toThrow()
  })
})
