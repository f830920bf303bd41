// One Torznab indexer over HTTP: t=caps and searches. Each call is bounded by a signal (the
// caller's deadline, else the indexer's own timeout) and by FEED_MAX_BYTES; every failure is an
// IndexerError naming the indexer. The API key never appears in a message (publicUrl).
import { IndexerError } from './errors.ts'
import { boundedGet, failureOf } from './http.ts'
import { ParseError, parseCaps, parseFeed, type Parsed } from './parse.ts'
import type { PlannedSearch } from './query.ts'
import { resolveLink, type ResolvedLink } from './torrent-link.ts'
import type { IndexerSettings, TorznabCaps, TorznabItem } from './types.ts'

/** A feed of 100 items is some 100-300 KB; 8 MiB is far above any real answer. */
export const FEED_MAX_BYTES = 8 * 1024 * 1024

/** The URL without credentials: no apikey parameter, no user:password. */
export function publicUrl (url: string): string {
  try {
    const u = new URL(url)
    u.username = ''
    u.password = ''
    for (const key of [...u.searchParams.keys()]) if (/^(?:apikey|api_key|passkey|jackett_apikey)$/i.test(key)) u.searchParams.delete(key)
    return u.href
  } catch {
    return '(invalid URL)'
  }
}

export class TorznabClient {
  constructor (readonly settings: Readonly<IndexerSettings>, private readonly fetchFn: typeof fetch = fetch) {}

  get name (): string { return this.settings.name }

  get publicUrl (): string { return publicUrl(this.settings.url) }

  /** A signal that fires after this indexer's timeout (and with `outer`, when given). */
  deadline (outer?: AbortSignal): AbortSignal {
    const own = AbortSignal.timeout(this.settings.timeoutMs)
    return outer === undefined ? own : AbortSignal.any([own, outer])
  }

  async caps (signal?: AbortSignal): Promise<TorznabCaps> {
    return await this.get(new URLSearchParams({ t: 'caps' }), 'caps', signal, parseCaps)
  }

  async search (plan: PlannedSearch, signal?: AbortSignal): Promise<TorznabItem[]> {
    return await this.get(plan.params, `search t=${plan.t}`, signal, parseFeed)
  }

  /** A download link (magnet, redirect to a magnet, .torrent) to a magnet with its info hash. */
  async resolveLink (link: string, signal?: AbortSignal): Promise<ResolvedLink> {
    return await resolveLink({ indexer: this.name, timeoutMs: this.settings.timeoutMs, signal: signal ?? this.deadline(), fetchFn: this.fetchFn }, link)
  }

  private async get<T> (params: URLSearchParams, what: string, signal: AbortSignal | undefined, parse: (text: string) => Parsed<T>): Promise<T> {
    let url: URL
    try {
      url = new URL(this.settings.url)
    } catch {
      throw new IndexerError(this.name, 'unreachable', `indexer "${this.name}" has an invalid url`)
    }
    for (const [k, v] of params) url.searchParams.set(k, v)
    url.searchParams.set('apikey', this.settings.apiKey)
    const req = { indexer: this.name, url, what, signal: signal ?? this.deadline(), timeoutMs: this.settings.timeoutMs, maxBytes: FEED_MAX_BYTES }
    const res = await boundedGet(req, this.fetchFn)
    const text = res.body.toString('utf8')
    if (res.status < 200 || res.status > 299) throw failureOf(req, res.status, res.headers, text)
    let parsed: Parsed<T>
    try {
      parsed = parse(text)
    } catch (err) {
      if (!(err instanceof ParseError)) throw err
      throw new IndexerError(this.name, 'malformed_response', `indexer "${this.name}": ${err.message}`, { cause: err })
    }
    if (!parsed.ok) throw failureOf(req, res.status, res.headers, text)
    return parsed.value
  }
}
