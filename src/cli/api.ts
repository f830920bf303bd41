// The command line talks to a running server over its REST API (the server owns the engine,
// the library and the indexers): the same checks, the same errors, nothing opened twice.
import type { Config } from '../config/schema.ts'

export class ApiError extends Error {
  constructor (readonly status: number, message: string) { super(message) }
}

export interface Api {
  call (method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown>
}

/** The server's base URL from the config (a wildcard listen address is reached on loopback). */
export function serverUrl (config: Readonly<Config>): string {
  const host = ['0.0.0.0', '::', ''].includes(config.server.host) ? '127.0.0.1' : config.server.host
  return `http://${host.includes(':') ? `[${host}]` : host}:${config.server.port}`
}

export function apiOf (base: string, config: Readonly<Config>, timeoutMs: number): Api {
  const headers: Record<string, string> = {}
  if (config.auth.username !== '') headers.authorization = 'Basic ' + Buffer.from(`${config.auth.username}:${config.auth.password}`).toString('base64')
  return {
    async call (method, path, body) {
      let res: Response
      try {
        res = await fetch(`${base.replace(/\/+$/, '')}/api${path}`, {
          method,
          headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(timeoutMs)
        })
      } catch (err) {
        throw new ApiError(0, `cannot reach momoshtrem at ${base}: ${(err as Error).message} (is it running? --server URL)`)
      }
      const text = await res.text()
      let parsed: unknown
      try { parsed = JSON.parse(text) } catch { parsed = text }
      if (!res.ok) {
        const message = (parsed as { error?: { message?: string } } | null)?.error?.message ?? text
        throw new ApiError(res.status, `${res.status}: ${message}`)
      }
      return parsed
    }
  }
}
