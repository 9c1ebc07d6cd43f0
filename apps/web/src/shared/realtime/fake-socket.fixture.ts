// A stand-in for the browser's WebSocket (a browser API, not our code): the test plays the server.
import type { SocketLike } from './client.ts'

export class FakeSocket implements SocketLike {
  static created: FakeSocket[] = []
  static last(): FakeSocket {
    const s = FakeSocket.created.at(-1)
    if (!s) throw new Error('no socket was created')
    return s
  }

  readyState = 0
  /** Messages the client sent, parsed. */
  sent: Record<string, unknown>[] = []
  closedWith: number | undefined
  onopen: SocketLike['onopen'] = null
  onclose: SocketLike['onclose'] = null
  onmessage: SocketLike['onmessage'] = null
  onerror: SocketLike['onerror'] = null

  constructor(readonly url: string) {
    FakeSocket.created.push(this)
  }

  send(data: string) {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open')
    this.sent.push(JSON.parse(data) as Record<string, unknown>)
  }

  close(code = 1000) {
    if (this.readyState === 3) return
    this.closedWith = code
    this.readyState = 3
    this.onclose?.({ code })
  }

  /** Server side: the handshake succeeded. */
  accept() {
    this.readyState = 1
    this.onopen?.({})
  }

  /** Server side: a message arrives. */
  push(message: object) {
    this.onmessage?.({ data: JSON.stringify(message) })
  }

  /** Server side: the connection is gone (1006 = abnormal, e.g. the server restarted). */
  drop(code = 1006) {
    this.readyState = 3
    this.onclose?.({ code })
  }

  /** What the client subscribed to since the socket opened, in order. */
  subscribedTopics() {
    return this.sent.filter((m) => m.type === 'subscribe').map((m) => m.topic)
  }
}
