// One GET against TMDB with the retry policy and the error mapping. TMDB answers 429 when a
// client exceeds its rate limit (with Retry-After), and occasionally 5xx from its CDN; both
// are worth a short retry. Everything else fails at once with an error a user can act on.
import { setTimeout as sleep } from 'node:timers/promises'
import { NotFoundError, UpstreamError } from '../errors.ts'
import type { Logger } from '../logger.ts'
import type { TmdbErrorBody } from './types.ts'

export interface RequestPolicy {
  /** per attempt, milliseconds */
  timeoutMs: number
  /** retries after the first attempt for 429 */
  maxRetries: number
  /** longest single wait for Retry-After, milliseconds; a longer demand fails at once */
  maxRetryWaitMs: number
  /** base of the exponential back-off for 5xx and network errors, milliseconds */
  backoffMs: number
}

export interface TmdbRequest {
  url: URL
  headers: Record<string, string>
  /** what was asked for, for messages: "movie 550", "season 2 of TV show 1396" */
  what: string
}

/** Seconds or an HTTP date -> milliseconds to wait; undefined when absent or unparsable. */
export function parseRetryAfter (value: string | null, now = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const at = Date.parse(value)
  return Number.isNaN(at) ? undefined : Math.max(0, at - now)
}

function describe (body: TmdbErrorBody | undefined): string {
  if (body?.status_message === undefined) return ''
  return ` (TMDB status ${body.status_code ?? '?'}: ${body.status_message})`
}

async function readJson (res: Response): Promise<unknown> {
  const text = await res.text()
  try { return JSON.parse(text) } catch { return undefined }
}

/** 5xx answers and network errors are retried this many times at most ("a little"). */
const TRANSIENT_RETRIES = 2

export async function tmdbGet<T> (req: TmdbRequest, policy: RequestPolicy, fetchFn: typeof fetch, log: Logger): Promise<T> {
  let rateLimited = 0
  let transient = 0
  // a safe redaction: the key never reaches the log
  const logUrl = new URL(req.url)
  if (logUrl.searchParams.has('api_key')) logUrl.searchParams.set('api_key', '***')
  for (;;) {
    let res: Response
    try {
      res = await fetchFn(req.url, { headers: req.headers, signal: AbortSignal.timeout(policy.timeoutMs) })
    } catch (err) {
      const name = (err as Error).name
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new UpstreamError(`TMDB did not answer within ${policy.timeoutMs / 1000} s (fetching ${req.what})`, { status: 504, cause: err })
      }
      if (transient < Math.min(TRANSIENT_RETRIES, policy.maxRetries)) {
        transient++
        log.warn({ url: logUrl.href, err: (err as Error).message, attempt: transient }, 'TMDB unreachable, retrying')
        await sleep(policy.backoffMs * 2 ** (transient - 1))
        continue
      }
      throw new UpstreamError(`cannot reach TMDB at ${req.url.origin}: ${(err as Error).message}`, { cause: err })
    }

    if (res.ok) {
      const body = await readJson(res)
      if (body === undefined || body === null || typeof body !== 'object') {
        throw new UpstreamError(`TMDB sent a response that is not JSON (fetching ${req.what})`)
      }
      log.debug({ url: logUrl.href, status: res.status }, 'TMDB request')
      return body as T
    }

    const errBody = await readJson(res) as TmdbErrorBody | undefined
    if (res.status === 429 && rateLimited < policy.maxRetries) {
      const wait = parseRetryAfter(res.headers.get('retry-after')) ?? policy.backoffMs * 2 ** rateLimited
      if (wait <= policy.maxRetryWaitMs) {
        rateLimited++
        log.warn({ url: logUrl.href, waitMs: wait, attempt: rateLimited }, 'TMDB rate limit, waiting')
        await sleep(wait)
        continue
      }
    }
    if (res.status >= 500 && transient < Math.min(TRANSIENT_RETRIES, policy.maxRetries)) {
      transient++
      log.warn({ url: logUrl.href, status: res.status, attempt: transient }, 'TMDB server error, retrying')
      await sleep(policy.backoffMs * 2 ** (transient - 1))
      continue
    }
    throw mapFailure(res.status, errBody, req.what)
  }
}

function mapFailure (status: number, body: TmdbErrorBody | undefined, what: string): Error {
  if (status === 404) return new NotFoundError(`TMDB has no ${what}`)
  if (status === 401) {
    return new UpstreamError(`TMDB rejected the API key: it is invalid or revoked${describe(body)}. ` +
      'Set a valid key as tmdb.api_key (or tmdb.bearer_token) in the config file or MOMOSHTREM_TMDB_API_KEY.')
  }
  if (status === 429) {
    return new UpstreamError(`TMDB is rate limiting requests${describe(body)}; try again shortly`, { status: 503 })
  }
  return new UpstreamError(`TMDB answered HTTP ${status} while fetching ${what}${describe(body)}`)
}
