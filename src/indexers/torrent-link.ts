// A release's download link to a magnet. The link may be a magnet already; an http(s) URL that
// redirects to one (Prowlarr answers 301, Jackett 302, with Location: magnet:..., which fetch
// cannot follow, hence redirect: 'manual' and hops counted here); or a .torrent file, read (at
// most TORRENT_MAX_BYTES) into its info hash, name and trackers.
import parseTorrent from 'parse-torrent'
import { isTrackerUrl, parseMagnet } from '../torrent/magnet.ts'
import { IndexerError } from './errors.ts'
import { boundedGet, failureOf } from './http.ts'

/** .torrent files of even large packs are well under 1 MiB (the pieces list); 4 MiB bounds it. */
export const TORRENT_MAX_BYTES = 4 * 1024 * 1024
const MAX_REDIRECTS = 5
/** trackers carried into a built magnet; more only lengthens the URI */
const MAX_TRACKERS = 30

export interface ResolvedLink {
  magnetUri: string
  /** 40 lower-case hex characters */
  infoHash: string
  /** dn= or the torrent's name */
  name: string | null
}

export interface LinkContext {
  indexer: string
  timeoutMs: number
  signal: AbortSignal
  fetchFn: typeof fetch
}

function magnetFrom (ctx: LinkContext, uri: string): ResolvedLink {
  try {
    const m = parseMagnet(uri)
    return { magnetUri: m.uri, infoHash: m.infoHash, name: m.name ?? null }
  } catch (err) {
    throw new IndexerError(ctx.indexer, 'malformed_response', `indexer "${ctx.indexer}" linked to an unusable magnet: ${(err as Error).message}`, { cause: err })
  }
}

/** A magnet built from a .torrent: xt, dn and its http(s)/udp/ws trackers. */
export function magnetOf (infoHash: string, name: string | null, trackers: readonly string[]): string {
  const parts = [`xt=urn:btih:${infoHash}`]
  if (name !== null && name !== '') parts.push(`dn=${encodeURIComponent(name)}`)
  for (const tr of [...new Set(trackers)].filter(isTrackerUrl).slice(0, MAX_TRACKERS)) parts.push(`tr=${encodeURIComponent(tr)}`)
  return `magnet:?${parts.join('&')}`
}

async function fromTorrentFile (ctx: LinkContext, body: Buffer): Promise<ResolvedLink> {
  try {
    const t = await parseTorrent(body)
    if (!/^[0-9a-f]{40}$/.test(t.infoHash)) throw new Error('no v1 info hash')
    const name = t.name ?? null
    return { magnetUri: magnetOf(t.infoHash, name, t.announce ?? []), infoHash: t.infoHash, name }
  } catch (err) {
    throw new IndexerError(ctx.indexer, 'malformed_response', `indexer "${ctx.indexer}" sent a download that is not a torrent file (${(err as Error).message})`, { cause: err })
  }
}

export async function resolveLink (ctx: LinkContext, link: string): Promise<ResolvedLink> {
  let current = link.trim()
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    if (/^magnet:/i.test(current)) return magnetFrom(ctx, current)
    let url: URL
    try {
      url = new URL(current)
    } catch {
      throw new IndexerError(ctx.indexer, 'malformed_response', `indexer "${ctx.indexer}" gave a download link that is not a URL`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new IndexerError(ctx.indexer, 'malformed_response', `indexer "${ctx.indexer}" gave a ${url.protocol} download link; only http(s) and magnet links are followed`)
    }
    const req = { indexer: ctx.indexer, url, what: 'downloading the .torrent', signal: ctx.signal, timeoutMs: ctx.timeoutMs, maxBytes: TORRENT_MAX_BYTES, redirect: 'manual' as const, accept: 'application/x-bittorrent, */*;q=0.5' }
    const res = await boundedGet(req, ctx.fetchFn)
    if (res.status >= 300 && res.status <= 399) {
      const location = res.headers.get('location')
      if (location === null) throw new IndexerError(ctx.indexer, 'http_error', `indexer "${ctx.indexer}" redirected the download without a Location`)
      current = /^magnet:/i.test(location.trim()) ? location.trim() : new URL(location, url).href
      continue
    }
    if (res.status < 200 || res.status > 299) throw failureOf(req, res.status, res.headers, res.body.toString('utf8'))
    // some indexers answer the magnet itself as the body
    const head = res.body.subarray(0, 7).toString('latin1')
    if (head.toLowerCase() === 'magnet:') return magnetFrom(ctx, res.body.toString('utf8').trim())
    return await fromTorrentFile(ctx, res.body)
  }
  throw new IndexerError(ctx.indexer, 'http_error', `indexer "${ctx.indexer}" redirected the download more than ${MAX_REDIRECTS} times`)
}
