// OpenSubtitles' 4xx answers -> domain errors with messages a user can act on. 429 and 5xx are
// handled in request.ts (they are retried first); this is everything that is final.
//
// What the API sends (public clients' tests and live probes; see test/helpers/fake-opensubtitles.ts):
//   401 {"message":"Invalid authentication credentials"} / "No API key found in request" (Kong,
//       key missing or unknown), {"message":"You must be logged in"} / token expired on /download,
//       invalid username or password on /login
//   403 {"message":"You cannot consume this service"} (Kong: the key is not allowed)
//   406 on /download, the daily quota: {"requests":21,"remaining":-1,"message":"You have downloaded
//       your allowed 20 subtitles for 24h.Your quota will be renewed in ...","reset_time":"03 hours
//       and 02 minutes","reset_time_utc":"2026-10-08T07:00:00.000Z"}; 406 {"message":"Invalid file_id"}
//   410 the download link expired
import { NotFoundError, RateLimitedError, UnprocessableError, UpstreamError, type DomainError } from '../../errors.ts'
import { parseResetTime } from './mappers.ts'
import type { RawDownload, RawError } from './types.ts'

/** Which credential a refusal is about: the API key alone, or the account login / its token. */
export type Credential = 'api_key' | 'login' | 'token'

export function parseJson (bytes: Buffer): unknown {
  try { return JSON.parse(bytes.toString('utf8')) } catch { return undefined }
}

/** ` (OpenSubtitles said: "…")` when the body carries a message; bounded, one line. */
export function describeBody (body: unknown): string {
  if (body === null || typeof body !== 'object') return ''
  const { message, errors } = body as RawError
  const text = typeof message === 'string' && message.trim() !== ''
    ? message
    : Array.isArray(errors) ? errors.filter((e) => typeof e === 'string').join('; ') : ''
  const line = text.replace(/\s+/g, ' ').trim().slice(0, 300)
  return line === '' ? '' : ` (OpenSubtitles said: "${line}")`
}

/** The daily download quota: a 406 (or a 200 without link) with remaining <= 0 or a reset time. */
export function quotaError (body: unknown, now = Date.now()): RateLimitedError | undefined {
  if (body === null || typeof body !== 'object') return undefined
  const b = body as RawDownload
  const exhausted = (typeof b.remaining === 'number' && b.remaining <= 0) || typeof b.reset_time_utc === 'string' ||
    (typeof b.message === 'string' && /allowed \d+ subtitles|quota/i.test(b.message))
  if (!exhausted) return undefined
  const resetAt = parseResetTime(b.reset_time_utc)
  const retryAfter = resetAt === null ? undefined : Math.max(1, Math.ceil((resetAt.getTime() - now) / 1000))
  const when = resetAt === null ? (b.reset_time !== undefined ? ` in ${b.reset_time}` : '') : ` at ${resetAt.toISOString()}`
  const details: Record<string, unknown> = { provider: 'opensubtitles' }
  if (typeof b.requests === 'number') details.requests = b.requests
  if (typeof b.remaining === 'number') details.remaining = b.remaining
  if (resetAt !== null) details.reset_at = resetAt.toISOString()
  return new RateLimitedError(`the OpenSubtitles download quota is used up${describeBody(body)}; it renews${when === '' ? ' later' : when}. ` +
    'Logging in (subtitles.opensubtitles.username and password) raises the quota.', retryAfter, details)
}

const KEY_HINT = 'Set a valid key as subtitles.opensubtitles.api_key in the config file.'
const LOGIN_HINT = 'Check subtitles.opensubtitles.username and subtitles.opensubtitles.password (the user name, not the e-mail address) and the api_key.'

/** A final 4xx -> the error to throw. `credential`: what authenticated the request. */
export function mapFailure (status: number, body: unknown, what: string, credential: Credential): DomainError {
  const said = describeBody(body)
  if (status === 401 || status === 403) {
    if (credential === 'login') return new UpstreamError(`OpenSubtitles refused the login (HTTP ${status})${said}. ${LOGIN_HINT}`)
    if (credential === 'token') return new UpstreamError(`OpenSubtitles refused the login token even after logging in again (HTTP ${status})${said} while ${what}. ${LOGIN_HINT}`)
    return new UpstreamError(`OpenSubtitles rejected the API key (HTTP ${status})${said} while ${what}. ${KEY_HINT}`)
  }
  if (status === 406) return quotaError(body) ?? new UnprocessableError(`OpenSubtitles refused the request (HTTP 406)${said} while ${what}`)
  if (status === 400 || status === 422) return new UnprocessableError(`OpenSubtitles refused the request (HTTP ${status})${said} while ${what}`)
  if (status === 404) return new NotFoundError(`OpenSubtitles found nothing (HTTP 404)${said} while ${what}`)
  if (status === 410) return new UpstreamError(`the OpenSubtitles download link expired (HTTP 410) while ${what}; try again`)
  return new UpstreamError(`OpenSubtitles answered HTTP ${status}${said} while ${what}`)
}
