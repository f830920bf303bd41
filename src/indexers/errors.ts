// One indexer's failure, typed. A search reports these per indexer and goes on with the others;
// POST /api/indexers/:name/test answers them with a fitting status (toDomainError).
import { DomainError, RateLimitedError, TimeoutError, UpstreamError } from '../errors.ts'

export type IndexerFailureCode =
  /** HTTP 401/403 or Torznab error 100-102: the API key is wrong or lacks rights */
  | 'auth_failed'
  /** HTTP 429 or Torznab error 429/500/501 (request or download limit) */
  | 'rate_limited'
  /** no complete answer within the indexer's timeout */
  | 'timeout'
  /** connection refused, DNS, TLS: nothing answered */
  | 'unreachable'
  /** any other HTTP status without a Torznab error body */
  | 'http_error'
  /** a Torznab <error code description> not covered above (missing parameter, no such function, ...) */
  | 'torznab_error'
  /** not XML, not a feed, not a torrent file */
  | 'malformed_response'
  /** a body over its bound (feeds 8 MiB, .torrent files 4 MiB) */
  | 'too_large'

export class IndexerError extends Error {
  readonly indexer: string
  readonly code: IndexerFailureCode
  /** seconds, from Retry-After, when the indexer said how long to wait */
  readonly retryAfter: number | undefined
  constructor (indexer: string, code: IndexerFailureCode, message: string, opts: { retryAfter?: number, cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'IndexerError'
    this.indexer = indexer
    this.code = code
    this.retryAfter = opts.retryAfter
  }
}

/** The per-indexer error of a search answer: code, message, retry_after (seconds) when known. */
export interface FailureReport { code: string, message: string, retry_after?: number }

export function failureReport (err: unknown): FailureReport {
  if (err instanceof IndexerError) {
    return err.retryAfter === undefined ? { code: err.code, message: err.message } : { code: err.code, message: err.message, retry_after: err.retryAfter }
  }
  // a bug of ours, not the indexer's: no detail leaks into the answer (the log has it)
  return { code: 'internal', message: 'internal error while querying this indexer; the server log has the details' }
}

/** The HTTP answer for an explicit indexer action (the test route): 429, 504 or 502 with the message. */
export function toDomainError (err: IndexerError): DomainError {
  switch (err.code) {
    case 'rate_limited': return new RateLimitedError(err.message, err.retryAfter, { indexer: err.indexer })
    case 'timeout': return new TimeoutError('timeout', err.message)
    default: return new UpstreamError(err.message, { cause: err })
  }
}

/** Torznab/Newznab error codes: 100-102 credentials, 429 Prowlarr's limits, 500/501 request/download limit. */
export function torznabFailureCode (code: number): IndexerFailureCode {
  if (code >= 100 && code <= 102) return 'auth_failed'
  if (code === 429 || code === 500 || code === 501) return 'rate_limited'
  return 'torznab_error'
}
