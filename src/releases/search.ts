// Searches every indexer in parallel for a library item, each bounded by its own timeout, merges
// the answers by info hash, ranks them, and keeps the releases for a while so an assign can
// name one by id (resolveRelease). One indexer's failure never fails the search: the answer
// lists every indexer with its count, time and error; even all of them failing is an answer
// (the route answers it with 200 and the errors listed). Only "no indexers configured" throws.
import { NotConfiguredError, NotFoundError } from '../errors.ts'
import { IndexerError, failureReport, type FailureReport } from '../indexers/errors.ts'
import type { IndexerRegistry } from '../indexers/registry.ts'
import { planSearch } from '../indexers/query.ts'
import type { TorznabCaps, TorznabItem } from '../indexers/types.ts'
import type { Logger } from '../logger.ts'
import { ExpiringCache } from './cache.ts'
import { mergeItems, type Candidate } from './merge.ts'
import { rankReleases } from './ranking.ts'
import { resolveCandidate, type ResolvedRelease } from './resolve.ts'
import { DEFAULT_RELEASE_PREFS, type DroppedRelease, type RankedRelease, type ReleasePrefs, type ReleaseQuery } from './types.ts'

export type { ResolvedRelease } from './resolve.ts'

export const NO_INDEXERS_MESSAGE = 'no indexers are configured: add a Torznab endpoint (a Prowlarr indexer\'s or aggregate ' +
  '".../api" URL, or Jackett\'s ".../api/v2.0/indexers/all/results/torznab/") to the config file as ' +
  '`indexers: [{name: prowlarr, url: "http://127.0.0.1:9696/1/api", api_key: "..."}]`, then restart'

export interface IndexerReport {
  name: string
  ok: boolean
  /** items the indexer answered (before merging and ranking) */
  count: number
  ms: number
  error?: FailureReport
}

export interface SearchAnswer {
  releases: RankedRelease[]
  dropped: DroppedRelease[]
  indexers: IndexerReport[]
}

export interface ReleaseSearchOptions {
  indexers: IndexerRegistry
  prefs?: ReleasePrefs
  /** how long the releases of a search can be named by id; default 30 minutes */
  cacheTtlMs?: number
  /** releases kept at most; default 5000 (a few dozen searches) */
  cacheMaxEntries?: number
  now?: () => number
  logger?: Logger
}

/** Rejects when `signal` fires, even if `work` never settles (a caps request another search started). */
async function within<T> (work: Promise<T>, signal: AbortSignal, onAbort: () => Error): Promise<T> {
  return await new Promise<T>((resolve, reject) => {
    const abort = (): void => { reject(onAbort()) }
    if (signal.aborted) { abort(); return }
    signal.addEventListener('abort', abort, { once: true })
    void work.then(resolve, reject).finally(() => { signal.removeEventListener('abort', abort) })
  })
}

export class ReleaseSearch {
  private readonly registry: IndexerRegistry
  private readonly prefs: ReleasePrefs
  private readonly cache: ExpiringCache<{ candidate: Candidate, resolving?: Promise<ResolvedRelease> }>
  private readonly log: Logger | undefined

  constructor (opts: ReleaseSearchOptions) {
    this.registry = opts.indexers
    this.prefs = opts.prefs ?? DEFAULT_RELEASE_PREFS
    this.cache = new ExpiringCache(opts.cacheMaxEntries ?? 5000, opts.cacheTtlMs ?? 30 * 60_000, opts.now)
    this.log = opts.logger
  }

  /** False when no indexer is configured (search throws NotConfiguredError then). */
  get configured (): boolean { return this.registry.size > 0 }

  async search (query: ReleaseQuery, opts: { signal?: AbortSignal } = {}): Promise<SearchAnswer> {
    if (!this.configured) throw new NotConfiguredError(NO_INDEXERS_MESSAGE)
    const answers = await Promise.all(this.registry.names.map(async (name) => await this.one(name, query, opts.signal)))
    const candidates = mergeItems(answers.filter((a) => a.report.ok))
    for (const c of candidates) this.cache.set(c.release.id, { candidate: c })
    const { releases, dropped } = rankReleases(candidates.map((c) => c.release), query, this.prefs)
    return { releases, dropped, indexers: answers.map((a) => a.report) }
  }

  /**
   * The magnet of a release from a recent search: as found, or fetched from its indexer (the
   * .torrent, or the magnet its link redirects to). NotFoundError once the id is unknown or expired.
   */
  async resolveRelease (id: string): Promise<ResolvedRelease> {
    const entry = this.cache.get(id)
    if (entry === undefined) {
      const minutes = Math.round(this.cache.ttlMs / 60_000)
      throw new NotFoundError(`release "${id}" is unknown or expired (releases are kept ${minutes} min after a search): search again, or pass the magnet or info hash instead`)
    }
    entry.resolving ??= resolveCandidate(entry.candidate, this.registry).catch((err: unknown) => {
      entry.resolving = undefined // a failure is not kept: the next try asks again
      throw err
    })
    return await entry.resolving
  }

  private async one (name: string, query: ReleaseQuery, outer?: AbortSignal): Promise<{ indexer: string, items: TorznabItem[], report: IndexerReport }> {
    const t0 = performance.now()
    const ms = (): number => Math.round(performance.now() - t0)
    const wait = this.registry.waitFor(name)
    if (wait !== undefined) {
      const error = { code: 'rate_limited', message: `indexer "${name}" asked to wait (Retry-After); not asked again before ${wait} s from now`, retry_after: wait }
      return { indexer: name, items: [], report: { name, ok: false, count: 0, ms: 0, error } }
    }
    const client = this.registry.client(name)
    const signal = client.deadline(outer)
    const timedOut = (): Error => new IndexerError(name, 'timeout', `indexer "${name}" did not answer within ${client.settings.timeoutMs / 1000} s`)
    try {
      const items = await within((async () => {
        const caps = await this.capsOrNull(name, signal)
        return await this.registry.track(name, client.search(planSearch(caps, query, client.settings.categories), signal))
      })(), signal, timedOut)
      return { indexer: name, items, report: { name, ok: true, count: items.length, ms: ms() } }
    } catch (err) {
      if (!(err instanceof IndexerError)) this.log?.error({ err, indexer: name }, 'release search failed unexpectedly')
      else this.log?.warn({ indexer: name, code: err.code, msg: err.message }, 'indexer failed')
      return { indexer: name, items: [], report: { name, ok: false, count: 0, ms: ms(), error: failureReport(err) } }
    }
  }

  /** The caps; unreadable caps (broken XML, a Torznab error) fall back to a plain t=search. */
  private async capsOrNull (name: string, signal: AbortSignal): Promise<TorznabCaps | null> {
    try {
      return await this.registry.caps(name, { signal })
    } catch (err) {
      if (err instanceof IndexerError && (err.code === 'malformed_response' || err.code === 'torznab_error')) return null
      throw err
    }
  }
}
