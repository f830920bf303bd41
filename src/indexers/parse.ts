// Torznab answers read into plain data: t=caps, search feeds (RSS 2.0 with torznab:attr) and
// <error code description/> bodies. Pure: text in, data or a thrown ParseError out.
import { NEWZNAB_NS, TORZNAB_NS, XmlError, childText, childrenNamed, parseXml, type XmlElement } from './xml.ts'
import type { CapsCategory, ModeCaps, SearchMode, TorznabCaps, TorznabItem } from './types.ts'

/** A Torznab error body: Jackett sends it with HTTP 200 (a wrong API key), Prowlarr with 4xx/429. */
export interface TorznabErrorBody { code: number, description: string }

/** The text is not what it should be; `message` says what, for users. */
export class ParseError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ParseError'
  }
}

export type Parsed<T> = { ok: true, value: T } | { ok: false, error: TorznabErrorBody }

const MODES: readonly SearchMode[] = ['search', 'tv-search', 'movie-search']

function root (text: string, what: string): XmlElement {
  try {
    return parseXml(text)
  } catch (err) {
    if (err instanceof XmlError) throw new ParseError(`${what} is not well-formed XML (${err.message})`)
    throw err
  }
}

function errorBody (el: XmlElement): TorznabErrorBody | null {
  if (el.local !== 'error') return null
  const code = Number(el.attrs.code)
  return { code: Number.isInteger(code) ? code : 900, description: (el.attrs.description ?? '').trim() || 'no description' }
}

/** Reads a body that may be a Torznab <error>, without other expectations (for non-2xx answers). */
export function readErrorBody (text: string): TorznabErrorBody | null {
  try { return errorBody(parseXml(text)) } catch { return null }
}

function int (value: string | null | undefined): number | null {
  if (value == null || !/^\s*-?\d+\s*$/.test(value)) return null
  const n = Number(value)
  return Number.isSafeInteger(n) ? n : null
}

function number (value: string | null | undefined): number | null {
  if (value == null || value.trim() === '') return null
  const n = Number(value)
  return Number.isFinite(n) ? n : null
}

export function parseCaps (text: string): Parsed<TorznabCaps> {
  const el = root(text, 'the caps answer')
  const error = errorBody(el)
  if (error !== null) return { ok: false, error }
  if (el.local !== 'caps') throw new ParseError(`the caps answer is a <${el.local}>, not <caps>`)

  const modes: Partial<Record<SearchMode, ModeCaps>> = {}
  for (const searching of childrenNamed(el, 'searching')) {
    for (const mode of searching.children) {
      if (!(MODES as readonly string[]).includes(mode.local)) continue
      modes[mode.local as SearchMode] = {
        available: (mode.attrs.available ?? '').trim().toLowerCase() === 'yes',
        supportedParams: (mode.attrs.supportedParams ?? '').split(',').map((p) => p.trim().toLowerCase()).filter((p) => p !== '')
      }
    }
  }
  const categories: CapsCategory[] = []
  for (const cats of childrenNamed(el, 'categories')) {
    for (const c of childrenNamed(cats, 'category')) {
      const id = int(c.attrs.id)
      if (id === null) continue
      const subcats = childrenNamed(c, 'subcat').flatMap((s) => {
        const sid = int(s.attrs.id)
        return sid === null ? [] : [{ id: sid, name: s.attrs.name ?? '' }]
      })
      categories.push({ id, name: c.attrs.name ?? '', subcats })
    }
  }
  const limits = childrenNamed(el, 'limits')[0]
  const server = childrenNamed(el, 'server')[0]?.attrs.title ?? null
  return { ok: true, value: { server, limits: { max: int(limits?.attrs.max), default: int(limits?.attrs.default) }, modes, categories } }
}

function attrsOf (item: XmlElement): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const c of item.children) {
    // torznab:attr by its namespace URI, not its prefix; newznab:attr carries the same names
    if (c.local !== 'attr' || (c.uri !== TORZNAB_NS && c.uri !== NEWZNAB_NS)) continue
    const name = c.attrs.name?.trim().toLowerCase()
    const value = c.attrs.value
    if (name === undefined || value === undefined) continue
    out.set(name, [...(out.get(name) ?? []), value.trim()])
  }
  return out
}

function infoHashOf (value: string | undefined): string | null {
  return value !== undefined && /^[0-9a-fA-F]{40}$/.test(value) ? value.toLowerCase() : null
}

/** "tt0137523", "0137523", "137523" -> 137523 */
function imdbOf (value: string | undefined): number | null {
  const m = /^(?:tt)?0*(\d{1,10})$/i.exec(value ?? '')
  return m === null || Number(m[1]) === 0 ? null : Number(m[1])
}

function dateOf (value: string | null): string | null {
  if (value === null) return null
  const t = Date.parse(value)
  return Number.isNaN(t) ? null : new Date(t).toISOString()
}

function positive (n: number | null): number | null {
  return n !== null && n >= 0 ? n : null
}

function item (el: XmlElement): TorznabItem | null {
  const title = childText(el, 'title')
  if (title === null) return null // nothing to show or to match: not a release
  const attrs = attrsOf(el)
  const attr = (name: string): string | undefined => attrs.get(name)?.[0]
  const enclosure = childrenNamed(el, 'enclosure')[0]?.attrs.url?.trim()
  const categories = new Set<number>()
  for (const v of [...(attrs.get('category') ?? []), ...childrenNamed(el, 'category').map((c) => c.text)]) {
    const n = int(v)
    if (n !== null) categories.add(n)
  }
  const seeders = positive(int(attr('seeders')))
  // peers counts seeders too (Torznab); some indexers send only leechers
  const leechers = positive(int(attr('leechers')))
  const peers = positive(int(attr('peers'))) ?? (leechers !== null && seeders !== null ? leechers + seeders : null)
  return {
    title,
    guid: childText(el, 'guid'),
    link: childText(el, 'link') ?? (enclosure === '' ? null : enclosure ?? null),
    magnetUrl: attr('magneturl') || null,
    infoHash: infoHashOf(attr('infohash')),
    size: positive(int(attr('size') ?? childText(el, 'size') ?? childrenNamed(el, 'enclosure')[0]?.attrs.length)),
    seeders,
    peers,
    publishedAt: dateOf(childText(el, 'pubDate')),
    categories: [...categories],
    imdbId: imdbOf(attr('imdbid') ?? attr('imdb')),
    tmdbId: positive(int(attr('tmdbid'))) || null,
    tvdbId: positive(int(attr('tvdbid'))) || null,
    downloadVolumeFactor: number(attr('downloadvolumefactor'))
  }
}

/** A search answer: the items of <rss><channel>, or the Torznab error it carries. */
export function parseFeed (text: string): Parsed<TorznabItem[]> {
  const el = root(text, 'the search answer')
  const error = errorBody(el)
  if (error !== null) return { ok: false, error }
  if (el.local !== 'rss') throw new ParseError(`the search answer is a <${el.local}>, not an RSS feed`)
  const channel = childrenNamed(el, 'channel')[0]
  if (channel === undefined) throw new ParseError('the search answer is an RSS feed without a <channel>')
  return { ok: true, value: childrenNamed(channel, 'item').flatMap((i) => item(i) ?? []) }
}
