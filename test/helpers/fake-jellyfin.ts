// A fake Jellyfin (or Emby) on 127.0.0.1 (port 0) for POST /Library/Media/Updated: it checks the
// token the way the real server reads it, the JSON body's shape, and answers 204 as the real one
// does; it records every request and can be scripted to fail or stall (FaultScript).
//
// Tokens: Jellyfin reads `Authorization: MediaBrowser Token="..."` (also the "Emby" scheme) and
// the ApiKey query parameter; X-Emby-Token and api_key only while legacy authorization is on
// (`legacyAuthorization`, off by default as in Jellyfin 12). Emby reads X-Emby-Token and api_key.
// A missing or wrong token: 401 with no body. A body that is not {"Updates":[{"Path":string,
// "UpdateType":"Created"|"Modified"|"Deleted"}]}: 400 with a problem-details body (the real
// Jellyfin accepts any UpdateType string; the fake is stricter to catch a misspelt one).
//
// Usage:
//   const jf = await startFakeJellyfin(t)                       // or { flavour: 'emby' }
//   jf.failNext(1, { status: 503 }); jf.stallNext(1)
//   jf.updates()                     // [{ Path: '/mnt/m/Movies/X (2000)', UpdateType: 'Modified' }]
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'
import { serverCloser } from './fake-server.ts'
import { FaultScript, parseRawQuery, type FakeRequest } from './fake-plex.ts'

export interface MediaUpdate {
  Path: string
  UpdateType: 'Created' | 'Modified' | 'Deleted'
}

export interface FakeJellyfin {
  /** http://127.0.0.1:PORT */
  url: string
  token: string
  flavour: 'jellyfin' | 'emby'
  requests: FakeRequest[]
  /** the updates of every request it accepted (204), in order */
  updates (): MediaUpdate[]
  /** how many requests it accepted */
  accepted (): number
  failNext (count: number, fault: { status: number, retryAfter?: string, path?: RegExp }): void
  stallNext (count: number, path?: RegExp): void
  close (): Promise<void>
}

/** Token parameters of an `Authorization: MediaBrowser Token="..", Client=".."` header. */
function authorizationToken (header: string | undefined): string | undefined {
  const m = /^\s*(MediaBrowser|Emby)\s+(.*)$/i.exec(header ?? '')
  if (m === null) return undefined
  for (const part of m[2]!.split(',')) {
    const eq = part.indexOf('=')
    if (eq < 0) continue
    if (part.slice(0, eq).trim().toLowerCase() === 'token') return decodeURIComponent(part.slice(eq + 1).trim().replace(/^"|"$/g, ''))
  }
  return undefined
}

function tokenOf (flavour: 'jellyfin' | 'emby', legacy: boolean, req: IncomingMessage, query: Record<string, string>): string | undefined {
  const header = (name: string): string | undefined => {
    const v = req.headers[name]
    return Array.isArray(v) ? v[0] : v
  }
  if (flavour === 'emby') return header('x-emby-token') ?? query.api_key
  return authorizationToken(header('authorization')) ?? query.ApiKey ??
    (legacy ? header('x-emby-token') ?? header('x-mediabrowser-token') ?? query.api_key : undefined)
}

function validUpdates (body: unknown): MediaUpdate[] | null {
  const updates = (body as { Updates?: unknown } | null)?.Updates
  if (!Array.isArray(updates) || updates.length === 0) return null
  const ok = updates.every((u: { Path?: unknown, UpdateType?: unknown } | null) => typeof u?.Path === 'string' && u.Path !== '' &&
    (u.UpdateType === 'Created' || u.UpdateType === 'Modified' || u.UpdateType === 'Deleted'))
  return ok ? updates as MediaUpdate[] : null
}

const PROBLEM = {
  type: 'https://tools.ietf.org/html/rfc9110#section-15.5.1',
  title: 'One or more validation errors occurred.',
  status: 400,
  errors: { dto: ['The dto field is required.'] }
}

export async function startFakeJellyfin (t: TestContext, opts: { flavour?: 'jellyfin' | 'emby', token?: string, legacyAuthorization?: boolean } = {}): Promise<FakeJellyfin> {
  const flavour = opts.flavour ?? 'jellyfin'
  const token = opts.token ?? `${flavour}-api-key`
  const requests: FakeRequest[] = []
  const updates: MediaUpdate[] = []
  let accepted = 0
  const script = new FaultScript()

  const server = createServer((req, res) => {
    const at = performance.now()
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const [pathname = '/', rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s)
      const query = parseRawQuery(rawQuery)
      const body = Buffer.concat(chunks).toString('utf8')
      requests.push({ method: req.method ?? 'GET', path: pathname, rawQuery, query, headers: req.headers, body, at })
      const fault = script.take(pathname)
      if (fault?.stall === true) return
      if (fault?.status !== undefined) {
        res.writeHead(fault.status, fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter })
        res.end()
        return
      }
      if (req.method !== 'POST' || pathname !== '/Library/Media/Updated') { res.writeHead(404); res.end(); return }
      if (tokenOf(flavour, opts.legacyAuthorization ?? false, req, query) !== token) { res.writeHead(401); res.end(); return }
      if (!(req.headers['content-type'] ?? '').startsWith('application/json')) { res.writeHead(415); res.end(); return }
      let parsed: unknown
      try { parsed = JSON.parse(body) } catch { parsed = null }
      const valid = validUpdates(parsed)
      if (valid === null) {
        res.writeHead(400, { 'content-type': 'application/problem+json; charset=utf-8' })
        res.end(JSON.stringify(PROBLEM))
        return
      }
      updates.push(...valid)
      accepted++
      res.writeHead(204)
      res.end()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => { resolve() })
  })
  const port = (server.address() as AddressInfo).port
  const fake: FakeJellyfin = {
    url: `http://127.0.0.1:${port}`,
    token,
    flavour,
    requests,
    updates: () => [...updates],
    accepted: () => accepted,
    failNext: (count, fault) => { script.failNext(count, fault) },
    stallNext: (count, path) => { script.stallNext(count, path) },
    close: serverCloser(server, new Set())
  }
  t.after(async () => { await fake.close() })
  return fake
}
