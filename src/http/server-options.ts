// Connection bounds of the HTTP server (issue 10). Node's headersTimeout and requestTimeout
// bound receiving a request (headers; headers and body), never the response: a WebDAV GET
// may stream for hours. Node checks them every connectionsCheckingInterval (30 s by
// default, which would let a 10 s headers timeout run to 40 s), so the interval follows
// the timeouts. An idle keep-alive connection between requests is not checked at all:
// keepAliveTimeout ends it.
import type { Server } from 'node:http'
import type { Config } from '../config/schema.ts'

type Limits = Pick<Config['server'], 'headers_timeout' | 'request_timeout'>

export interface TimeoutOptions {
  /** Fastify sets server.requestTimeout from this after creating the server (its default 0 = none) */
  requestTimeout: number
  /** http.createServer options; requestTimeout again, as Node checks headersTimeout against it there */
  http: { headersTimeout: number, requestTimeout: number, connectionsCheckingInterval: number, requireHostHeader: false }
}

/** Fastify options for the timeouts (milliseconds, as Node wants integers) and Host. */
export function timeoutOptions (cfg: Limits): TimeoutOptions {
  const requestTimeout = Math.round(cfg.request_timeout * 1000)
  // Node refuses a headersTimeout longer than requestTimeout; the whole request bounds its headers
  const headersTimeout = Math.min(Math.round(cfg.headers_timeout * 1000), requestTimeout)
  // a quarter of the shorter timeout, 100 ms to 1 s: a timeout fires at most 25% late
  const connectionsCheckingInterval = Math.max(100, Math.min(1000, Math.round(headersTimeout / 4)))
  // a missing Host is answered by host-check.ts, in the error format (Node's 400 has no body)
  return { requestTimeout, http: { headersTimeout, requestTimeout, connectionsCheckingInterval, requireHostHeader: false } }
}

/** server.max_connections: Node closes connections past it as soon as they are accepted. */
export function limitConnections (server: Server, max: number): void {
  server.maxConnections = max
}
