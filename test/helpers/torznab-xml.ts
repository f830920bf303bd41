// The XML a fake Torznab indexer answers, in the shapes Prowlarr and Jackett really send
// (read from their sources: Prowlarr's IndexerCapabilities/NewznabResults/NewznabController,
// Jackett's TorznabCapabilities/ResultPage/ResultsController). Shapes only, no code of theirs.
//   Prowlarr: <rss version="1.0">, <prowlarrindexer>, link and magneturl both proxied through
//             its /download URL (which 301s to a magnet); errors <error code description/>
//   Jackett:  <rss version="2.0">, <jackettindexer>, channel metadata, link proxied through
//             /dl/ (302 to a magnet) or the magnet itself, magneturl as is; a wrong API key is
//             <error code="100" description="Invalid API Key"/> with HTTP 200

export type Flavour = 'prowlarr' | 'jackett'

export interface CapsSpec {
  /** tv-search supportedParams; false = not available */
  tv?: string[] | false
  /** movie-search supportedParams; false = not available */
  movie?: string[] | false
  limits?: { max: number, default: number }
}

export const DEFAULT_CAPS: Record<Flavour, Required<CapsSpec>> = {
  prowlarr: { tv: ['q', 'season', 'ep', 'imdbid', 'tvdbid', 'tmdbid'], movie: ['q', 'imdbid', 'tmdbid'], limits: { max: 100, default: 100 } },
  // many public trackers behind Jackett search by text only
  jackett: { tv: ['q', 'season', 'ep'], movie: ['q', 'imdbid'], limits: { max: 100, default: 100 } }
}

/** What one <item> says; the fake server fills in links (see fake-torznab.ts). */
export interface FeedItem {
  title: string
  guid: string
  /** http(s) link to the fake's download route, or a magnet, or null */
  link: string | null
  /** the magneturl attribute value: a magnet (Jackett) or the proxied link (Prowlarr) */
  magnetUrl: string | null
  infoHash?: string
  size: number
  seeders?: number
  peers?: number
  categories: number[]
  imdbId?: number
  tmdbId?: number
  tvdbId?: number
  downloadVolumeFactor?: number
  publishedAt: Date
  indexerName: string
}

export function esc (s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

const CATEGORIES = `<categories>
    <category id="2000" name="Movies">
      <subcat id="2030" name="Movies/SD" />
      <subcat id="2040" name="Movies/HD" />
      <subcat id="2045" name="Movies/UHD" />
    </category>
    <category id="5000" name="TV">
      <subcat id="5030" name="TV/SD" />
      <subcat id="5040" name="TV/HD" />
      <subcat id="5045" name="TV/UHD" />
      <subcat id="5070" name="TV/Anime" />
    </category>
    <category id="100001" name="Movies HD x265" />
  </categories>`

function mode (tag: string, params: string[] | false | undefined): string {
  return `    <${tag} available="${params === false ? 'no' : 'yes'}" supportedParams="${(params === false ? ['q'] : params ?? ['q']).join(',')}" />`
}

export function capsXml (flavour: Flavour, spec: CapsSpec = {}): string {
  const c = { ...DEFAULT_CAPS[flavour], ...spec }
  return `<?xml version="1.0" encoding="UTF-8"?>
<caps>
  <server title="${flavour === 'prowlarr' ? 'Prowlarr' : 'Jackett'}" />
  <limits default="${c.limits.default}" max="${c.limits.max}" />
  <searching>
${mode('search', ['q'])}
${mode('tv-search', c.tv)}
${mode('movie-search', c.movie)}
${mode('music-search', ['q'])}
${mode('audio-search', ['q'])}
${mode('book-search', ['q'])}
  </searching>
  ${CATEGORIES}
</caps>`
}

export function errorXml (code: number, description: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<error code="${code}" description="${esc(description)}" />`
}

function attr (name: string, value: string | number | undefined): string {
  return value === undefined ? '' : `\n      <torznab:attr name="${name}" value="${esc(String(value))}" />`
}

function itemXml (flavour: Flavour, i: FeedItem): string {
  const date = i.publishedAt.toUTCString().replace('GMT', '+0000')
  const enclosure = i.link ?? i.magnetUrl ?? ''
  const origin = flavour === 'prowlarr'
    ? `<prowlarrindexer id="1" type="public">${esc(i.indexerName)}</prowlarrindexer>`
    : `<jackettindexer id="${esc(i.indexerName)}">${esc(i.indexerName)}</jackettindexer>\n      <type>public</type>`
  const imdb = i.imdbId === undefined ? undefined : String(i.imdbId).padStart(7, '0')
  return `
    <item>
      <title>${esc(i.title)}</title>
      <guid>${esc(i.guid)}</guid>
      ${origin}
      <comments>${esc(i.guid)}</comments>
      <pubDate>${date}</pubDate>
      <size>${i.size}</size>
      <description />
      <link>${esc(i.link ?? '')}</link>${i.categories.map((c) => `\n      <category>${c}</category>`).join('')}
      <enclosure url="${esc(enclosure)}" length="${i.size}" type="application/x-bittorrent" />${i.categories.map((c) => attr('category', c)).join('')}${attr('imdb', imdb)}${attr('imdbid', imdb === undefined ? undefined : `tt${imdb}`)}${attr('tmdbid', i.tmdbId)}${attr('tvdbid', i.tvdbId)}${attr('seeders', i.seeders)}${attr('peers', i.peers)}${attr('infohash', i.infoHash)}${attr('magneturl', i.magnetUrl ?? undefined)}${attr('downloadvolumefactor', i.downloadVolumeFactor ?? 1)}${attr('uploadvolumefactor', 1)}
    </item>`
}

export function feedXml (flavour: Flavour, selfUrl: string, items: readonly FeedItem[], title = 'Fake'): string {
  const channel = flavour === 'prowlarr'
    ? `<atom:link rel="self" type="application/rss+xml" />\n    <title>Prowlarr</title>`
    : `<atom:link href="${esc(selfUrl)}" rel="self" type="application/rss+xml" />\n    <title>${esc(title)}</title>\n    <description>${esc(title)}</description>\n    <link>${esc(selfUrl)}</link>\n    <language>en-US</language>\n    <category>search</category>`
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="${flavour === 'prowlarr' ? '1.0' : '2.0'}" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:torznab="http://torznab.com/schemas/2015/feed">
  <channel>
    ${channel}${items.map((i) => itemXml(flavour, i)).join('')}
  </channel>
</rss>`
}

/** A DOCTYPE declaring nested entities (a billion "lol"s if expanded), referenced in a title. */
export function billionLaughsXml (): string {
  const levels = ['<!ENTITY lol0 "lol">']
  for (let i = 1; i <= 9; i++) levels.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`)
  return `<?xml version="1.0"?>\n<!DOCTYPE rss [\n${levels.join('\n')}\n]>\n<rss version="2.0"><channel><item><title>&lol9;</title><guid>x</guid><link>magnet:?xt=urn:btih:${'0'.repeat(40)}</link></item></channel></rss>`
}
