// One HTTP request to a media server: URL building (percent-encoding as the servers decode it),
// a timeout on the injected clock (so close() can clear it and tests can move it), and the
// mapping of failures to an error that says whether another attempt may help.
import { UpstreamError } from '../errors.ts'
import type { Clock } from '../streaming/clock.ts'
import { parseRetryAfter } from '../tmdb/request.ts'

/** A failed attempt. `retryable`: 5xx, 429 and network errors are; a wrong token or URL is not. */
export class MediaServerError extends UpstreamError {
  readonly retryable: boolean
  /** what the server asked for (Retry-After), milliseconds */
  readonly retryAfterMs: number | undefined
  constructor (message: string, opts: { retryable: boolean, retryAfterMs?: number | undefined, status?: number, cause?: unknown }) {
    super(message, { status: opts.status, cause: opts.cause })
    this.retryable = opts.retryable
    this.retryAfterMs = opts.retryAfterMs
  }
}

export interface HttpContext {
  fetch: typeof fetch
  clock: Clock
  timeoutMs: number
  /** "Plex", "Jellyfin", "Emby": for messages */
  server: string
}

export interface Answer {
  status: number
  headers: Headers
  body: string
}

/**
 * `base` + `path` with `query`. Values are encoded with encodeURIComponent, not
 * URLSearchParams: that writes a space as '+', which a server reading the query as a URI
 * (RFC 3986) keeps as a plus, so "Fight Club" would become "Fight+Club".
 */
export function endpoint (base: string, path: string, query: Array<[string, string]> = []): URL {
  const url = new URL(base)
  url.pathname = url.pathname.replace(/\/+$/, '') + path
  url.search = query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')
  url.hash = ''
  return url
}

/** The URL for logs and status: credentials and token parameters masked, the rest as sent. */
export function redact (url: URL | string): string {
  const u = new URL(url)
  u.username = ''
  u.password = ''
  // by text, not searchParams.set(), which would re-encode every other value (a space as '+')
  return u.href.replace(/([?&](?:X-Plex-Token|api_key|ApiKey)=)[^&#]*/gi, '$1***')
}

/**
 * Sends one request and reads the whole answer (they are small). Network errors and the
 * timeout reject with a retryable MediaServerError; an abort through `signal` (closing)
 * rejects with its reason. Any status resolves: the caller decides what it means.
 */
export async function send (ctx: HttpContext, url: URL, init: RequestInit, signal: AbortSignal): Promise<Answer> {
  signal.throwIfAborted()
  const attempt = new AbortController()
  const onAbort = (): void => { attempt.abort(signal.reason) }
  signal.addEventListener('abort', onAbort, { once: true })
  let timedOut = false
  const timer = ctx.clock.setTimeout(() => { timedOut = true; attempt.abort() }, ctx.timeoutMs)
  try {
    const res = await ctx.fetch(url, { ...init, signal: attempt.signal })
    return { status: res.status, headers: res.headers, body: await res.text() }
  } catch (err) {
    if (signal.aborted) throw err
    if (timedOut) {
      throw new MediaServerError(`${ctx.server} did not answer within ${ctx.timeoutMs / 1000} s`, { retryable: true, status: 504, cause: err })
    }
    // fetch says only "fetch failed"; the cause says why (ECONNREFUSED, ENOTFOUND, ...)
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message
    throw new MediaServerError(`cannot reach ${ctx.server} at ${url.origin}: ${cause}`, { retryable: true, cause: err })
  } finally {
    ctx.clock.clearTimeout(timer)
    signal.removeEventListener('abort', onAbort)
  }
}

/** The error for a non-2xx answer to `what` ("listing its libraries"). */
export function failure (ctx: Pick<HttpContext, 'server'>, what: string, answer: Answer): MediaServerError {
  const s = answer.status
  if (s === 401 || s === 403) {
    return new MediaServerError(`${ctx.server} rejected the token (HTTP ${s}) when ${what}: check the token configured for it`, { retryable: false })
  }
  const retryAfterMs = parseRetryAfter(answer.headers.get('retry-after'))
  if (s === 429) return new MediaServerError(`${ctx.server} is rate limiting requests (HTTP 429) when ${what}`, { retryable: true, retryAfterMs })
  if (s >= 500) return new MediaServerError(`${ctx.server} answered HTTP ${s} when ${what}`, { retryable: true, retryAfterMs })
  if (s === 404) return new MediaServerError(`${ctx.server} answered HTTP 404 when ${what}: is its URL right?`, { retryable: false })
  return new MediaServerError(`${ctx.server} answered HTTP ${s} when ${what}${detail(answer.body)}`, { retryable: false })
}

/** A short excerpt of an error body, for messages (both servers explain 400s in it). */
function detail (body: string): string {
  const text = body.replace(/\s+/g, ' ').trim()
  return text === '' ? '' : `: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`
}
