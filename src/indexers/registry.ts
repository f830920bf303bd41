// The configured indexers with what is known about each: its caps (fetched on first need, kept
// for CAPS_TTL_MS, one request at a time), its last error and when, the last success, and how
// long it asked us to wait (Retry-After): a rate-limited indexer is not asked again before then.
import { NotFoundError } from '../errors.ts'
import { TorznabClient } from './client.ts'
import { IndexerError, failureReport } from './errors.ts'
import type { IndexerSettings, TorznabCaps } from './types.ts'

/** Caps change when the user reconfigures the indexer; a test refetches at once. */
const CAPS_TTL_MS = 6 * 60 * 60 * 1000

export interface LastError { code: string, message: string, /** ISO 8601 */ at: string }

export interface IndexerStatus {
  name: string
  /** without the API key */
  url: string
  caps: TorznabCaps | null
  capsFetchedAt: string | null
  lastError: LastError | null
  lastSuccessAt: string | null
  /** ISO 8601 while the indexer's Retry-After runs, else null */
  retryAt: string | null
}

interface Entry {
  client: TorznabClient
  caps: { value: TorznabCaps, at: number } | null
  /** the caps request under way, with the signal bounding it */
  pending: { caps: Promise<TorznabCaps>, signal: AbortSignal } | null
  lastError: LastError | null
  lastSuccessAt: number | null
  retryAt: number | null
}

export interface RegistryOptions {
  /** replaces global fetch (tests use real loopback servers and never need it) */
  fetch?: typeof fetch
  now?: () => number
}

export class IndexerRegistry {
  private readonly entries = new Map<string, Entry>()
  private readonly now: () => number

  constructor (settings: ReadonlyArray<Readonly<IndexerSettings>>, opts: RegistryOptions = {}) {
    this.now = opts.now ?? Date.now
    for (const s of settings) {
      if (this.entries.has(s.name)) throw new Error(`indexer name "${s.name}" is used twice`)
      this.entries.set(s.name, { client: new TorznabClient(s, opts.fetch), caps: null, pending: null, lastError: null, lastSuccessAt: null, retryAt: null })
    }
  }

  get names (): string[] { return [...this.entries.keys()] }

  get size (): number { return this.entries.size }

  client (name: string): TorznabClient { return this.entry(name).client }

  /** The caps, from the cache when fresh; `refresh` fetches now. Failures are recorded and thrown. */
  async caps (name: string, opts: { refresh?: boolean, signal?: AbortSignal } = {}): Promise<TorznabCaps> {
    const e = this.entry(name)
    if (opts.refresh !== true) {
      if (e.caps !== null && this.now() - e.caps.at < CAPS_TTL_MS) return e.caps.value
      // a request whose deadline has passed is about to fail with it: not ours to share
      if (e.pending !== null && !e.pending.signal.aborted) return await e.pending.caps
    }
    const signal = opts.signal ?? e.client.deadline()
    const caps = this.track(name, e.client.caps(signal)).then((value) => {
      e.caps = { value, at: this.now() }
      return value
    })
    const pending = { caps, signal }
    e.pending = pending
    try {
      return await caps
    } finally {
      if (e.pending === pending) e.pending = null
    }
  }

  cachedCaps (name: string): TorznabCaps | null { return this.entry(name).caps?.value ?? null }

  /** Runs a request to indexer `name`, recording its success or failure. */
  async track<T> (name: string, work: Promise<T>): Promise<T> {
    const e = this.entry(name)
    try {
      const value = await work
      e.lastSuccessAt = this.now()
      e.retryAt = null
      return value
    } catch (err) {
      const report = failureReport(err)
      e.lastError = { code: report.code, message: report.message, at: new Date(this.now()).toISOString() }
      if (err instanceof IndexerError && err.code === 'rate_limited' && err.retryAfter !== undefined) {
        e.retryAt = this.now() + err.retryAfter * 1000
      }
      throw err
    }
  }

  /** Seconds left of the indexer's Retry-After, or undefined when it may be asked now. */
  waitFor (name: string): number | undefined {
    const at = this.entry(name).retryAt
    if (at === null) return undefined
    const left = at - this.now()
    return left > 0 ? Math.ceil(left / 1000) : undefined
  }

  status (): IndexerStatus[] {
    return [...this.entries.values()].map((e) => ({
      name: e.client.name,
      url: e.client.publicUrl,
      caps: e.caps?.value ?? null,
      capsFetchedAt: e.caps === null ? null : new Date(e.caps.at).toISOString(),
      lastError: e.lastError,
      lastSuccessAt: e.lastSuccessAt === null ? null : new Date(e.lastSuccessAt).toISOString(),
      retryAt: e.retryAt !== null && e.retryAt > this.now() ? new Date(e.retryAt).toISOString() : null
    }))
  }

  private entry (name: string): Entry {
    const e = this.entries.get(name)
    if (e === undefined) throw new NotFoundError(`no indexer named "${name}"; configured: ${this.names.map((n) => `"${n}"`).join(', ') || 'none'}`)
    return e
  }
}
