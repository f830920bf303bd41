// A fake Plex Media Server on 127.0.0.1 (port 0): GET /library/sections and
// GET /library/sections/{key}/refresh?path=..., in Plex's shapes. It checks the X-Plex-Token
// (query or header) and answers 401 with Plex's HTML page for a wrong one, answers JSON only to
// Accept: application/json (XML otherwise, as Plex does), records every request with its raw
// query (to check the percent-encoding), and can be scripted to fail or stall.
//
// Usage:
//   const plex = await startFakePlex(t, { sections: [{ key: '1', type: 'movie', title: 'Movies', locations: ['/mnt/m/Movies'] }] })
//   plex.failNext(2, { status: 500, path: /refresh/ }); plex.failNext(1, { status: 429, retryAfter: '1' })
//   plex.stallNext(1)               // the next request gets no answer until the fake closes
//   plex.refreshes()                // [{ section: '1', path: '/mnt/m/Movies/X (2000)' }]
//
// Shapes, from Plex's answers as public clients parse them (python-plexapi, Sonarr, autopulse):
// {"MediaContainer":{"size":N,"Directory":[{"key":"1","type":"movie","title":"Movies",
// "Location":[{"id":1,"path":"/data/movies"}],...}]}}; a refresh is answered 200 with no body.
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { TestContext } from 'node:test'
import { serverCloser } from './fake-server.ts'

export interface FakePlexSection {
  key: string
  type: 'movie' | 'show' | 'artist' | 'photo'
  title: string
  locations: string[]
}

export interface FakeRequest {
  method: string
  /** pathname, e.g. '/library/sections/2/refresh' */
  path: string
  /** the query as sent, without '?' */
  rawQuery: string
  /** each value percent-decoded as a URI component: a '+' stays a '+' */
  query: Record<string, string>
  headers: IncomingHttpHeaders
  /** the request body as text ('' for none) */
  body: string
  /** performance.now() when it arrived (to check waits between attempts) */
  at: number
}

export interface ScriptedFault {
  /** answer with this status (with `retryAfter` as Retry-After) */
  status?: number
  retryAfter?: string
  /** give no answer at all until the fake closes */
  stall?: boolean
  /** only requests whose path matches; every request when absent */
  path?: RegExp
}

/** Scripted faults, taken in order by the first request each matches. Shared by the fake servers. */
export class FaultScript {
  private readonly faults: ScriptedFault[] = []
  failNext (count: number, fault: { status: number, retryAfter?: string, path?: RegExp }): void {
    for (let i = 0; i < count; i++) this.faults.push(fault)
  }

  stallNext (count: number, path?: RegExp): void {
    for (let i = 0; i < count; i++) this.faults.push(path === undefined ? { stall: true } : { stall: true, path })
  }

  take (path: string): ScriptedFault | undefined {
    const i = this.faults.findIndex((f) => f.path === undefined || f.path.test(path))
    return i < 0 ? undefined : this.faults.splice(i, 1)[0]
  }
}

/** Splits a raw query the way a URI parser does: '&'-separated, '='-split, percent-decoded. */
export function parseRawQuery (raw: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const pair of raw.split('&')) {
    if (pair === '') continue
    const eq = pair.indexOf('=')
    const key = eq < 0 ? pair : pair.slice(0, eq)
    const value = eq < 0 ? '' : pair.slice(eq + 1)
    try { out[decodeURIComponent(key)] = decodeURIComponent(value) } catch { out[key] = value }
  }
  return out
}

const UNAUTHORIZED_HTML = '<html><head><title>Unauthorized</title></head><body><h1>401 Unauthorized</h1></body></html>'

const xmlAttr = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;')

function sectionsJson (sections: readonly FakePlexSection[]): unknown {
  return {
    MediaContainer: {
      size: sections.length,
      allowSync: false,
      title1: 'Plex Library',
      ...(sections.length === 0 ? {} : {
        Directory: sections.map((s, i) => ({
          allowSync: true,
          art: `/:/resources/${s.type}-fanart.jpg`,
          filters: true,
          refreshing: false,
          thumb: `/:/resources/${s.type}.png`,
          key: s.key,
          type: s.type,
          title: s.title,
          agent: s.type === 'show' ? 'tv.plex.agents.series' : 'tv.plex.agents.movie',
          scanner: s.type === 'show' ? 'Plex TV Series' : 'Plex Movie',
          language: 'en-US',
          uuid: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
          updatedAt: 1700000000,
          createdAt: 1700000000,
          scannedAt: 1700000000,
          content: true,
          directory: true,
          contentChangedAt: 1,
          hidden: 0,
          Location: s.locations.map((path, j) => ({ id: i * 10 + j + 1, path }))
        }))
      })
    }
  }
}

function sectionsXml (sections: readonly FakePlexSection[]): string {
  const dirs = sections.map((s) => `<Directory key="${xmlAttr(s.key)}" type="${s.type}" title="${xmlAttr(s.title)}">` +
    s.locations.map((p, j) => `<Location id="${j + 1}" path="${xmlAttr(p)}" />`).join('') + '</Directory>')
  return `<?xml version="1.0" encoding="UTF-8"?>\n<MediaContainer size="${sections.length}" allowSync="0" title1="Plex Library">${dirs.join('')}</MediaContainer>\n`
}

export interface FakePlex {
  /** http://127.0.0.1:PORT */
  url: string
  /** the token it accepts */
  token: string
  sections: FakePlexSection[]
  /** every request, in order, answered or not */
  requests: FakeRequest[]
  /** refresh requests it accepted (200), as section key and decoded path */
  refreshes (): Array<{ section: string, path: string }>
  failNext (count: number, fault: { status: number, retryAfter?: string, path?: RegExp }): void
  stallNext (count: number, path?: RegExp): void
  close (): Promise<void>
}

export async function startFakePlex (t: TestContext, opts: { token?: string, sections?: FakePlexSection[] } = {}): Promise<FakePlex> {
  const token = opts.token ?? 'plex-token'
  const sections = opts.sections ?? []
  const requests: FakeRequest[] = []
  const accepted: Array<{ section: string, path: string }> = []
  const script = new FaultScript()

  const send = (res: ServerResponse, status: number, body: string, type: string, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': type, ...headers })
    res.end(body)
  }

  const server = createServer((req, res) => {
    const [pathname = '/', rawQuery = ''] = (req.url ?? '/').split(/\?(.*)/s)
    const query = parseRawQuery(rawQuery)
    const request: FakeRequest = { method: req.method ?? 'GET', path: pathname, rawQuery, query, headers: req.headers, body: '', at: performance.now() }
    requests.push(request)
    const fault = script.take(pathname)
    if (fault?.stall === true) return
    if (fault?.status !== undefined) {
      send(res, fault.status, `<html><body><h1>${fault.status}</h1></body></html>`, 'text/html', fault.retryAfter === undefined ? {} : { 'retry-after': fault.retryAfter })
      return
    }
    if ((query['X-Plex-Token'] ?? req.headers['x-plex-token']) !== token) { send(res, 401, UNAUTHORIZED_HTML, 'text/html'); return }
    const json = (req.headers.accept ?? '').includes('application/json')
    if (req.method === 'GET' && pathname === '/library/sections') {
      if (json) send(res, 200, JSON.stringify(sectionsJson(sections)), 'application/json')
      else send(res, 200, sectionsXml(sections), 'text/xml;charset=utf-8')
      return
    }
    const m = /^\/library\/sections\/([^/]+)\/refresh$/.exec(pathname)
    if (req.method === 'GET' && m !== null) {
      const key = decodeURIComponent(m[1]!)
      if (!sections.some((s) => s.key === key)) { send(res, 404, '<html><body><h1>404 Not Found</h1></body></html>', 'text/html'); return }
      accepted.push({ section: key, path: query.path ?? '' })
      res.writeHead(200, { 'content-length': '0' })
      res.end()
      return
    }
    send(res, 404, '<html><body><h1>404 Not Found</h1></body></html>', 'text/html')
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => { resolve() })
  })
  const port = (server.address() as AddressInfo).port
  const fake: FakePlex = {
    url: `http://127.0.0.1:${port}`,
    token,
    sections,
    requests,
    refreshes: () => [...accepted],
    failNext: (count, fault) => { script.failNext(count, fault) },
    stallNext: (count, path) => { script.stallNext(count, path) },
    close: serverCloser(server, new Set())
  }
  t.after(async () => { await fake.close() })
  return fake
}
