// DNS rebinding guard. A web page the user visits can point its own name at 127.0.0.1 and
// then talk to this server from the browser, with its name in the Host header. So only
// Host values that no outside page can own are accepted: IP literals (rebinding needs a
// name), localhost and *.localhost (browsers resolve those to loopback themselves), the
// configured server.host when it is a name, and the names listed in server.public_hosts.
import { isIP } from 'node:net'
import type { FastifyInstance } from 'fastify'
import { isApiUrl, sendError, sendText } from './error-reply.ts'
import { payload } from './error-answer.ts'

export interface HostPolicyOptions {
  /** server.host: a name here is accepted (an address or 0.0.0.0 adds nothing) */
  host: string
  /** server.public_hosts: 'name' (any port) or 'name:port' (that port only) */
  publicHosts: readonly string[]
}

export interface HostPolicy {
  /** true when the Host header value may be served; undefined (HTTP/1.0, no Host) is fine */
  allows (host: string | undefined): boolean
}

interface HostParts { name: string, port: string | undefined }

/** 'Name:80' -> { name: 'name', port: '80' }; '[::1]:80' keeps the brackets; null when malformed. */
export function splitHost (value: string): HostParts | null {
  const v = value.trim().toLowerCase()
  const m = /^(\[[^\]]*\]|[^:[\]]*)(?::(\d{1,5}))?$/.exec(v)
  if (m === null) return null
  // one trailing dot is the same DNS name ('localhost.'); it must not dodge the checks
  return { name: m[1]!.replace(/\.$/, ''), port: m[2] }
}

function isIpLiteral (name: string): boolean {
  if (name.startsWith('[')) return isIP(name.slice(1, -1)) === 6
  return isIP(name) === 4
}

function isLoopbackName (name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost')
}

export function hostPolicy (opts: HostPolicyOptions): HostPolicy {
  const anyPort = new Set<string>()
  const withPort = new Set<string>()
  const configured = splitHost(opts.host)
  if (configured !== null && !isIpLiteral(configured.name) && configured.name !== '') anyPort.add(configured.name)
  for (const entry of opts.publicHosts) {
    const p = splitHost(entry)
    if (p === null || p.name === '') continue
    if (p.port === undefined) anyPort.add(p.name)
    else withPort.add(`${p.name}:${p.port}`)
  }
  return {
    allows (host) {
      // no Host at all (HTTP/1.0) or an empty one: no name a page could have rebound
      if (host === undefined || host.trim() === '') return true
      const p = splitHost(host)
      if (p === null || p.name === '') return false
      if (isIpLiteral(p.name) || isLoopbackName(p.name) || anyPort.has(p.name)) return true
      return p.port !== undefined && withPort.has(`${p.name}:${p.port}`)
    }
  }
}

/** 421 before anything else (auth included) for a Host header the policy refuses. */
export function registerHostCheck (app: FastifyInstance, opts: HostPolicyOptions): void {
  const policy = hostPolicy(opts)
  app.addHook('onRequest', async (req, reply) => {
    const host = req.headers.host
    // Node's own check would answer this with an empty 400 (server-options.ts turns it off)
    if (host === undefined && req.raw.httpVersion !== '1.0') {
      await sendError(reply, req.url, 400, 'invalid_input', `HTTP/${req.raw.httpVersion} requests need a Host header`)
      return
    }
    if (policy.allows(host)) return
    const name = (host ?? '').slice(0, 200)
    const message = `this server does not answer to the name "${name}"; add it to server.public_hosts in the configuration to use it`
    reply.code(421)
    if (isApiUrl(req.url)) await reply.send(payload('misdirected_request', message))
    else await sendText(reply, message)
  })
}
