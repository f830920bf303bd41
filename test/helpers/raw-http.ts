// Raw HTTP/1.1 over a net socket, for requests fetch and node:http refuse to send (a chosen
// Host, a malformed request line, a body that never ends) and for watching when the server
// closes a connection. Every wait is bounded.
import net from 'node:net'

export interface RawResponse {
  /** status of the first response on the socket; 0 when the server closed without answering */
  status: number
  headers: Record<string, string>
  body: string
  /** ms from connect to the complete response (or to the close) */
  ms: number
  /** the server closed the connection (within the wait) */
  closed: boolean
}

/** Parses the first response in `data` once it is complete (Content-Length framed); null while incomplete. */
export function parseResponse (data: Buffer): Omit<RawResponse, 'ms' | 'closed'> | null {
  const end = data.indexOf('\r\n\r\n')
  if (end < 0) return null
  const lines = data.subarray(0, end).toString('latin1').split('\r\n')
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? '')?.[1] ?? 0)
  const headers: Record<string, string> = {}
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':')
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
  }
  const length = Number(headers['content-length'] ?? NaN)
  const body = data.subarray(end + 4)
  if (Number.isFinite(length) && body.length < length) return null
  return { status, headers, body: body.subarray(0, Number.isFinite(length) ? length : body.length).toString('utf8') }
}

export interface RawOptions {
  /** give up after this many ms (the promise rejects) */
  timeoutMs?: number
  /** resolve once the response is complete instead of waiting for the server to close */
  untilResponse?: boolean
}

/** Connects, writes `chunks` in order, and resolves with the response. */
export async function rawRequest (port: number, chunks: Array<string | Buffer>, opts: RawOptions = {}): Promise<RawResponse> {
  const { timeoutMs = 10_000, untilResponse = true } = opts
  return await new Promise((resolve, reject) => {
    const t0 = performance.now()
    const socket = net.connect(port, '127.0.0.1')
    let data = Buffer.alloc(0)
    let done = false
    const finish = (closed: boolean): void => {
      if (done) return
      done = true
      clearTimeout(timer)
      socket.destroy()
      const parsed = parseResponse(data) ?? { status: 0, headers: {}, body: data.toString('utf8') }
      resolve({ ...parsed, ms: performance.now() - t0, closed })
    }
    const timer = setTimeout(() => {
      if (done) return
      done = true
      socket.destroy()
      reject(new Error(`no ${untilResponse ? 'response' : 'close'} within ${timeoutMs} ms; got ${JSON.stringify(data.toString('latin1').slice(0, 200))}`))
    }, timeoutMs)
    socket.on('data', (d: Buffer) => {
      data = Buffer.concat([data, d])
      if (untilResponse && parseResponse(data) !== null) finish(false)
    })
    // the server may close while we still write (413 before the body): keep what was read
    socket.on('error', () => {})
    socket.on('close', () => { finish(true) })
    socket.on('connect', () => { for (const c of chunks) socket.write(c) })
  })
}

/** A request head with CRLFs; `headers` are written as given (Host included). */
export function head (requestLine: string, headers: Record<string, string | number>): string {
  return `${requestLine}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n`
}
