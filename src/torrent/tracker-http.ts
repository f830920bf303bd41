// HTTP tracker requests made safe for bittorrent-tracker (issue 10).
//
// bittorrent-tracker's HTTP client (lib/client/http-tracker.js, 11.x) awaits fetch() inside a
// try/catch, then awaits res.arrayBuffer() outside it and reads the decoded fields without
// checking their types, all in an async method nobody awaits. So any tracker that fails
// *after* sending its headers (a body shorter than its Content-Length, a reset, a gzip body
// that does not inflate, a body still dripping when the library's 15 s abort fires), or
// that sends well-formed bencode of the wrong types (`failure reason` as an integer),
// rejected a promise nobody handles, which killed the process. The body was also buffered
// whole, whatever its size, and an `interval` that Node's timers cannot hold (negative,
// or above 24.8 days) made it re-announce every millisecond.
//
// The client lets us choose fetch's dispatcher (proxyOpts.httpAgent/httpsAgent is passed to
// fetch as `dispatcher`). This one forwards each request to Node's own dispatcher but holds
// the response back until its body is complete, bounded in size and time, and well-typed;
// only then does fetch() see the headers. Every failure therefore happens while fetch() is
// still pending, inside the library's try/catch, and comes out as an ordinary 'warning' that
// ends that one announce.
//
// It speaks undici's handler interface as used by fetch in Node 20 and 22 (onConnect,
// onHeaders, onData, onComplete, onError). A fetch that hands it a handler of another shape
// is passed through untouched: the process guards (src/process-guards.ts) stay the backstop.

/** Tracker answers are a few KiB (50 compact peers are 300 bytes); anything near this is not an announce answer. */
export const MAX_TRACKER_RESPONSE_BYTES = 512 * 1024

/** A complete answer within this, well before bittorrent-tracker's own 15 s abort (which, firing while the library reads the body, would reject outside its try). */
export const TRACKER_RESPONSE_DEADLINE_MS = 10_000

/** The longest announce interval (s) whose milliseconds fit Node's 32-bit timers; above, Node fires every 1 ms. */
export const MAX_ANNOUNCE_INTERVAL_S = Math.floor((2 ** 31 - 1) / 1000)

// ---- undici's dispatcher interface, as much of it as we use ----

type Abort = (err?: Error) => void

interface DispatchOptions {
  origin?: string | URL
  path?: string
  headers?: unknown
  [key: string]: unknown
}

interface DispatchHandler {
  onConnect?: (abort: Abort, context?: unknown) => void
  onResponseStarted?: () => void
  onHeaders?: (status: number, rawHeaders: Buffer[], resume: () => void, statusText?: string) => boolean | undefined
  onData?: (chunk: Buffer) => boolean | undefined
  onComplete?: (trailers: Buffer[] | null) => void
  onError?: (err: Error) => void
}

interface Dispatcher {
  dispatch (opts: DispatchOptions, handler: DispatchHandler): boolean
}

/**
 * undici keeps the process-wide dispatcher (the one fetch uses by default, or whatever
 * setGlobalDispatcher installed, e.g. a proxy agent) under this registered symbol so that
 * every copy of undici shares it. Node's fetch sets it when it loads, before any dispatch.
 */
const GLOBAL_DISPATCHER = Symbol.for('undici.globalDispatcher.1')

function nodeDispatcher (): Dispatcher {
  const d = (globalThis as Record<symbol, unknown>)[GLOBAL_DISPATCHER] as Partial<Dispatcher> | undefined
  if (typeof d?.dispatch !== 'function') throw new Error('no global fetch dispatcher (undici) to send tracker requests through')
  return d as Dispatcher
}

export class TrackerResponseError extends Error {
  constructor (message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'TrackerResponseError'
  }
}

/** The dispatcher to give bittorrent-tracker: `tracker: { proxyOpts: trackerProxyOptions() }`. */
export function trackerProxyOptions (): { httpAgent: Dispatcher, httpsAgent: Dispatcher, socksProxy: null } {
  const dispatcher: Dispatcher = {
    dispatch (opts, handler) {
      if (typeof handler.onHeaders !== 'function') return nodeDispatcher().dispatch(opts, handler)
      return nodeDispatcher().dispatch({ ...opts, headers: askForIdentity(opts.headers) }, new HeldResponse(handler, describe(opts)))
    }
  }
  // socksProxy: null, not absent: the UDP client clones it through JSON, and
  // JSON.parse(JSON.stringify(undefined)) throws (every UDP announce would fail).
  return { httpAgent: dispatcher, httpsAgent: dispatcher, socksProxy: null }
}

/** "http://host:port/announce" for messages (the query carries our peer id and is long). */
function describe (opts: DispatchOptions): string {
  const path = (opts.path ?? '').split('?')[0] ?? ''
  return `tracker ${String(opts.origin ?? '')}${path}`
}

/** fetch offers gzip/deflate/br; a tracker answer is tiny, and a compressed one could inflate without bound. */
function askForIdentity (headers: unknown): unknown {
  if (headers === null || typeof headers !== 'object' || Array.isArray(headers)) return headers
  const plain: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() !== 'accept-encoding') plain[k] = v
  plain['accept-encoding'] = 'identity'
  return plain
}

/**
 * Wraps fetch's handler: collects the response and passes it on in one go once it is
 * complete and acceptable, or fails it before fetch has seen any of it.
 */
class HeldResponse implements DispatchHandler {
  private abort: Abort | null = null
  private done = false
  private status = 0
  private statusText = ''
  private rawHeaders: Buffer[] = []
  private chunks: Buffer[] = []
  private size = 0
  private readonly timer: NodeJS.Timeout

  constructor (private readonly inner: DispatchHandler, private readonly where: string) {
    this.timer = setTimeout(() => { this.fail(`no complete answer within ${TRACKER_RESPONSE_DEADLINE_MS / 1000} s`) }, TRACKER_RESPONSE_DEADLINE_MS)
    this.timer.unref()
  }

  onConnect (abort: Abort, context?: unknown): void {
    // failed before undici got to the request (deadline while queued): drop it now
    if (this.done) { abort(new TrackerResponseError(`${this.where}: abandoned`)); return }
    this.abort = abort
    this.inner.onConnect?.(abort, context)
  }

  onResponseStarted (): void {}

  onHeaders (status: number, rawHeaders: Buffer[], _resume: () => void, statusText?: string): boolean {
    if (this.done) return false
    if (status < 200) return true // informational: the real answer follows
    const problem = headerProblem(rawHeaders)
    if (problem !== null) { this.fail(problem); return false }
    this.status = status
    this.statusText = statusText ?? ''
    this.rawHeaders = rawHeaders
    return true
  }

  onData (chunk: Buffer): boolean {
    if (this.done) return false
    this.size += chunk.length
    if (this.size > MAX_TRACKER_RESPONSE_BYTES) { this.fail(`answer larger than ${MAX_TRACKER_RESPONSE_BYTES} bytes`); return false }
    this.chunks.push(chunk)
    return true
  }

  onComplete (trailers: Buffer[] | null): void {
    if (this.done) return
    const body = Buffer.concat(this.chunks)
    // only a 200 is read by the library; redirects and errors pass as they are
    const problem = this.status === 200 ? announceProblem(body) : null
    if (problem !== null) { this.fail(problem); return }
    this.finish()
    this.inner.onResponseStarted?.()
    this.inner.onHeaders?.(this.status, this.rawHeaders, () => {}, this.statusText)
    if (body.length > 0) this.inner.onData?.(body)
    this.inner.onComplete?.(trailers)
  }

  onError (err: Error): void {
    if (this.done) return
    this.finish()
    // fetch treats its own abort specially: keep that one as it is
    this.inner.onError?.(err.name === 'AbortError' ? err : new TrackerResponseError(`${this.where}: ${err.message}`, { cause: err }))
  }

  private fail (why: string): void {
    if (this.done) return
    this.finish()
    const err = new TrackerResponseError(`${this.where}: ${why}`)
    this.abort?.(err) // closes the connection; undici's onError for it lands on `done`
    this.inner.onError?.(err)
  }

  private finish (): void {
    this.done = true
    clearTimeout(this.timer)
    this.chunks = []
  }
}

function headerValue (rawHeaders: Buffer[], name: string): string | null {
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    if (rawHeaders[i]!.toString('latin1').toLowerCase() === name) return rawHeaders[i + 1]!.toString('latin1')
  }
  return null
}

function headerProblem (rawHeaders: Buffer[]): string | null {
  const length = headerValue(rawHeaders, 'content-length')
  if (length !== null && Number(length) > MAX_TRACKER_RESPONSE_BYTES) return `declares ${length} bytes, more than the ${MAX_TRACKER_RESPONSE_BYTES} accepted`
  const encoding = headerValue(rawHeaders, 'content-encoding')
  if (encoding !== null && encoding.trim().toLowerCase() !== 'identity') return `answered with content-encoding "${encoding}" although asked for identity`
  return null
}

/** Why bittorrent-tracker must not read this 200 answer, or null when it may. */
export function announceProblem (body: Buffer): string | null {
  let value: BValue
  try {
    value = decodeBencode(body)
  } catch (err) {
    return `answer is not bencode (${(err as Error).message})`
  }
  if (!(value instanceof Map)) return 'answer is not a bencoded dictionary'
  // the library turns these into text or hex and would throw on anything but a string
  for (const key of ['failure reason', 'warning message', 'tracker id', 'info_hash']) {
    const v = value.get(key)
    if (v !== undefined && !Buffer.isBuffer(v)) return `"${key}" is not a string`
  }
  for (const key of ['interval', 'min interval']) {
    const v = value.get(key)
    if (v !== undefined && (typeof v !== 'number' || v < 0 || v > MAX_ANNOUNCE_INTERVAL_S)) return `"${key}" is not a number of seconds from 0 to ${MAX_ANNOUNCE_INTERVAL_S}`
  }
  for (const key of ['peers', 'peers6']) {
    const v = value.get(key)
    if (v !== undefined && !Buffer.isBuffer(v) && !Array.isArray(v)) return `"${key}" is neither a string nor a list`
  }
  return null
}

// ---- a small bencode reader, only to check an answer's shape before the library reads it ----

type BValue = Buffer | number | BValue[] | Map<string, BValue>

const MAX_DEPTH = 32

/** Decodes the first bencoded value of `buf` (what follows it is ignored, as the library does). Throws on malformed input. */
function decodeBencode (buf: Buffer): BValue {
  let pos = 0
  const fail = (why: string): never => { throw new Error(`${why} at byte ${pos}`) }
  const value = (depth: number): BValue => {
    if (depth > MAX_DEPTH) fail('nested too deeply')
    const c = buf[pos]
    if (c === undefined) return fail('ends early')
    if (c === 0x69) { // i<digits>e
      const end = buf.indexOf(0x65, pos)
      const digits = end < 0 ? '' : buf.toString('latin1', pos + 1, end)
      if (!/^-?\d+$/.test(digits)) return fail('bad integer')
      pos = end + 1
      return Number(digits)
    }
    if (c === 0x6c) { // l ... e
      pos++
      const list: BValue[] = []
      while (buf[pos] !== 0x65) list.push(value(depth + 1))
      pos++
      return list
    }
    if (c === 0x64) { // d (string value)* e
      pos++
      const dict = new Map<string, BValue>()
      while (buf[pos] !== 0x65) {
        const key = value(depth + 1)
        if (!Buffer.isBuffer(key)) fail('dictionary key is not a string')
        dict.set((key as Buffer).toString('latin1'), value(depth + 1))
      }
      pos++
      return dict
    }
    if (c >= 0x30 && c <= 0x39) { // <length>:<bytes>
      const colon = buf.indexOf(0x3a, pos)
      const digits = colon < 0 ? '' : buf.toString('latin1', pos, colon)
      if (!/^\d+$/.test(digits)) return fail('bad string length')
      const start = colon + 1
      const end = start + Number(digits)
      if (end > buf.length) return fail('string runs past the end')
      pos = end
      return buf.subarray(start, end)
    }
    return fail(`unexpected byte 0x${c.toString(16)}`)
  }
  return value(0)
}
