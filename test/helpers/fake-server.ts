// Closing a fake service's HTTP server once, whoever asks first: its pending timers (stalls,
// delayed answers) are cleared and open connections dropped, so a test never waits on them.
import type { Server } from 'node:http'

export function serverCloser (server: Server, timers: Set<NodeJS.Timeout>): () => Promise<void> {
  let closed: Promise<void> | undefined
  return async () => {
    closed ??= new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer)
      server.close(() => { resolve() })
      server.closeAllConnections()
    })
    await closed
  }
}
