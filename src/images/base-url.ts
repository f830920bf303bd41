// TMDB's image base URL (from /configuration), cached as TMDB asks: fetched once, again after
// a day or after an image fetch failed (the CDN may have moved). Concurrent callers share one
// fetch. When a refetch fails the last known URL is used; with none known, a failure is
// remembered for a short while, so a poster grid of fifty images does not wait fifty times
// for a TMDB that is down.
export interface BaseUrlOptions {
  /** how long a fetched URL is used before it is fetched again */
  ttlMs: number
  /** after a failed fetch with no URL known, callers fail at once for this long */
  retryMs: number
  now?: () => number
}

export class ImageBaseUrl {
  private url: string | null = null
  private fetchedAt = -Infinity
  private failedAt = -Infinity
  private lastError: Error | null = null
  private pending: Promise<string> | null = null
  private readonly now: () => number

  constructor (private readonly fetchUrl: () => Promise<string>, private readonly opts: BaseUrlOptions) {
    this.now = opts.now ?? Date.now
  }

  async get (): Promise<string> {
    const now = this.now()
    if (this.url !== null && now - this.fetchedAt < this.opts.ttlMs) return this.url
    if (this.url === null && this.lastError !== null && now - this.failedAt < this.opts.retryMs) throw this.lastError
    this.pending ??= this.refresh().finally(() => { this.pending = null })
    return await this.pending
  }

  /** The next get() fetches the URL again (the last one stays the fallback). */
  invalidate (): void { this.fetchedAt = -Infinity }

  private async refresh (): Promise<string> {
    try {
      this.url = await this.fetchUrl()
      this.fetchedAt = this.now()
      this.lastError = null
      return this.url
    } catch (err) {
      if (this.url !== null) {
        // stale but probably right: try again after retryMs rather than on every image
        this.fetchedAt = this.now() - this.opts.ttlMs + this.opts.retryMs
        return this.url
      }
      this.failedAt = this.now()
      this.lastError = err as Error
      throw err
    }
  }
}
