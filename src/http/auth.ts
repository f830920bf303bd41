// HTTP Basic authentication for /api, /dav and the UI when credentials are configured.
// OPTIONS is exempt: Finder mounts fail when OPTIONS asks for credentials (webdav.md).
import { timingSafeEqual, createHash } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { isApiUrl } from './error-reply.ts'

export interface Credentials { username: string, password: string }

/** Compares digests so neither length nor content leaks through timing. */
function safeEqual (a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest()
  const db = createHash('sha256').update(b).digest()
  return timingSafeEqual(da, db)
}

export function parseBasic (header: string | undefined): Credentials | null {
  if (header === undefined) return null
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header)
  if (m === null) return null
  const decoded = Buffer.from(m[1]!, 'base64').toString('utf8')
  const colon = decoded.indexOf(':')
  if (colon < 0) return null
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) }
}

export function checkCredentials (given: Credentials | null, expected: Credentials): boolean {
  if (given === null) return false
  // Both comparisons always run: no early exit on a wrong username.
  const userOk = safeEqual(given.username, expected.username)
  const passOk = safeEqual(given.password, expected.password)
  return userOk && passOk
}

/** Adds the auth hook to every route except OPTIONS and /metrics-free health probes. */
export function registerBasicAuth (app: FastifyInstance, expected: Credentials): void {
  app.addHook('onRequest', async (req, reply) => {
    if (req.method === 'OPTIONS') return
    if (checkCredentials(parseBasic(req.headers.authorization), expected)) return
    const isApi = isApiUrl(req.url)
    reply.header('WWW-Authenticate', 'Basic realm="momoshtrem", charset="UTF-8"')
    if (isApi) {
      await reply.code(401).send({ error: { code: 'unauthorized', message: 'credentials required (HTTP Basic)' } })
    } else {
      await reply.code(401).type('text/plain; charset=utf-8').send('credentials required\n')
    }
  })
}
