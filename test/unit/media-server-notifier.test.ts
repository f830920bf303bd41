// The notifier's timing on a fake clock with a scripted fetch: debounce per server and folder,
// exponential back-off, Retry-After, giving up, timeouts, and close() leaving no timer behind.
// The real request shapes against fake servers are in test/medium/media-servers.test.ts.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { pino } from 'pino'
import { MediaServerNotifier, mediaServerProblems } from '../../src/media-servers/notifier.ts'
import type { MediaServerOptions, MediaServerSettings } from '../../src/media-servers/types.ts'
import type { Assignment } from '../../src/assignments/types.ts'
import { fakeClock, type FakeClock } from '../helpers/clock.ts'
import { waitFor, withTimeout } from '../helpers/wait.ts'

const log = pino({ level: 'silent' })
const JF: MediaServerSettings = { type: 'jellyfin', url: 'http://jf.test:8096', token: 'k', libraryPath: '/mnt/momoshtrem' }
const SEASON = '/TV Shows/Dark (2017)/Season 01'

type Script = number | { status: number, retryAfter?: string } | 'stall' | 'network'
interface Call { url: string, init: RequestInit, signal: AbortSignal }

/** A fetch answering from `script` in order (204 once it runs out), recording each call. */
function scriptedFetch (script: Script[]): { fetch: typeof fetch, calls: Call[] } {
  const calls: Call[] = []
  const fn = async (input: string | URL | Request, init: RequestInit = {}): Promise<Response> => {
    const signal = init.signal!
    calls.push({ url: String(input), init, signal })
    const step = script.shift() ?? 204
    if (step === 'stall') {
      return await new Promise<Response>((_resolve, reject) => {
        signal.addEventListener('abort', () => { reject(signal.reason ?? new DOMException('aborted', 'AbortError')) }, { once: true })
      })
    }
    if (step === 'network') throw new TypeError('fetch failed', { cause: new Error('connect ECONNREFUSED 10.0.0.9:8096') })
    const { status, retryAfter } = typeof step === 'number' ? { status: step, retryAfter: undefined } : step
    return new Response(status === 204 ? null : '', { status, headers: retryAfter === undefined ? {} : { 'retry-after': retryAfter } })
  }
  return { fetch: fn as typeof fetch, calls }
}

function notifier (script: Script[], options: Partial<MediaServerOptions> = {}, servers = [JF], exists?: (f: string) => boolean): {
  n: MediaServerNotifier, clock: FakeClock, calls: Call[]
} {
  const clock = fakeClock()
  const { fetch, calls } = scriptedFetch(script)
  const n = new MediaServerNotifier(servers, { logger: log, fetch, clock, exists }, { debounceMs: 1000, backoffMs: 100, maxRetries: 3, timeoutMs: 5000, ...options })
  return { n, clock, calls }
}

/** Lets the background work run up to its next wait on the (fake) clock: all in memory, no I/O. */
async function settle (): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve))
}

const bodyOf = (c: Call): unknown => JSON.parse(c.init.body as string)

test('changed() returns at once; a burst in one folder becomes one request after the quiet time', async (t) => {
  const { n, clock, calls } = notifier([])
  t.after(async () => { await n.close() })
  for (let i = 0; i < 25; i++) n.changed(SEASON)
  assert.equal(n.status()[0]!.pending, 1)
  clock.advance(600)
  n.changed(SEASON + '/') // the same folder, spelt differently: restarts its debounce
  clock.advance(999)
  await settle()
  assert.equal(calls.length, 0, 'nothing before 1000 ms of quiet')
  clock.advance(1)
  await waitFor(() => n.status()[0]!.lastOk, 2000, 'the refresh')
  assert.equal(calls.length, 1)
  assert.equal(calls[0]!.url, 'http://jf.test:8096/Library/Media/Updated')
  assert.deepEqual(bodyOf(calls[0]!), { Updates: [{ Path: '/mnt/momoshtrem/TV Shows/Dark (2017)/Season 01', UpdateType: 'Modified' }] })
  assert.deepEqual({ ...n.status()[0], lastOk: 'set' }, { name: 'jellyfin', type: 'jellyfin', url: 'http://jf.test:8096/', lastOk: 'set', lastError: null, pending: 0 })
})

test('one request per server and folder', async (t) => {
  const emby: MediaServerSettings = { type: 'emby', url: 'http://emby.test/emby', token: 'e', libraryPath: 'M:\\', name: 'living room' }
  const { n, clock, calls } = notifier([], {}, [JF, emby])
  t.after(async () => { await n.close() })
  for (const f of [SEASON, '/TV Shows/Dark (2017)/Season 02', SEASON, '/TV Shows/Dark (2017)/Season 02']) n.changed(f)
  clock.advance(1000)
  await waitFor(() => calls.length === 4 && n.status().every((s) => s.pending === 0), 2000, 'four requests')
  const sent = calls.map((c) => `${c.url} ${(bodyOf(c) as { Updates: Array<{ Path: string }> }).Updates[0]!.Path}`).sort()
  assert.deepEqual(sent, [
    'http://emby.test/emby/Library/Media/Updated M:\\TV Shows\\Dark (2017)\\Season 01',
    'http://emby.test/emby/Library/Media/Updated M:\\TV Shows\\Dark (2017)\\Season 02',
    'http://jf.test:8096/Library/Media/Updated /mnt/momoshtrem/TV Shows/Dark (2017)/Season 01',
    'http://jf.test:8096/Library/Media/Updated /mnt/momoshtrem/TV Shows/Dark (2017)/Season 02'
  ])
  assert.deepEqual(n.status().map((s) => s.name), ['jellyfin', 'living room'])
})

test('5xx and network errors are retried after 100, then 200 ms (doubling), then it succeeds', async (t) => {
  const { n, clock, calls } = notifier([500, 'network', 204])
  t.after(async () => { await n.close() })
  n.changed(SEASON)
  clock.advance(1000)
  await waitFor(() => calls.length === 1, 2000, 'the first attempt')
  await settle()
  clock.advance(99)
  await settle()
  assert.equal(calls.length, 1, 'no retry before the back-off')
  clock.advance(1)
  await waitFor(() => calls.length === 2, 2000, 'the first retry')
  await settle()
  clock.advance(199)
  await settle()
  assert.equal(calls.length, 2, 'the second back-off is twice the first')
  clock.advance(1)
  await waitFor(() => n.status()[0]!.lastOk, 2000, 'the success')
  assert.equal(calls.length, 3)
  assert.equal(n.status()[0]!.lastError, null, 'failures that were retried away are not errors')
})

test('429 waits for Retry-After, not for the back-off', async (t) => {
  const { n, clock, calls } = notifier([{ status: 429, retryAfter: '3' }, 204])
  t.after(async () => { await n.close() })
  n.changed(SEASON)
  clock.advance(1000)
  await waitFor(() => calls.length === 1, 2000, 'the first attempt')
  await settle()
  clock.advance(2999)
  await settle()
  assert.equal(calls.length, 1)
  clock.advance(1)
  await waitFor(() => n.status()[0]!.lastOk, 2000, 'the retry')
  assert.equal(calls.length, 2)
})

test('gives up after maxRetries retries; the error stays in status()', async (t) => {
  const { n, clock, calls } = notifier([503, 503, 503, 503, 503, 503, 503], { maxRetries: 2 })
  t.after(async () => { await n.close() })
  n.changed('/Movies/Fight Club (1999)')
  clock.advance(1000)
  for (let i = 0; i < 10; i++) { await settle(); clock.advance(10_000) }
  await waitFor(() => n.status()[0]!.lastError, 2000, 'the error')
  assert.equal(calls.length, 3, 'the first attempt and 2 retries')
  const s = n.status()[0]!
  assert.equal(s.pending, 0)
  assert.equal(s.lastOk, null)
  assert.match(s.lastError!.message, /^Jellyfin answered HTTP 503 when reporting the changed folder \(refreshing \/mnt\/momoshtrem\/Movies\/Fight Club \(1999\)\)$/)
  assert.ok(!Number.isNaN(Date.parse(s.lastError!.at)))
})

test('a rejected token is reported once and not retried', async (t) => {
  const { n, clock, calls } = notifier([401])
  t.after(async () => { await n.close() })
  n.changed(SEASON)
  clock.advance(1000)
  await waitFor(() => n.status()[0]!.lastError, 2000, 'the error')
  for (let i = 0; i < 5; i++) { await settle(); clock.advance(60_000) }
  assert.equal(calls.length, 1)
  assert.match(n.status()[0]!.lastError!.message, /Jellyfin rejected the token \(HTTP 401\)/)
})

test('a Retry-After beyond maxRetryWaitMs gives up at once', async (t) => {
  const { n, clock, calls } = notifier([{ status: 503, retryAfter: '7200' }], { maxRetryWaitMs: 60_000 })
  t.after(async () => { await n.close() })
  n.changed(SEASON)
  clock.advance(1000)
  await waitFor(() => n.status()[0]!.lastError, 2000, 'the error')
  assert.equal(calls.length, 1)
  assert.match(n.status()[0]!.lastError!.message, /asked to wait 7200 s, longer than the 60 s allowed/)
  assert.equal(n.status()[0]!.pending, 0)
})

test('a request that gets no answer times out and is retried', async (t) => {
  const { n, clock, calls } = notifier(['stall', 204], { timeoutMs: 2000 })
  t.after(async () => { await n.close() })
  n.changed(SEASON)
  clock.advance(1000)
  await waitFor(() => calls.length === 1, 2000, 'the first attempt')
  clock.advance(1999)
  await settle()
  assert.equal(calls[0]!.signal.aborted, false)
  clock.advance(1)
  assert.equal(calls[0]!.signal.aborted, true, 'the timeout aborts the request')
  await settle()
  clock.advance(100)
  await waitFor(() => n.status()[0]!.lastOk, 2000, 'the retry')
  assert.equal(calls.length, 2)
})

test('close() clears the debounce and the back-off: no timer left, nothing sent after', async () => {
  const { n, clock, calls } = notifier([500])
  n.changed(SEASON)
  clock.advance(1000)
  await waitFor(() => calls.length === 1, 2000, 'the first attempt')
  await settle()
  n.changed('/Movies/Heat (1995)')
  assert.equal(clock.pending(), 2, 'a back-off and a debounce are waiting')
  assert.equal(n.status()[0]!.pending, 2)
  await n.close()
  assert.equal(clock.pending(), 0)
  n.changed('/Movies/Heat (1995)')
  assert.equal(clock.pending(), 0, 'changed() after close() does nothing')
  clock.advance(600_000)
  await settle()
  assert.equal(calls.length, 1)
  assert.equal(n.status()[0]!.pending, 0)
  assert.equal(n.status()[0]!.lastError, null, 'closing is not a failure')
})

test('close() aborts the request in flight and clears its timeout', async () => {
  const { n, clock, calls } = notifier(['stall'])
  n.changed(SEASON)
  clock.advance(1000)
  await waitFor(() => calls.length === 1, 2000, 'the request')
  assert.equal(clock.pending(), 1, 'the request timeout')
  await n.close()
  assert.equal(calls[0]!.signal.aborted, true)
  assert.equal(clock.pending(), 0)
  assert.equal(n.status()[0]!.lastError, null)
})

test('close() does not wait on a folder lookup that never answers', async () => {
  const clock = fakeClock()
  const { fetch, calls } = scriptedFetch([])
  let asked = 0
  const n = new MediaServerNotifier([JF], { logger: log, fetch, clock, exists: async () => { asked++; return await new Promise<boolean>(() => {}) } }, { debounceMs: 10 })
  n.changed(SEASON)
  clock.advance(10)
  await waitFor(() => asked === 1, 2000, 'the lookup')
  await withTimeout(n.close(), 2000, 'close()')
  assert.equal(calls.length, 0)
  assert.equal(clock.pending(), 0)
})

test('a folder that is gone is reported as deleted; a failing lookup counts as there', async (t) => {
  const gone = new Set(['/Movies/Heat (1995)'])
  const exists = (f: string): boolean => {
    if (f.includes('Broken')) throw new Error('lookup failed')
    return !gone.has(f)
  }
  const { n, clock, calls } = notifier([], {}, [JF], exists)
  t.after(async () => { await n.close() })
  n.changed('/Movies/Heat (1995)')
  n.changed('/Movies/Broken (2000)')
  clock.advance(1000)
  await waitFor(() => calls.length === 2 && n.status()[0]!.pending === 0, 2000, 'both requests')
  assert.deepEqual(calls.map(bodyOf), [
    { Updates: [{ Path: '/mnt/momoshtrem/Movies/Heat (1995)', UpdateType: 'Deleted' }] },
    { Updates: [{ Path: '/mnt/momoshtrem/Movies/Broken (2000)', UpdateType: 'Modified' }] }
  ])
})

test('nothing reaches an assign: bad folders, a failing clock or a failing lookup never throw', async (t) => {
  const { n, clock, calls } = notifier([])
  t.after(async () => { await n.close() })
  for (const bad of ['Movies/X', '/', '/Movies/../..', '']) assert.doesNotThrow(() => { n.changed(bad) })
  assert.equal(clock.pending(), 0)
  const a = { id: 1, itemType: 'movie', itemId: 7 } as Assignment
  const listener = n.listener(() => { throw new Error('movie 7 is gone') })
  assert.doesNotThrow(() => { listener.unassigned!(a) })
  const byId = n.listener((x) => x.itemType === 'episode' ? SEASON : null)
  byId.assigned!({ ...a, itemType: 'episode' })
  clock.advance(1000)
  await waitFor(() => calls.length === 2 && n.status()[0]!.pending === 0, 2000, 'the refreshes')
  assert.deepEqual(calls.map((c) => (bodyOf(c) as { Updates: Array<{ Path: string }> }).Updates[0]!.Path).sort(),
    ['/mnt/momoshtrem/Movies', '/mnt/momoshtrem/TV Shows/Dark (2017)/Season 01'], 'no folder for the item: its top folder')

  const broken = new MediaServerNotifier([JF], {
    logger: log,
    clock: { now: () => 0, setTimeout: () => { throw new Error('no timers') }, clearTimeout: () => {} }
  })
  assert.doesNotThrow(() => { broken.changed(SEASON) })
  await broken.close()
})

test('settings are checked, every problem named', () => {
  assert.deepEqual(mediaServerProblems(JF), [])
  assert.deepEqual(mediaServerProblems({ type: 'kodi' as 'plex', url: 'ftp://x', token: ' ', libraryPath: 'mnt/x' }, 'media_servers[1]'), [
    'media_servers[1].type must be plex, jellyfin or emby',
    'media_servers[1].url must be an http:// or https:// URL',
    'media_servers[1].token is empty',
    'media_servers[1].library_path must be the absolute path where that server mounts the WebDAV root (e.g. /mnt/momoshtrem)'
  ])
  assert.deepEqual(mediaServerProblems({ ...JF, libraryPath: 'M:\\' }), [])
  assert.throws(() => new MediaServerNotifier([{ ...JF, url: 'nope' }], { logger: log }), /media_servers\[0\]\.url must be/)
})
