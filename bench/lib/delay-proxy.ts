// A TCP proxy on 127.0.0.1 that holds every chunk for a fixed time in each direction: a round
// trip like a distant peer's, where the machine has no netem (tc qdisc) to add one. Order is
// kept (same delay for every chunk); bandwidth is whatever loopback and the timers allow.
import { connect, createServer, type Socket } from 'node:net'

export interface DelayProxy { port: number, close (): Promise<void> }

export async function startDelayProxy (targetPort: number, oneWayMs: number): Promise<DelayProxy> {
  const sockets = new Set<Socket>()
  const relay = (from: Socket, to: Socket): void => {
    from.on('data', (d) => { setTimeout(() => { if (!to.destroyed) to.write(d) }, oneWayMs) })
    from.on('close', () => { setTimeout(() => { to.destroy() }, oneWayMs) })
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
