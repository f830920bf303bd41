// A TCP proxy on 127.0.0.1 that holds every chunk for a time in each direction: a round trip
// like a distant peer's, where the machine has no netem (tc qdisc) to add one. With jitter,
// each chunk waits oneWayMs plus a random 0..jitterMs more, but never leaves before the chunk
// ahead of it (a TCP stream keeps its order: a late chunk delays those behind it, like a
// queue that fills and drains). Bandwidth is whatever loopback and the timers allow.
//
// A proxy can also play a peer that vanishes: armVanish(n) lets n more bytes flow from the
// seeder to the leecher, then cuts every connection and refuses new ones (a host gone off the
// net mid-transfer) until revive().
import { connect, createServer, type Socket } from 'node:net'

export interface DelayProxy {
  port: number
  /** bytes relayed from the target (seeder) to clients since the proxy started */
  readonly relayed: number
  /** true while vanished: connections are cut on arrival */
  readonly gone: boolean
  /** after `bytes` more bytes from the target, vanish */
  armVanish (bytes: number): void
  /** cut every connection now and refuse new ones */
  vanish (): void
  /** accept connections again (and disarm) */
  revive (): void
  close (): Promise<void>
}

export async function startDelayProxy (targetPort: number, oneWayMs: number, jitterMs = 0): Promise<DelayProxy> {
  const sockets = new Set<Socket>()
  let relayed = 0
  let vanishAt = Infinity
  let gone = false
  const vanish = (): void => {
    gone = true
    vanishAt = Infinity
    for (const s of sockets) s.destroy()
  }
  const relay = (from: Socket, to: Socket, downstream: boolean): void => {
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
        else if (!to.destroyed) {
          to.write(data)
          if (downstream) {
            relayed += data.length
            if (relayed >= vanishAt) { vanish(); return }
          }
        }
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
    client.on('error', () => {})
    // a vanished host: the SYN is answered by the kernel, but nothing ever comes back
    if (gone) { client.destroy(); return }
    const upstream = connect(targetPort, '127.0.0.1')
    // no Nagle: on loopback a whole 16 KiB block is a "small" segment, so each write waited for
    // the ACK of the one before, which the other end delays up to 40 ms (see proxy.ts)
    client.setNoDelay(true)
    upstream.setNoDelay(true)
    for (const s of [client, upstream]) { sockets.add(s); s.on('close', () => sockets.delete(s)) }
    relay(client, upstream, false)
    relay(upstream, client, true)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => { resolve() }))
  return {
    port: (server.address() as { port: number }).port,
    get relayed () { return relayed },
    get gone () { return gone },
    armVanish: (bytes) => { vanishAt = relayed + bytes },
    vanish,
    revive: () => { gone = false; vanishAt = Infinity },
    close: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => { resolve() }))
    }
  }
}
