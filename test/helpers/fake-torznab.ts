// A fake Torznab indexer on 127.0.0.1 (port 0) that answers like Prowlarr or Jackett (shapes in
// torznab-xml.ts): t=caps, searches, downloads (.torrent files, redirects to magnets), their
// error bodies, and on request stalls, malformed XML, entity bombs and oversize answers. It
// records every request. Several may run at once; each closes when its test ends.
//
//   const idx = await startFakeTorznab(t, { flavour: 'jackett' })
//   idx.addRelease({ title: 'Fight.Club.1999.1080p.BluRay.x264-GROUP', magnet: seeder.magnet, seeders: 12 })
//   const torrent = await makeTorrent('Movie.2019.1080p.WEB-DL.mkv', 'bytes')
//   idx.addRelease({ title: 'Movie.2019.1080p.WEB-DL-GRP', torrent: torrent.torrent })  // .torrent only
//   new IndexerRegistry([idx.settings({ timeoutMs: 2000 })])
//   idx.searches()[0].query.tmdbid  // what was asked
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'
import type { TestContext } from 'node:test'
import parseTorrent from 'parse-torrent'
import type { IndexerSettings } from '../../src/indexers/types.ts'
import { importUntyped } from './untyped.ts'
import { withTimeout } from './wait.ts'
import { billionLaughsXml, capsXml, errorXml, feedXml, type CapsSpec, type FeedItem, type Flavour } from './torznab-xml.ts'

export type { Flavour } from './torznab-xml.ts'

export interface FakeRelease {
  title: string
  /** default: derived from the title */
  guid?: string
  /** sent as the infohash attribute (default: the magnet's hash; none for a .torrent-only release, as private trackers do) */
  infoHash?: string
  /** true: no infohash attribute even with a magnet */
  hideInfoHash?: boolean
  /** Jackett sends it as magneturl (and as link without a torrent); Prowlarr proxies it through /download (301) */
  magnet?: string
  /** a .torrent served by the download link */
  torrent?: Uint8Array
  /** the download link redirects here (Prowlarr 301, Jackett 302) instead of serving a file */
  redirectTo?: string
  /** default 1 GiB */
  size?: number
  seeders?: number
  peers?: number
  /** default [2000, 2040] */
  categories?: number[]
  imdbId?: number
  tmdbId?: number
  tvdbId?: number
  downloadVolumeFactor?: number
  publishedAt?: Date
  /** which searches return it (default: all) */
  matches?: (req: FakeTorznabRequest) => boolean
}

export interface FakeTorznabRequest {
  kind: 'api' | 'download'
  path: string
  /** t= of API requests ('caps', 'search', 'tvsearch', 'movie') */
  t: string | null
  query: Record<string, string>
}

export type FakeFailure =
  /** an HTTP status with a body (default: empty for 401/403, Torznab error XML otherwise) */
  | { kind: 'status', status: number, body?: string, retryAfter?: string }
  /** <error code description/> with `status` (default 200, as Jackett answers a wrong key) */
  | { kind: 'torznab-error', code: number, description: string, status?: number, retryAfter?: string }
  | { kind: 'malformed' }
  | { kind: 'billion-laughs' }
  /** a 200 answer of `bytes` bytes, without Content-Length when `chunked` */
  | { kind: 'oversize', bytes: number, chunked?: boolean }

export interface FakeTorznabOptions {
  flavour?: Flavour
  /** default 'fake-key' */
  apiKey?: string
  /** the indexer's name in settings() and feeds (default flavour-port) */
  name?: string
  caps?: CapsSpec
  releases?: FakeRelease[]
}

export interface FakeTorznab {
  flavour: Flavour
  /** the Torznab endpoint: Prowlarr http://127.0.0.1:P/1/api, Jackett http://127.0.0.1:P/api/v2.0/indexers/NAME/results/torznab/api */
  url: string
  apiKey: string
  name: string
  /** every request, downloads included, in order */
  requests: FakeTorznabRequest[]
  /** the API requests that were searches */
  searches (): FakeTorznabRequest[]
  /** IndexerSettings for this fake (timeoutMs default 2000) */
  settings (overrides?: Partial<IndexerSettings>): IndexerSettings
  addRelease (r: FakeRelease): void
  clearReleases (): void
  /** The next `count` requests of `on` (default 'api') fail this way, after being recorded. */
  failNext (count: number, failure: FakeFailure, on?: 'api' | 'download'): void
  /** Every request from now on is held, unanswered, until release() (or close) */
  stall (): { release: () => void, held: () => number }
  /** Resolves once `n` requests arrived (bounded by `ms`) */
  waitForRequests (n: number, ms?: number): Promise<void>
  close (): Promise<void>
}

interface MakeTorrent { default: (input: Buffer, opts: object, cb: (err: Error | null, torrent: Buffer) => void) => void }

/** A small real .torrent of one file (`name`, `content`), with its info hash and magnet. */
export async function makeTorrent (name: string, content: Buffer | string, opts: { announce?: string[] } = {}): Promise<{ torrent: Buffer, infoHash: string, magnet: string }> {
  const createTorrent = (await importUntyped<MakeTorrent>('create-torrent')).default
  const torrent = await new Promise<Buffer>((resolve, reject) => {
    createTorrent(Buffer.from(content), { name, announceList: (opts.announce ?? []).map((u) => [u]), createdBy: 'momoshtrem-test', creationDate: new Date(0), private: false }, (err, buf) => {
      if (err !== null) reject(err); else resolve(buf)
    })
  })
  const parsed = await parseTorrent(torrent)
  const tr = (opts.announce ?? []).map((u) => `&tr=${encodeURIComponent(u)}`).join('')
  return { torrent, infoHash: parsed.infoHash, magnet: `magnet:?xt=urn:btih:${parsed.infoHash}&dn=${encodeURIComponent(name)}${tr}` }
}

function hashOf (r: FakeRelease): string | undefined {
  if (r.hideInfoHash === true) return undefined
  return r.infoHash ?? /xt=urn:btih:([0-9a-fA-F]{40})/.exec(r.magnet ?? '')?.[1]?.toLowerCase()
}

export async function startFakeTorznab (t: TestContext, opts: FakeTorznabOptions = {}): Promise<FakeTorznab> {
  const flavour = opts.flavour ?? 'prowlarr'
  const apiKey = opts.apiKey ?? 'fake-key'
  const releases: FakeRelease[] = []
  const arrivals = new Set<() => void>()
  const requests: FakeTorznabRequest[] = []
  const failures: Array<{ on: 'api' | 'download', failure: FakeFailure }> = []
  const sockets = new Set<Socket>()
  let held: Array<() => void> | null = null
  let name = opts.name ?? ''
  let base = ''

  const apiPath = (): string => flavour === 'prowlarr' ? '/1/api' : `/api/v2.0/indexers/${name}/results/torznab/api`
  const downloadUrl = (index: number, r: FakeRelease): string => flavour === 'prowlarr'
    ? `${base}/1/download?apikey=${apiKey}&link=${index}&file=${encodeURIComponent(r.title)}`
    : `${base}/dl/${name}/?jackett_apikey=${apiKey}&path=${index}&file=${encodeURIComponent(r.title)}`

  const feedItem = (r: FakeRelease, index: number): FeedItem => {
    const fetchable = r.torrent !== undefined || r.redirectTo !== undefined
    const proxied = downloadUrl(index, r)
    const link = fetchable ? proxied : flavour === 'jackett' ? r.magnet ?? null : null
    const magnetUrl = r.magnet === undefined ? null : flavour === 'prowlarr' ? proxied : r.magnet
    return {
      title: r.title, guid: r.guid ?? `${base}/details/${encodeURIComponent(r.title)}`, link, magnetUrl, infoHash: hashOf(r),
      size: r.size ?? 1024 ** 3, seeders: r.seeders, peers: r.peers, categories: r.categories ?? [2000, 2040], imdbId: r.imdbId, tmdbId: r.tmdbId,
      tvdbId: r.tvdbId, downloadVolumeFactor: r.downloadVolumeFactor, publishedAt: r.publishedAt ?? new Date(Date.UTC(2024, 0, 2, 3, 4, 5)), indexerName: name
    }
  }

  const send = (res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/rss+xml; charset=utf-8', ...headers })
    res.end(body)
  }

  const fail = (res: ServerResponse, f: FakeFailure): void => {
    switch (f.kind) {
      case 'status': {
        const body = f.body ?? (f.status === 401 || f.status === 403 ? '' : errorXml(flavour === 'jackett' ? 900 : f.status, `fake failure ${f.status}`))
        send(res, f.status, body, f.retryAfter === undefined ? {} : { 'retry-after': f.retryAfter }); return
      }
      case 'torznab-error': send(res, f.status ?? 200, errorXml(f.code, f.description), { 'content-type': 'application/xml; charset=utf-8', ...(f.retryAfter === undefined ? {} : { 'retry-after': f.retryAfter }) }); return
      case 'malformed': send(res, 200, '<?xml version="1.0"?><rss version="2.0"><channel><item><title>cut off'); return
      case 'billion-laughs': send(res, 200, billionLaughsXml()); return
      case 'oversize': {
        const head = '<?xml version="1.0"?><rss version="2.0"><channel><description>'
        const filler = Buffer.alloc(Math.max(0, f.bytes - head.length), 'a')
        if (f.chunked === true) { res.writeHead(200, { 'content-type': 'application/rss+xml' }); res.write(head); res.end(filler) } else send(res, 200, Buffer.concat([Buffer.from(head), filler]))
      }
    }
  }

  const api = (req: FakeTorznabRequest, res: ServerResponse, headerKey: string | undefined): void => {
    if (req.query.apikey !== apiKey && headerKey !== apiKey) {
      // Prowlarr's API key check answers 401 with no body; Jackett's Torznab route answers 200 with error 100
      if (flavour === 'prowlarr') send(res, 401, '')
      else send(res, 200, errorXml(100, 'Invalid API Key'), { 'content-type': 'application/xml; charset=utf-8' })
      return
    }
    if (req.t === 'caps') { send(res, 200, capsXml(flavour, opts.caps)); return }
    if (req.t !== 'search' && req.t !== 'tvsearch' && req.t !== 'movie') { send(res, 400, errorXml(202, `No such function (${req.t ?? ''})`)); return }
    const items = releases.map((r, i) => [r, i] as const).filter(([r]) => r.matches?.(req) ?? true).map(([r, i]) => feedItem(r, i))
    send(res, 200, feedXml(flavour, `${base}${req.path}`, items, name))
  }

  const download = (req: FakeTorznabRequest, res: ServerResponse): void => {
    const key = flavour === 'prowlarr' ? req.query.apikey : req.query.jackett_apikey
    if (key !== apiKey) { send(res, 401, ''); return }
    const r = releases[Number(flavour === 'prowlarr' ? req.query.link : req.query.path)]
    if (r === undefined) { send(res, 404, errorXml(300, 'No such item')); return }
    const to = r.redirectTo ?? (r.torrent === undefined ? r.magnet : undefined)
    if (to !== undefined) { res.writeHead(flavour === 'prowlarr' ? 301 : 302, { location: to }); res.end(); return }
    send(res, 200, Buffer.from(r.torrent ?? []), { 'content-type': 'application/x-bittorrent', 'content-disposition': `attachment; filename="${encodeURIComponent(r.title)}.torrent"` })
  }

  const handle = (raw: IncomingMessage, res: ServerResponse): void => {
    const u = new URL(raw.url ?? '/', 'http://fake')
    const kind = u.pathname === apiPath() ? 'api' : /^\/(?:1\/download|dl\/[^/]+\/?)$/.test(u.pathname) ? 'download' : null
    const query = Object.fromEntries(u.searchParams)
    const req: FakeTorznabRequest = { kind: kind ?? 'api', path: u.pathname, t: kind === 'api' ? query.t ?? null : null, query }
    requests.push(req)
    for (const notify of arrivals) notify()
    const answer = (): void => {
      if (res.destroyed) return
      if (kind === null) { send(res, 404, 'Not Found', { 'content-type': 'text/plain' }); return }
      const i = failures.findIndex((f) => f.on === kind)
      if (i >= 0) { fail(res, failures.splice(i, 1)[0]!.failure); return }
      if (kind === 'api') api(req, res, raw.headers['x-api-key'] as string | undefined)
      else download(req, res)
    }
    if (held !== null) held.push(answer)
    else answer()
  }

  const server = createServer(handle)
  server.on('connection', (s) => { sockets.add(s); s.on('close', () => sockets.delete(s)) })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => { resolve() })
  })
  const port = (server.address() as AddressInfo).port
  base = `http://127.0.0.1:${port}`
  if (name === '') name = `${flavour}-${port}`

  const add = (r: FakeRelease): void => { releases.push(r) }
  for (const r of opts.releases ?? []) add(r)

  let closed: Promise<void> | undefined
  const fake: FakeTorznab = {
    flavour,
    get url () { return `${base}${apiPath()}` },
    apiKey,
    name,
    requests,
    searches: () => requests.filter((r) => r.kind === 'api' && r.t !== 'caps'),
    settings: (overrides = {}) => ({ name, url: fake.url, apiKey, timeoutMs: 2000, ...overrides }),
    addRelease: add,
    clearReleases () { releases.length = 0 },
    failNext (count, failure, on = 'api') { for (let i = 0; i < count; i++) failures.push({ on, failure }) },
    stall () {
      const mine: Array<() => void> = []
      held = mine
      return {
        release () { if (held === mine) held = null; for (const answer of mine.splice(0)) answer() },
        held: () => mine.length
      }
    },
    async waitForRequests (n, ms = 5000) {
      let notify = (): void => {}
      const arrived = new Promise<void>((resolve) => {
        notify = () => { if (requests.length >= n) resolve() }
        arrivals.add(notify)
        notify()
      })
      try { await withTimeout(arrived, ms, `${n} requests to fake indexer ${name}`) } finally { arrivals.delete(notify) }
    },
    async close () {
      closed ??= new Promise<void>((resolve) => {
        held = null
        server.close(() => { resolve() })
        for (const s of sockets) s.destroy()
      })
      await closed
    }
  }
  t.after(async () => { await fake.close() })
  return fake
}
