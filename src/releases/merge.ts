// The items of every indexer into one list of releases: one per info hash (the highest seeder
// count, every indexer that had it), and one per indexer item while the hash is unknown (a
// .torrent-only release, resolved on demand). Pure.
import { createHash } from 'node:crypto'
import { parseMagnet } from '../torrent/magnet.ts'
import type { TorznabItem } from '../indexers/types.ts'
import type { Release } from './types.ts'

/** An http(s) link of one indexer that leads to the torrent: a .torrent, or a redirect to a magnet. */
export interface DownloadLink { indexer: string, url: string }

/** A release with the links its info hash or magnet can be fetched from (never shown: they may hold API keys). */
export interface Candidate { release: Release, links: DownloadLink[] }

function isHttp (url: string | null): url is string {
  return url !== null && /^https?:\/\//i.test(url)
}

function isMagnet (url: string | null): url is string {
  return url !== null && /^magnet:/i.test(url)
}

function hashOfMagnet (magnet: string): string | null {
  try { return parseMagnet(magnet).infoHash } catch { return null }
}

/** "r" + 15 characters: not 40 hex, so never mistaken for an info hash. */
export function itemId (indexer: string, item: TorznabItem): string {
  const key = `${indexer}\n${item.guid ?? item.link ?? item.title}`
  return 'r' + createHash('sha256').update(key).digest('base64url').slice(0, 15)
}

function max (a: number | null, b: number | null): number | null {
  return a === null ? b : b === null ? a : Math.max(a, b)
}

function fromItem (indexer: string, item: TorznabItem): Candidate {
  const magnet = [item.magnetUrl, item.link].find(isMagnet) ?? null
  const infoHash = item.infoHash ?? (magnet === null ? null : hashOfMagnet(magnet))
  // a magnet whose hash is unreadable is no use; its item may still have a .torrent
  const magnetUri = magnet !== null && infoHash !== null && hashOfMagnet(magnet) === infoHash ? magnet : null
  // the .torrent first (it lists every tracker), then Prowlarr's proxied magnet link
  const links = [item.link, item.magnetUrl].filter(isHttp).map((url) => ({ indexer, url }))
  return {
    release: {
      id: infoHash ?? itemId(indexer, item),
      name: item.title,
      infoHash,
      magnetUri,
      size: item.size,
      seeders: item.seeders,
      peers: item.peers,
      indexers: [indexer],
      publishedAt: item.publishedAt,
      categories: item.categories,
      imdbId: item.imdbId,
      tmdbId: item.tmdbId,
      tvdbId: item.tvdbId,
      freeleech: item.downloadVolumeFactor === 0
    },
    links
  }
}

function absorb (into: Candidate, other: Candidate): void {
  const a = into.release
  const b = other.release
  a.seeders = max(a.seeders, b.seeders)
  a.peers = max(a.peers, b.peers)
  for (const name of b.indexers) if (!a.indexers.includes(name)) a.indexers.push(name)
  a.magnetUri ??= b.magnetUri
  a.size ??= b.size
  a.publishedAt ??= b.publishedAt
  a.imdbId ??= b.imdbId
  a.tmdbId ??= b.tmdbId
  a.tvdbId ??= b.tvdbId
  a.freeleech ||= b.freeleech
  a.categories = [...new Set([...a.categories, ...b.categories])]
  into.links.push(...other.links)
}

/** Merges per-indexer answers (in the order given: the first indexer's name and details win). */
export function mergeItems (answers: ReadonlyArray<{ indexer: string, items: readonly TorznabItem[] }>): Candidate[] {
  const byId = new Map<string, Candidate>()
  for (const { indexer, items } of answers) {
    for (const item of items) {
      const c = fromItem(indexer, item)
      // nothing to fetch it by (a bare info hash still is: the DHT finds its peers)
      if (c.release.magnetUri === null && c.links.length === 0 && c.release.infoHash === null) continue
      const seen = byId.get(c.release.id)
      if (seen === undefined) byId.set(c.release.id, c)
      else absorb(seen, c)
    }
  }
  return [...byId.values()]
}
