// Typed domain errors. Services throw these; src/http/error-answer.ts maps them to HTTP
// statuses for the REST API and WebDAV alike. Their messages are written for users and are
// shown, 5xx ones included ("TMDB rejected the API key"); any other error is a 500 with a
// generic message, its detail only in the log.

export type ErrorCode =
  | 'not_found'
  | 'conflict'
  | 'invalid_input'
  | 'unprocessable'
  | 'upstream_error'
  | 'upstream_unavailable'
  | 'not_configured'
  | 'timeout'
  | 'add_timeout'
  | 'read_timeout'
  | 'closed'
  | 'limit_reached'
  | 'rate_limited'

export class DomainError extends Error {
  readonly code: ErrorCode
  readonly status: number
  /** Extra machine-readable detail sent with the error (for example candidate files). */
  readonly details?: Record<string, unknown>
  constructor (code: ErrorCode, status: number, message: string, details?: Record<string, unknown>, options?: ErrorOptions) {
    super(message, options)
    this.name = new.target.name
    this.code = code
    this.status = status
    if (details !== undefined) this.details = details
  }
}

export class NotFoundError extends DomainError {
  constructor (message: string, details?: Record<string, unknown>) { super('not_found', 404, message, details) }
}

export class ConflictError extends DomainError {
  constructor (message: string, details?: Record<string, unknown>) { super('conflict', 409, message, details) }
}

export class InvalidInputError extends DomainError {
  constructor (message: string, details?: Record<string, unknown>) { super('invalid_input', 400, message, details) }
}

/** Well-formed input that cannot be acted on (a file path not in the torrent, ...). */
export class UnprocessableError extends DomainError {
  constructor (message: string, details?: Record<string, unknown>) { super('unprocessable', 422, message, details) }
}

/** An upstream service (TMDB) failed or answered something unusable. */
export class UpstreamError extends DomainError {
  constructor (message: string, options?: ErrorOptions & { status?: number }) {
    super('upstream_error', options?.status ?? 502, message, undefined, options)
  }
}

/** A feature needs configuration that is missing (no TMDB key). */
export class NotConfiguredError extends DomainError {
  constructor (message: string) { super('not_configured', 503, message) }
}

/** A wait ran out of time. `code` says which wait: add_timeout (metadata), read_timeout (piece data). */
export class TimeoutError extends DomainError {
  constructor (code: 'timeout' | 'add_timeout' | 'read_timeout', message: string) { super(code, 504, message) }
}

/** The component was closed while the operation was pending. */
export class ClosedError extends DomainError {
  constructor (message = 'shutting down') { super('closed', 503, message) }
}

/**
 * A configured bound is reached (torrent.max_torrents, torrent.max_concurrent_adds). 503:
 * the server works, it takes no more of this now; `retryAfter` (seconds) when waiting helps.
 */
export class LimitError extends DomainError {
  readonly retryAfter: number | undefined
  constructor (message: string, retryAfter?: number) {
    super('limit_reached', 503, message)
    this.retryAfter = retryAfter
  }
}

/**
 * An outside service (OpenSubtitles, an indexer) refuses more requests for now: its rate limit
 * or its daily quota. 429 like theirs, with `retryAfter` (seconds) when they said how long.
 */
export class RateLimitedError extends DomainError {
  readonly retryAfter: number | undefined
  constructor (message: string, retryAfter?: number, details?: Record<string, unknown>) {
    super('rate_limited', 429, message, details)
    this.retryAfter = retryAfter
  }
}

export function isDomainError (err: unknown): err is DomainError {
  return err instanceof DomainError
}
