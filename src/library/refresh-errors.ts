// How the refresh scheduler reads a failed refresh. Three failures change what it does next
// (wait, pause); every other one is recorded and the next show follows.
import { isDomainError } from '../errors.ts'

export type RefreshFailure =
  /** TMDB refuses requests for now: retry the same show after `waitMs` (undefined: TMDB said nothing) */
  | { kind: 'rate_limited', waitMs: number | undefined }
  /** no TMDB key: pause until there is one */
  | { kind: 'not_configured' }
  /** anything else (TMDB down, a timeout, a rejected key, a show TMDB no longer has) */
  | { kind: 'failed' }

/**
 * The wait a rate limit asks for. errors.ts's convention is `retryAfter` in seconds
 * (RateLimitedError, LimitError); any error carrying it is honoured, so the TMDB client can
 * start passing TMDB's Retry-After on without a change here.
 */
function retryAfterMs (err: unknown): number | undefined {
  const s = (err as { retryAfter?: unknown } | null)?.retryAfter
  return typeof s === 'number' && Number.isFinite(s) && s >= 0 ? s * 1000 : undefined
}

export function classifyRefreshFailure (err: unknown): RefreshFailure {
  if (!isDomainError(err)) return { kind: 'failed' }
  if (err.code === 'not_configured') return { kind: 'not_configured' }
  if (err.code === 'rate_limited' || err.code === 'limit_reached') return { kind: 'rate_limited', waitMs: retryAfterMs(err) }
  // tmdb/request.ts answers a 429 it could not wait out (Retry-After above its 10 s, or its
  // retries spent) with an UpstreamError of status 503, and nothing else there uses 503
  // (a timeout is 504, other answers 502)
  if (err.code === 'upstream_error' && err.status === 503) return { kind: 'rate_limited', waitMs: retryAfterMs(err) }
  return { kind: 'failed' }
}
