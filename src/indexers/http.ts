// One bounded GET to an indexer: a deadline (the indexer's timeout, covering the body too), a
// byte bound read as the body streams in (never buffered past it), and failures typed per
// indexer. No retries: a search is interactive and bounded by the indexer's timeout, and the
// answer lists the failure (with Retry-After) instead; Prowlarr and Jackett back off trackers
// themselves.
import { parseRetryAfter } from '../tmdb/request.ts'
import { IndexerError, torznabFailureCode } from './errors.ts'
import { readErrorBody } from './parse.ts'

export interface BoundedGet {
  indexer: string
  url: URL
  /** what was asked, for messages: "caps", "search", "the .torrent of <name>" */
  what: string
  /** aborts the request and the body read; a TimeoutError reason is reported as a timeout */
  signal: AbortSignal
  /** for the timeout message */
  timeoutMs: number
  maxBytes: number
  redirect?: 'follow' | 'manual'
  accept?: string
}

export interface BoundedResponse { status: number, headers: Headers, body: Buffer }

function seconds (ms: number): string {
  return `${Math.round(ms / 100) / 10} s`
}

function aborted (req: BoundedGet, err: unknown): IndexerError {
  const reason: unknown = req.signal.reason
  if (reason instanceof Error && reason.name === 'TimeoutError') {
    return new IndexerError(req.indexer, 'timeout', `indexer "${req.indexer}" did not answer within ${seconds(req.timeoutMs)} (${req.what})`, { cause: err })
  }
  return new IndexerError(req.indexer, 'timeout', `request to indexer "${req.indexer}" was cancelled (${req.what})`, { cause: err })
}

function tooLarge (req: BoundedGet): IndexerError {
  return new IndexerError(req.indexer, 'too_large', `indexer "${req.indexer}" sent more than ${req.maxBytes} bytes (${req.what}); refused`)
}

async function readBounded (req: BoundedGet, res: Response): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN)
  if (declared > req.maxBytes) {
    await res.body?.cancel()
    throw tooLarge(req)
  }
  if (res.body === null) return Buffer.alloc(0)
  const reader = res.body.getReader()
  const chunks: Uint8Array[] = []
  let total = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    total += value.byteLength
    if (total > req.maxBytes) {
      await reader.cancel()
      throw tooLarge(req)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks)
}

export async function boundedGet (req: BoundedGet, fetchFn: typeof fetch): Promise<BoundedResponse> {
  try {
    const res = await fetchFn(req.url, {
      signal: req.signal,
      redirect: req.redirect ?? 'follow',
      headers: { accept: req.accept ?? 'application/rss+xml, application/xml, text/xml;q=0.9, */*;q=0.1' }
    })
    return { status: res.status, headers: res.headers, body: await readBounded(req, res) }
  } catch (err) {
    if (err instanceof IndexerError) throw err
    if (req.signal.aborted) throw aborted(req, err)
    const cause = (err as Error & { cause?: { code?: string, message?: string } }).cause
    const detail = cause?.code ?? cause?.message ?? (err as Error).message
    throw new IndexerError(req.indexer, 'unreachable', `cannot reach indexer "${req.indexer}" at ${req.url.origin}: ${detail}`, { cause: err })
  }
}

/**
 * The failure a non-2xx answer (or a 2xx one carrying a Torznab <error>) stands for. Torznab
 * codes 500/501 are Newznab's "request/download limit reached" in a 200 answer, but Prowlarr
 * also writes 500 into the error body of an HTTP 500: the HTTP status decides then.
 */
export function failureOf (req: Pick<BoundedGet, 'indexer' | 'what'>, status: number, headers: Headers, body: string): IndexerError {
  const torznab = readErrorBody(body)
  const kind = torznab === null ? null : torznabFailureCode(torznab.code)
  const said = torznab === null ? '' : ` (Torznab error ${torznab.code}: ${torznab.description})`
  const name = `indexer "${req.indexer}"`
  if (status === 401 || status === 403 || kind === 'auth_failed') {
    const how = status === 401 || status === 403 ? `HTTP ${status}` : 'its answer'
    return new IndexerError(req.indexer, 'auth_failed', `${name} refused the API key (${how})${said}; check the indexer's api_key`)
  }
  if (status === 429 || (kind === 'rate_limited' && status < 500)) {
    const wait = parseRetryAfter(headers.get('retry-after'))
    const retryAfter = wait === undefined ? undefined : Math.ceil(wait / 1000)
    const when = retryAfter === undefined ? '' : `; retry after ${retryAfter} s`
    return new IndexerError(req.indexer, 'rate_limited', `${name} is rate limiting requests${said}${when}`, { retryAfter })
  }
  if (torznab !== null && status < 500) return new IndexerError(req.indexer, 'torznab_error', `${name} answered an error${said} (${req.what})`)
  return new IndexerError(req.indexer, 'http_error', `${name} answered HTTP ${status}${said} (${req.what})`)
}
