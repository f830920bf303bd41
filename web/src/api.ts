// fetch for the REST API: same-origin credentials (the browser's Basic auth for this realm),
// JSON in and out, and every failure turned into an ApiError whose message can be shown as is.

export class ApiError extends Error {
  constructor (
    /** HTTP status; 0 when no answer arrived */
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
    /** seconds, from a Retry-After header (429, 503) */
    readonly retryAfter?: number
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** Retry-After in seconds: a number of seconds or an HTTP date */
function retryAfterOf (header: string | null): number | undefined {
  if (header === null || header.trim() === '') return undefined
  const n = Number(header)
  if (Number.isFinite(n) && n >= 0) return Math.ceil(n)
  const at = Date.parse(header)
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000))
}

function errorOf (status: number, statusText: string, body: unknown, text: string, retryAfter: number | undefined): ApiError {
  if (typeof body === 'object' && body !== null && 'error' in body) {
    const e = (body as { error: { code?: unknown, message?: unknown, details?: unknown } }).error
    if (typeof e === 'object' && e !== null && typeof e.message === 'string') {
      return new ApiError(status, typeof e.code === 'string' ? e.code : 'error', e.message, typeof e.details === 'object' && e.details !== null ? e.details as Record<string, unknown> : undefined, retryAfter)
    }
  }
  if (status === 401) return new ApiError(401, 'unauthorized', 'Not signed in: reload the page and enter the user name and password')
  const line = text.trim().slice(0, 300)
  return new ApiError(status, 'http_' + String(status), `${status} ${statusText}${line === '' ? '' : `: ${line}`}`, undefined, retryAfter)
}

export async function api<T> (method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const init: RequestInit = { method, credentials: 'same-origin', headers: { accept: 'application/json' } }
  if (signal !== undefined) init.signal = signal
  if (body !== undefined) {
    init.body = JSON.stringify(body)
    init.headers = { accept: 'application/json', 'content-type': 'application/json' }
  }
  let res: Response
  try {
    res = await fetch(path, init)
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err
    throw new ApiError(0, 'network', `No answer from the server (${err instanceof Error ? err.message : String(err)}). Is momoshtrem running?`)
  }
  const text = await res.text()
  let parsed: unknown
  try { parsed = text === '' ? undefined : JSON.parse(text) } catch { parsed = undefined }
  if (!res.ok) throw errorOf(res.status, res.statusText, parsed, text, retryAfterOf(res.headers.get('retry-after')))
  return parsed as T
}

export const get = async <T>(path: string, signal?: AbortSignal): Promise<T> => await api<T>('GET', path, undefined, signal)
export const post = async <T>(path: string, body?: unknown): Promise<T> => await api<T>('POST', path, body ?? {})
export const del = async <T>(path: string): Promise<T> => await api<T>('DELETE', path)

/** ?a=1&b=x for the defined values */
export function query (params: Record<string, string | number | boolean | undefined | null>): string {
  const q = new URLSearchParams()
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v))
  const s = q.toString()
  return s === '' ? '' : '?' + s
}

export function imageUrl (size: string, path: string | null | undefined): string | null {
  if (path === null || path === undefined || path === '') return null
  return `/api/images/${size}/${encodeURIComponent(path.replace(/^\/+/, ''))}`
}
