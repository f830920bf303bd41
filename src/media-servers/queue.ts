// One server's refreshes: each changed folder waits out its own debounce (a season pack's
// episodes give one refresh of their season folder), then joins a queue that one worker sends
// in order, one request at a time (a server that is slow or rate limiting is not asked more
// often for it), retrying 5xx/429/network failures with exponential back-off. Every wait is a
// timer on the injected clock, and the requests share one AbortController: close() clears and
// aborts them all.
import { ClosedError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { Clock } from '../streaming/clock.ts'
import { MediaServerError } from './http.ts'
import { parentFolder } from './paths.ts'
import type { MediaServerClient, MediaServerOptions, MediaServerStatus, RefreshTarget } from './types.ts'

export interface QueueDeps {
  client: MediaServerClient
  clock: Clock
  logger: Logger
  options: Readonly<MediaServerOptions>
  /** a WebDAV folder -> the same folder as the server sees it */
  toServer: (folder: string) => string
  /** whether the published tree holds this folder now; absent: every folder is taken to exist */
  exists?: ((folder: string) => boolean | Promise<boolean>) | undefined
  /** name, type and url for status() */
  describe: Pick<MediaServerStatus, 'name' | 'type' | 'url'>
}

export class ServerQueue {
  /** folder -> its debounce timer */
  private readonly debouncing = new Map<string, unknown>()
  /** folders whose debounce ended, in order, each once */
  private readonly ready: string[] = []
  private current: string | null = null
  private worker: Promise<void> | null = null
  /** back-off timers -> what ends the wait early (close) */
  private readonly sleeps = new Map<unknown, () => void>()
  private readonly aborter = new AbortController()
  private closed = false
  private lastOk: string | null = null
  private lastError: MediaServerStatus['lastError'] = null

  constructor (private readonly deps: QueueDeps) {}

  /** Starts (or restarts) the folder's debounce. Never throws, never waits. */
  changed (folder: string): void {
    if (this.closed) return
    const { clock, options } = this.deps
    const previous = this.debouncing.get(folder)
    if (previous !== undefined) clock.clearTimeout(previous)
    this.debouncing.set(folder, clock.setTimeout(() => { this.due(folder) }, options.debounceMs))
  }

  status (): MediaServerStatus {
    const pending = this.debouncing.size + this.ready.length + (this.current === null ? 0 : 1)
    return { ...this.deps.describe, lastOk: this.lastOk, lastError: this.lastError, pending }
  }

  /** Clears every timer, aborts the request in flight and waits for the worker to stop. */
  async close (): Promise<void> {
    if (!this.closed) {
      this.closed = true
      const { clock } = this.deps
      for (const timer of this.debouncing.values()) clock.clearTimeout(timer)
      this.debouncing.clear()
      this.ready.length = 0
      for (const [timer, wake] of this.sleeps) { clock.clearTimeout(timer); wake() }
      this.sleeps.clear()
      this.aborter.abort(new ClosedError())
    }
    await this.worker
  }

  private due (folder: string): void {
    this.debouncing.delete(folder)
    if (!this.ready.includes(folder)) this.ready.push(folder)
    this.kick()
  }

  private kick (): void {
    if (this.worker !== null || this.closed) return
    this.worker = this.drain()
      .catch((err: unknown) => { this.deps.logger.error({ err }, 'media server queue failed') })
      .finally(() => {
        this.worker = null
        // a folder may have come due between the worker's last look and its end
        if (this.ready.length > 0) this.kick()
      })
  }

  private async drain (): Promise<void> {
    for (let folder = this.ready.shift(); folder !== undefined && !this.closed; folder = this.ready.shift()) {
      this.current = folder
      try {
        await this.refresh(folder)
      } finally {
        this.current = null
      }
    }
  }

  private async refresh (folder: string): Promise<void> {
    const { client, options, logger } = this.deps
    const target = await this.target(folder)
    for (let attempt = 0; !this.closed; attempt++) {
      try {
        await client.refresh(target, this.aborter.signal)
        if (this.closed) return
        this.lastOk = new Date().toISOString()
        logger.debug({ path: target.path, attempts: attempt + 1 }, 'media server told of a changed folder')
        return
      } catch (err) {
        if (this.closed) return
        const e = err instanceof MediaServerError ? err : new MediaServerError((err as Error).message, { retryable: false, cause: err })
        if (!e.retryable || attempt >= options.maxRetries) { this.fail(target, e.message, attempt + 1); return }
        const wait = e.retryAfterMs ?? options.backoffMs * 2 ** attempt
        if (wait > options.maxRetryWaitMs) {
          this.fail(target, `${e.message}; it asked to wait ${Math.ceil(wait / 1000)} s, longer than the ${options.maxRetryWaitMs / 1000} s allowed`, attempt + 1)
          return
        }
        logger.warn({ path: target.path, err: e.message, attempt: attempt + 1, waitMs: wait }, 'media server refresh failed, retrying')
        await this.sleep(wait)
      }
    }
  }

  /** The folder on the server, and where a scan can start if it is gone (Plex needs a path that exists). */
  private async target (folder: string): Promise<RefreshTarget> {
    const exists = await this.exists(folder)
    let nearest = folder
    if (!exists) {
      for (let up = parentFolder(nearest); up !== null; up = parentFolder(up)) {
        nearest = up
        if (await this.exists(up)) break
      }
    }
    return { path: this.deps.toServer(folder), exists, nearestExisting: this.deps.toServer(nearest) }
  }

  private async exists (folder: string): Promise<boolean> {
    const probe = this.deps.exists
    if (probe === undefined) return true
    const signal = this.aborter.signal
    let onAbort = (): void => {}
    try {
      // a lookup that hangs must not hold close() up
      const closed = new Promise<boolean>((resolve) => { onAbort = () => { resolve(true) }; signal.addEventListener('abort', onAbort, { once: true }) })
      return signal.aborted || await Promise.race([Promise.resolve(probe(folder)), closed])
    } catch (err) {
      // a lookup that fails must not cost the refresh: scanning the folder itself is the safe guess
      this.deps.logger.debug({ folder, err }, 'cannot tell whether the folder exists')
      return true
    } finally {
      signal.removeEventListener('abort', onAbort)
    }
  }

  private fail (target: RefreshTarget, message: string, attempts: number): void {
    this.lastError = { message: `${message} (refreshing ${target.path})`, at: new Date().toISOString() }
    this.deps.logger.error({ path: target.path, attempts, err: message }, 'media server refresh given up')
  }

  private async sleep (ms: number): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = this.deps.clock.setTimeout(() => { this.sleeps.delete(timer); resolve() }, ms)
      this.sleeps.set(timer, resolve)
    })
  }
}
