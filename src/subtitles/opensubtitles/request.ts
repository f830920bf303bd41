// One HTTP exchange with OpenSubtitles (or its download host) under the retry policy:
//   - 5xx answers and network errors: retried at most twice with exponential back-off, then an
//     UpstreamError with status 503 (an outage: waiting helps, unlike a rejected key, a 502);
//   - 429: retried once when Retry-After is at most 2 s (the API allows 5 requests a second, so
//     a burst costs a short wait), otherwise a RateLimitedError at once, carrying Retry-After, so
//     that an API caller gets 429 + Retry-After instead of a request hanging for minutes;
//   - a timeout (per attempt, body included): TimeoutError('timeout') at once, not retried, so
//     one call never takes much longer than the configured timeout;
//   - a body larger than the caller's bound: UpstreamError, the rest is never read.
// Everything else is returned for the caller to map (401 re-login and the 406 quota are
// particular to the calls). Headers and bodies are never logged: they carry the API key, the
// password and the token.
import { setTimeout as sleep } from 'node:timers/promises'
import { RateLimitedError, TimeoutError, UpstreamError } from '../../errors.ts'
import type { Logger } from '../../logger.ts'
import { describeBody, parseJson } from './failures.ts'

export interface RequestPolicy {
  /** per attempt, milliseconds */
  timeoutMs: number
  /** base of the exponential back-off for 5xx and network errors, milliseconds */
  backoffMs: number
  /** retries after the first attempt for 5xx and network errors */
  transientRetries: number
  /** a 429 is retried once when it asks to wait at most this long, milliseconds */
  maxRetryAfterMs: number
}

export interface OsRequest {
  method: 'GET' | 'POST'
  url: URL
  headers: Record<string, string>
  /** sent as JSON */
  json?: unknown
  /** what the request is for, in messages: "searching subtitles", "downloading file 123" */
  what: string
  /** a longer body is refused */
  maxBytes: number
  /** the URL as it may be logged (a download link is a credential of sorts: its origin only) */
  logUrl: string
}

export interface OsResponse { status: number, headers: Headers, bytes: Buffer }

class TooLargeError extends Error {}

/** Reads the body, refusing more than `max` bytes (by Content-Length up front, else while reading). */
async function readBounded (res: Response, max: number): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN)
  if (Number.isFinite(declared) && declared > max) {
    await res.body?.cancel().catch(() => {})
    throw new TooLargeError(`${declared} bytes`)
  }
  if (res.body === null) return Buffer.alloc(0)
  const chunks: Buffer[] = []
  let total = 0
  const reader = res.body.getReader()
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > max) {
      await reader.cancel().catch(() => {})
      throw new TooLargeError(`more than ${max} bytes`)
    }
    chunks.push(Buffer.from(value))
  }
  return Buffer.concat(chunks, total)
}

/** Seconds to wait from Retry-After (seconds or an HTTP date), else Kong's RateLimit-Reset (seconds). */
export function retryAfterMs (headers: Headers, now = Date.now()): number | undefined {
  for (const name of ['retry-after', 'ratelimit-reset']) {
    const value = headers.get(name)?.trim()
    if (value === undefined || value === '') continue
    const seconds = Number(value)
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
    const at = Date.parse(value)
    if (!Number.isNaN(at)) return Math.max(0, at - now)
  }
  return undefined
}

function isTimeout (err: unknown): boolean {
  const name = (err as Error | undefined)?.name
  return name === 'TimeoutError' || name === 'AbortError'
}

export async function osRequest (req: OsRequest, policy: RequestPolicy, fetchFn: typeof fetch, log: Logger): Promise<OsResponse> {
  let transient = 0
  let rateLimited = false
  for (;;) {
    const started = performance.now()
    let res: Response
    let bytes: Buffer
    try {
      const init: RequestInit = { method: req.method, headers: req.headers, signal: AbortSignal.timeout(policy.timeoutMs), redirect: 'follow' }
      if (req.json !== undefined) init.body = JSON.stringify(req.json)
      res = await fetchFn(req.url, init)
      bytes = await readBounded(res, req.maxBytes)
    } catch (err) {
      if (err instanceof TooLargeError) {
        throw new UpstreamError(`OpenSubtitles sent a response larger than ${req.maxBytes} bytes (${err.message}) while ${req.what}; it was refused`)
      }
      if (isTimeout(err)) {
        throw new TimeoutError('timeout', `OpenSubtitles did not answer within ${policy.timeoutMs / 1000} s (${req.what})`)
      }
      if (transient < policy.transientRetries) {
        transient++
        log.warn({ url: req.logUrl, err: (err as Error).message, attempt: transient }, 'OpenSubtitles unreachable, retrying')
        await sleep(policy.backoffMs * 2 ** (transient - 1))
        continue
      }
      throw new UpstreamError(`cannot reach OpenSubtitles at ${req.url.origin} (${req.what}): ${(err as Error).message}`, { status: 503, cause: err })
    }
    log.debug({ method: req.method, url: req.logUrl, status: res.status, ms: Math.round(performance.now() - started) }, 'OpenSubtitles request')

    if (res.status === 429) {
      const waitMs = retryAfterMs(res.headers)
      if (!rateLimited && waitMs !== undefined && waitMs <= policy.maxRetryAfterMs) {
        rateLimited = true
        log.warn({ url: req.logUrl, waitMs }, 'OpenSubtitles rate limit, waiting once')
        await sleep(waitMs)
        continue
      }
      const seconds = waitMs === undefined ? undefined : Math.max(1, Math.ceil(waitMs / 1000))
      throw new RateLimitedError(`OpenSubtitles is rate limiting requests${describeBody(parseJson(bytes))} while ${req.what}; ` +
        (seconds === undefined ? 'try again shortly' : `try again in ${seconds} s`), seconds)
    }
    if (res.status >= 500) {
      if (transient < policy.transientRetries) {
        transient++
        log.warn({ url: req.logUrl, status: res.status, attempt: transient }, 'OpenSubtitles server error, retrying')
        await sleep(policy.backoffMs * 2 ** (transient - 1))
        continue
      }
      throw new UpstreamError(`OpenSubtitles is unavailable: HTTP ${res.status}${describeBody(parseJson(bytes))} while ${req.what}`, { status: 503 })
    }
    return { status: res.status, headers: res.headers, bytes }
  }
}
