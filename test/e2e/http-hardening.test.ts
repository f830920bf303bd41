// HTTP hardening of the real app over real sockets (issue 10, items 4, 8, 9): the Host
// check against DNS rebinding, one error format for Fastify's and Node's own errors, plain
// decimal ids, request timeouts closing slowloris connections, max_connections, a long
// response outliving request_timeout, and a client hanging up logged at info.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import http from 'node:http'
import { pino } from 'pino'
import { startApp, tempDir, testConfig } from '../helpers/app.ts'
import { head, rawRequest, type RawResponse } from '../helpers/raw-http.ts'
import { startSeeder } from '../helpers/seeder.ts'
import { fixtureBytes } from '../helpers/fixtures.ts'
import { waitFor, withTimeout } from '../helpers/wait.ts'
import { createApp } from '../../src/app.ts'
import { hostPolicy } from '../../src/http/host-check.ts'
import { apiClient } from '../helpers/api-client.ts'
import { writeTorrentFolder } from '../helpers/streaming.ts'

const KiB = 1024
const portOf = (url: string): number => Number(new URL(url).port)

/** One request with the given Host (null: none, HTTP/1.0); the connection closes after it. */
async function withHost (port: number, method: string, path: string, host: string | null, extra: Record<string, string> = {}): Promise<RawResponse> {
  const headers = { ...(host === null ? {} : { Host: host }), Connection: 'close', ...extra }
  return await rawRequest(port, [head(`${method} ${path} HTTP/1.${host === null ? 0 : 1}`, headers)])
}

/** The project's error body and nothing else: {"error": {"code", "message"}}. */
function assertJsonError (r: RawResponse, status: number, code: string, what: string): { code: string, message: string } {
  assert.equal(r.status, status, `${what}: ${r.status} ${r.body}`)
  assert.match(r.headers['content-type'] ?? '', /^application\/json/, what)
  const body = JSON.parse(r.body) as { error: { code: string, message: string } }
  assert.deepEqual(Object.keys(body), ['error'], what)
  assert.deepEqual(Object.keys(body.error).sort(), ['code', 'message'], what)
  assert.equal(body.error.code, code, what)
  assert.ok(body.error.message.length > 0, what)
  return body.error
}

function assertTextError (r: RawResponse, status: number, what: string): void {
  assert.equal(r.status, status, `${what}: ${r.status} ${r.body}`)
  assert.match(r.headers['content-type'] ?? '', /^text\/plain/, what)
}

let hostileCount = 0
const count = (n = 1): void => { hostileCount += n }
test.after(() => { console.log(`# http-hardening: ${hostileCount} hostile requests`) })

const REFUSED_HOSTS = ['evil.example', 'evil.example:4444', 'EVIL.example', '127.0.0.1.evil.example', 'localhost.evil.example',
  'evil.example.', 'media.home.evil.example', 'tv.home:5555', 'tv.home', '[::1', '::1', '127.1', 'a b', 'localhost@evil.example']
const AREAS: Array<[string, string]> = [['GET', '/api/status'], ['PROPFIND', '/dav/'], ['GET', '/'], ['GET', '/metrics'], ['OPTIONS', '/dav/'], ['GET', '/nothing']]

test('Host: only IP literals, localhost names and configured names are served (DNS rebinding)', async (t) => {
  const { url } = await startApp(t, { server: { public_hosts: ['Media.Home', 'tv.home:4444'] } })
  const port = portOf(url)
  for (const host of REFUSED_HOSTS) {
    for (const [method, path] of AREAS) {
      count()
      const r = await withHost(port, method, path, host, { Depth: '0' })
      if (path.startsWith('/api')) {
        assert.match(assertJsonError(r, 421, 'misdirected_request', `${host} ${path}`).message, /server\.public_hosts/)
      } else {
        assertTextError(r, 421, `${host} ${method} ${path}`)
        assert.match(r.body, /server\.public_hosts/)
      }
    }
  }
  const accepted = ['localhost', `localhost:${port}`, 'LOCALHOST', 'localhost.', `127.0.0.1:${port}`, '127.0.0.1', '[::1]', `[::1]:${port}`,
    'foo.localhost', `media.localhost:${port}`, '10.1.2.3', '192.168.1.20:4444', 'media.home', `MEDIA.home:${port}`, 'tv.home:4444']
  for (const host of accepted) {
    assert.equal((await withHost(port, 'GET', '/api/status', host)).status, 200, host)
    assert.equal((await withHost(port, 'PROPFIND', '/dav/', host, { Depth: '0' })).status, 207, host)
    assert.equal((await withHost(port, 'GET', '/', host)).status, 200, host)
    assert.equal((await withHost(port, 'GET', '/metrics', host)).status, 200, host)
  }
  // HTTP/1.0 without Host: no name to rebind
  assert.equal((await withHost(port, 'GET', '/api/status', null)).status, 200)
})

test('Host: checked before auth, so a rebound name gets 421 even with the right credentials', async (t) => {
  const { url } = await startApp(t, { auth: { username: 'u', password: 'p' }, server: { public_hosts: ['nas.lan'] } })
  const port = portOf(url)
  const good = { Authorization: `Basic ${Buffer.from('u:p').toString('base64')}` }
  const bad = { Authorization: `Basic ${Buffer.from('u:x').toString('base64')}` }
  for (const creds of [{}, good, bad]) {
    for (const [method, path] of AREAS) {
      count()
      assert.equal((await withHost(port, method, path, 'evil.example', { ...creds, Depth: '0' })).status, 421, `${method} ${path}`)
    }
  }
  for (const host of ['localhost', `127.0.0.1:${port}`, 'nas.lan', 'x.localhost']) {
    assert.equal((await withHost(port, 'GET', '/api/status', host)).status, 401, host)
    assert.equal((await withHost(port, 'GET', '/api/status', host, good)).status, 200, host)
    assert.equal((await withHost(port, 'PROPFIND', '/dav/', host, { ...good, Depth: '0' })).status, 207, host)
    // OPTIONS stays exempt from auth, not from the Host check
    assert.equal((await withHost(port, 'OPTIONS', '/dav/', host)).status, 200, host)
  }
})

test('Host policy: server.host when it is a name; public_hosts with and without port', () => {
  const p = hostPolicy({ host: 'NAS.lan', publicHosts: ['media.example.org', 'tv.example.org:8443', ' '] })
  for (const ok of ['nas.lan', 'nas.lan:4444', 'Media.Example.Org', 'media.example.org:1', 'tv.example.org:8443', '[fe80::1]', '0.0.0.0', undefined, '']) {
    assert.equal(p.allows(ok), true, String(ok))
  }
  for (const no of ['tv.example.org', 'tv.example.org:443', 'example.org', 'lan', 'nas.lan.evil', '[nas.lan]', '[::1]x', 'nas.lan:', 'nas.lan:99999999']) {
    count()
    assert.equal(p.allows(no), false, no)
  }
  // an address as server.host adds no name
  assert.equal(hostPolicy({ host: '0.0.0.0', publicHosts: [] }).allows('evil.example'), false)
  assert.equal(hostPolicy({ host: '::', publicHosts: [] }).allows('evil.example'), false)
  count(2)
})

test('Fastify and Node errors use the error format: bad encoding, 431, malformed, 404, 415', async (t) => {
  const { url } = await startApp(t)
  const port = portOf(url)
  const host = `127.0.0.1:${port}`
  const req = async (lines: string): Promise<RawResponse> => await rawRequest(port, [lines])
  const get = async (path: string): Promise<RawResponse> => await withHost(port, 'GET', path, host)

  const cases: Array<[string, () => Promise<RawResponse>, number, string]> = [
    ['bad percent-encoding under /api', async () => await get('/api/movies/%zz'), 400, 'invalid_input'],
    ['bad percent-encoding at the root', async () => await get('/%zz'), 400, 'invalid_input'],
    ['unknown path outside /api', async () => await get('/nothing/here'), 404, 'not_found'],
    ['favicon', async () => await get('/favicon.ico'), 404, 'not_found'],
    ['POST /metrics', async () => await withHost(port, 'POST', '/metrics', host, { 'Content-Length': '0' }), 404, 'not_found'],
    ['unknown method on /', async () => await withHost(port, 'DELETE', '/', host), 404, 'not_found'],
    ['431: 20 KB of headers', async () => await req(head('GET /api/status HTTP/1.1', { Host: host, 'X-Big': 'a'.repeat(20_000) })), 431, 'headers_too_large'],
    ['431 at the root', async () => await req(head('GET / HTTP/1.1', { Host: host, ...Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`x-h${i}`, 'vvvvvv'])) })), 431, 'headers_too_large'],
    ['garbage request line', async () => await req('FOO BAR\r\n\r\n'), 400, 'invalid_input'],
    ['bad header line', async () => await req('GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n'), 400, 'invalid_input'],
    ['HTTP/1.1 without Host', async () => await req('GET /api/status HTTP/1.1\r\n\r\n'), 400, 'invalid_input'],
    ['bad chunked encoding', async () => await req(head('POST /api/movies HTTP/1.1', { Host: host, 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' }) + 'zz\r\n{}\r\n0\r\n\r\n'), 400, 'invalid_input'],
    ['both Content-Length and chunked', async () => await req(head('POST /api/movies HTTP/1.1', { Host: host, 'Content-Type': 'application/json', 'Content-Length': '2', 'Transfer-Encoding': 'chunked' }) + '2\r\n{}\r\n0\r\n\r\n'), 400, 'invalid_input'],
    ['text/plain to a JSON route', async () => await req(head('POST /api/movies HTTP/1.1', { Host: host, 'Content-Type': 'text/plain', 'Content-Length': 5, Connection: 'close' }) + 'hello'), 415, 'unsupported_media_type'],
    ['text/plain with charset', async () => await req(head('POST /api/movies HTTP/1.1', { Host: host, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': 2, Connection: 'close' }) + '{}'), 415, 'unsupported_media_type'],
    ['invalid media type', async () => await req(head('POST /api/movies HTTP/1.1', { Host: host, 'Content-Type': ';;;', 'Content-Length': 2, Connection: 'close' }) + '{}'), 415, 'unsupported_media_type'],
    ['no content type', async () => await req(head('POST /api/movies HTTP/1.1', { Host: host, 'Content-Length': 2, Connection: 'close' }) + '{}'), 415, 'unsupported_media_type'],
    ['empty JSON body', async () => await req(head('POST /api/movies HTTP/1.1', { Host: host, 'Content-Type': 'application/json', 'Content-Length': 0, Connection: 'close' })), 400, 'invalid_input'],
    ['truncated JSON', async () => await req(head('POST /api/movies HTTP/1.1', { Host: host, 'Content-Type': 'application/json', 'Content-Length': 3, Connection: 'close' }) + '{"a'), 400, 'invalid_input'],
    ['prototype poisoning', async () => await req(head('POST /api/movies HTTP/1.1', { Host: host, 'Content-Type': 'application/json', 'Content-Length': 27, Connection: 'close' }) + '{"__proto__":{"x":1},"a":1}'), 400, 'invalid_input']
  ]
  for (const [what, send, status, code] of cases) {
    count()
    assertJsonError(await send(), status, code, what)
  }
  // /dav keeps the WebDAV error format (a line of text), Fastify's errors included
  for (const path of ['/dav/%zz', '/dav/Movies/%E0%A4%A']) {
    count()
    assertTextError(await get(path), 400, path)
  }
})

test('ids are plain positive decimal integers: +1, 01, 1e0, " 1" never reach movie 1', async (t) => {
  const { url } = await startApp(t)
  const port = portOf(url)
  const api = apiClient(url)
  const movie = await api.post('/api/movies', { title: 'Heat', year: 1995 })
  assert.equal(movie.body.id, 1)
  assert.equal((await api.get('/api/movies/1')).status, 200)
  const ids = ['+1', '01', '001', '1e0', '1.0', '0x1', '%201', '1%20', '%2B1', '-0', '1_0', '%EF%BC%91', '9007199254740993']
  for (const id of ids) {
    for (const path of [`/api/movies/${id}`, `/api/movies/${id}/assign`, `/api/shows/${id}`, `/api/episodes/${id}/assign`]) {
      count()
      assertJsonError(await withHost(port, 'GET', path, 'localhost'), 400, 'invalid_input', path)
    }
  }
  for (const q of ['limit=+5', 'limit=05', 'offset=+0', 'offset=1e1', 'limit=%205']) {
    count()
    assertJsonError(await withHost(port, 'GET', `/api/movies?${q}`, 'localhost'), 400, 'invalid_input', q)
  }
  assert.equal((await api.get('/api/movies?limit=5&offset=0')).status, 200)
})

/** Sends `first`, then one more byte every 100 ms, until the server closes; resolves with when. */
async function trickle (port: number, first: string, byte: string, ms: number): Promise<RawResponse> {
  const socket = net.connect(port, '127.0.0.1')
  const timer = setInterval(() => { if (socket.writable) socket.write(byte) }, 100)
  try {
    return await withTimeout(new Promise<RawResponse>((resolve) => {
      const t0 = performance.now()
      let data = ''
      socket.on('connect', () => { socket.write(first) })
      socket.on('data', (d: Buffer) => { data += d.toString('latin1') })
      socket.on('error', () => {})
      socket.on('close', () => {
        const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0)
        resolve({ status, headers: {}, body: data.slice(data.indexOf('\r\n\r\n') + 4), ms: performance.now() - t0, closed: true })
      })
    }), ms, 'the server to close a slow connection')
  } finally {
    clearInterval(timer)
    socket.destroy()
  }
}

test('headers_timeout and request_timeout close slowloris connections', { timeout: 60_000 }, async (t) => {
  const { url } = await startApp(t, { server: { headers_timeout: 1, request_timeout: 2 } })
  const port = portOf(url)
  const host = `127.0.0.1:${port}`
  const bodyHead = head('POST /api/movies HTTP/1.1', { Host: host, 'Content-Type': 'application/json', 'Content-Length': 1000 })
  const slow = await Promise.all([
    // headers one byte at a time, never finished: headers_timeout (1 s)
    trickle(port, `GET /api/status HTTP/1.1\r\nHost: ${host}\r\nX-Slow: `, 'a', 8000),
    // connected, nothing sent
    trickle(port, '', '', 8000),
    // headers done, the body one byte at a time: request_timeout (2 s)
    trickle(port, bodyHead + '{"title": "', 'x', 8000),
    // 20 unfinished bodies at once
    ...Array.from({ length: 20 }, async () => await trickle(port, bodyHead + '{', '', 8000))
  ])
  count(slow.length)
  const [headers, idle, body, ...many] = slow
  // Node checks every 250 ms here (a quarter of the shorter timeout); 1.5 s of slack for a busy machine
  for (const [what, r, limit] of [['headers', headers!, 1000], ['idle', idle!, 1000], ['body', body!, 2000], ...many.map((r) => ['unfinished body', r, 2000] as const)] as const) {
    assert.ok(r.ms >= limit - 100 && r.ms < limit + 1750, `${what}: closed after ${Math.round(r.ms)} ms (timeout ${limit} ms)`)
    if (r.status !== 0) assertJsonError({ ...r, headers: { 'content-type': 'application/json' } }, 408, 'request_timeout', what)
  }
  // and the server still answers
  assert.equal((await apiClient(url).get('/api/status')).status, 200)
})

/** A keep-alive connection that has had one answered request (so the server counts it). */
async function openConnection (port: number): Promise<net.Socket> {
  return await withTimeout(new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1')
    s.on('connect', () => { s.write(head('GET /api/status HTTP/1.1', { Host: 'localhost' })) })
    s.once('data', () => { resolve(s) })
    s.once('close', () => { reject(new Error('closed before answering')) })
    s.on('error', () => {})
  }), 5000, 'a keep-alive connection')
}

test('max_connections: the connection past the limit is closed unanswered; a freed slot is usable again', async (t) => {
  const { url } = await startApp(t, { server: { max_connections: 3 } })
  const port = portOf(url)
  const open = [await openConnection(port), await openConnection(port), await openConnection(port)]
  t.after(() => { for (const s of open) s.destroy() })
  for (let i = 0; i < 3; i++) {
    count()
    const refused = await rawRequest(port, [head('GET /api/status HTTP/1.1', { Host: 'localhost' })], { timeoutMs: 5000 })
    assert.equal(refused.closed, true)
    assert.equal(refused.status, 0, `connection ${4 + i} was answered: ${refused.body}`)
  }
  open.pop()!.destroy()
  // the server sees the close asynchronously: poll (bounded) until a slot is free
  await waitFor(async () => (await rawRequest(port, [head('GET /api/status HTTP/1.1', { Host: 'localhost', Connection: 'close' })], { timeoutMs: 5000 })).status === 200, 5000, 'a freed connection slot')
})

interface LogLine { level: number, msg: string, component?: string }

test('a long response outlives request_timeout; a client hanging up mid-body is logged at info', { timeout: 120_000 }, async (t) => {
  const size = 2 * 1024 * KiB + 333
  const bytes = fixtureBytes('hardening', 'movie.mkv', size, 0, size)
  const root = writeTorrentFolder(tempDir(t), 'Heat.1995', [{ path: 'Heat.1995.mkv', bytes }])
  // 256 KiB/s: the file takes about 8 s, far past request_timeout
  const seeder = await startSeeder(t, { path: root, pieceLength: 16 * KiB, uploadLimit: 256 * KiB })
  const lines: LogLine[] = []
  const logger = pino({ level: 'debug' }, { write: (s: string) => { lines.push(JSON.parse(s) as LogLine) } })
  const dir = tempDir(t)
  const app = await createApp(testConfig(dir, {
    server: { headers_timeout: 1, request_timeout: 1 },
    torrent: { add_timeout: 15, read_timeout: 20, start_paused: false },
    streaming: { readahead_bytes: 64 * KiB, urgent_bytes: 32 * KiB, header_bytes: 16 * KiB, footer_bytes: 16 * KiB, warm_on_assign: false }
  }), { logger })
  try {
    const base = await app.listen()
    const api = apiClient(base)
    const movie = await api.post('/api/movies', { title: 'Heat', year: 1995 })
    const assigned = await api.post(`/api/movies/${movie.body.id}/assign`, { magnet_uri: seeder.magnet })
    assert.equal(assigned.status, 201, JSON.stringify(assigned.body))
    const path = '/dav/Movies/Heat%20(1995)/Heat%20(1995).mkv'

    // hang up after the first bytes of the second half: most of it is still at the seeder
    const tail = Math.floor(size / 2)
    await withTimeout(new Promise<void>((resolve, reject) => {
      const req = http.get(`${base}${path}`, { agent: false, headers: { Range: `bytes=${tail}-` } }, (res) => {
        assert.equal(res.statusCode, 206)
        res.once('data', () => { req.destroy(); resolve() })
      })
      req.on('error', (err) => { if (!req.destroyed) reject(err) })
    }), 30_000, 'the first bytes of the second half')
    const cut = await waitFor(() => lines.find((l) => l.msg === 'client went away mid-body'), 5000, 'the hang-up in the log')
    assert.equal(cut.level, 30, 'info')

    const t0 = performance.now()
    const res = await fetch(`${base}${path}`, { signal: AbortSignal.timeout(60_000) })
    assert.equal(res.status, 200)
    const body = Buffer.from(await res.arrayBuffer())
    const ms = performance.now() - t0
    assert.ok(body.equals(bytes), 'every byte, none cut')
    // the response must really have outlived the timeout and its check interval for this to prove anything
    assert.ok(ms > 2000, `the response took only ${Math.round(ms)} ms`)
    t.diagnostic(`a ${size}-byte GET streamed for ${Math.round(ms)} ms with request_timeout 1 s`)
    const loud = lines.filter((l) => l.level >= 40 && (l.component === 'http' || l.component === 'webdav'))
    assert.deepEqual(loud.map((l) => l.msg), [], 'nothing at warn or error from HTTP or WebDAV')
  } finally {
    await app.close()
  }
})
