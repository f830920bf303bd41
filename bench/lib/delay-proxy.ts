// A TCP proxy on 127.0.0.1 that holds every chunk for a time in each direction: a round trip
// like a distant peer's, where the machine has no netem (tc qdisc) to add one. With jitter,
// each chunk waits oneWayMs plus a random 0..jitterMs more, but never leaves before the chunk
// ahead of it (a TCP stream keeps its order: a late chunk delays those behind it, like a
// queue that fills and drains). Bandwidth is whatever loopback and the timers allow.
import { connect, createServer, type Socket } from 'node:net'

export interface DelayProxy { port: number, close (): Promise<void> }

export async function startDelayProxy (targetPort: number, oneWayMs: number, jitterMs = 0): Promise<DelayProxy> {
  const sockets = new Set<Socket>()
  const relay = (from: Socket, to: Socket): void => {
    // one queue and one timer per direction: timers of different lengths that fall due in the
    // same millisecond may fire in either order, and a reordered TCP stream is garbage
    const queue: Array<{ at: number, data: Buffer | null }> = []
    let last = 0 // when the previous chunk leaves
    let timer: NodeJS.Timeout | undefined
    const release = (): void => {
      timer = undefined
      const now = performance.now()
      while (queue.length > 0 && queue[0]!.at <= now) {
        const { data } = queue.shift()!
        if (data === null) to.destroy()
        else if (!to.destroyed) to.write(data)
      }
      if (queue.length > 0) timer = setTimeout(release, queue[0]!.at - now)
    }
    const hold = (data: Buffer | null): void => {
      last = Math.max(last, performance.now() + oneWayMs + Math.random() * jitterMs)
      queue.push({ at: last, data })
      timer ??= setTimeout(release, last - performance.now())
    }
    from.on('data', (d: Buffer) => { hold(d) })
    from.on('close', () => { hold(null) })
    from.on('error', () => {})
  }
  const server = createServer((client) => {
    const upstream = connect(targetPort, '127.0.0.1')
    for (const s of [client, upstream]) { sockets.add(s); s.on('close', () => sockets.delete(s)) }
    relay(client, upstream)
    relay(upstream, client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => { resolve() }))
  return {
    port: (server.address() as { port: number }).port,
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    }
  }
}
