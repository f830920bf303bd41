// Media-server refreshes over real HTTP against fake Plex, Jellyfin and Emby servers on
// 127.0.0.1 that check the real request shapes and tokens. Small debounce and back-off values;
// every wait is on a condition (waitFor), never a fixed sleep.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { pino } from 'pino'
import { MediaServerNotifier, type MediaServerDeps } from '../../src/media-servers/notifier.ts'
import { movieFolder, seasonFolder } from '../../src/media-servers/paths.ts'
import type { MediaServerOptions, MediaServerSettings } from '../../src/media-servers/types.ts'
import type { Assignment } from '../../src/assignments/types.ts'
import { startFakePlex, type FakePlexSection } from '../helpers/fake-plex.ts'
import { startFakeJellyfin } from '../helpers/fake-jellyfin.ts'
import { waitFor, withTimeout } from '../helpers/wait.ts'

const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })
const MOUNT = '/mnt/momoshtrem'
const SECTIONS: FakePlexSection[] = [
  { key: '1', type: 'movie', title: 'Movies', locations: [`${MOUNT}/Movies`] },
  { key: '2', type: 'show', title: 'TV Shows', locations: [`${MOUNT}/TV Shows`] },
  { key: '3', type: 'artist', title: 'Music', locations: ['/data/music'] }
]
const DARK = { id: 4, title: 'Dark', year: 2017 }

function notifier (t: TestContext, servers: MediaServerSettings[], options: Partial<MediaServerOptions> = {}, deps: Partial<MediaServerDeps> = {}): MediaServerNotifier {
  const n = new MediaServerNotifier(servers, { logger: log, ...deps }, { debounceMs: 50, backoffMs: 20, maxRetries: 3, timeoutMs: 2000, ...options })
  t.after(async () => { await n.close() })
  return n
}

/** Every server has sent (or given up on) everything. */
async function idle (n: MediaServerNotifier, what: string): Promise<void> {
  await waitFor(() => n.status().every((s) => s.pending === 0 && (s.lastOk !== null || s.lastError !== null)), 5000, what)
}

/** The assignment events of a season pack: one per episode, all at once. */
function packBurst (n: MediaServerNotifier, seasons: number[], episodes: number): void {
  const listener = n.listener((a) => seasonFolder(DARK, Math.floor(a.itemId / 100)))
  for (const season of seasons) {
    for (let e = 1; e <= episodes; e++) listener.assigned!({ id: season * 100 + e, itemType: 'episode', itemId: season * 100 + e } as Assignment)
  }
}

test('Plex: a season pack assigned at once is one partial scan of its season folder, in the TV section', async (t) => {
  const plex = await startFakePlex(t, { sections: SECTIONS })
  const n = notifier(t, [{ type: 'plex', url: plex.url, token: plex.token, libraryPath: MOUNT }])
  packBurst(n, [1], 10)
  await idle(n, 'the refresh')
  assert.deepEqual(plex.refreshes(), [{ section: '2', path: `${MOUNT}/TV Shows/Dark (2017)/Season 01` }])
  assert.deepEqual(plex.requests.map((r) => r.path), ['/library/sections', '/library/sections/2/refresh'])
  for (const r of plex.requests) {
    assert.equal(r.method, 'GET')
    assert.equal(r.query['X-Plex-Token'], plex.token)
    assert.equal(r.headers.accept, 'application/json')
  }
  assert.equal(plex.requests[1]!.rawQuery, 'path=%2Fmnt%2Fmomoshtrem%2FTV%20Shows%2FDark%20(2017)%2FSeason%2001&X-Plex-Token=plex-token')
  const s = n.status()[0]!
  assert.deepEqual({ ...s, lastOk: typeof s.lastOk }, { name: 'plex', type: 'plex', url: `${plex.url}/`, lastOk: 'string', lastError: null, pending: 0 })
})

test('Plex: spaces, ampersands, plus signs and non-ASCII reach Plex intact', async (t) => {
  const plex = await startFakePlex(t, { sections: SECTIONS })
  const n = notifier(t, [{ type: 'plex', url: plex.url, token: plex.token, libraryPath: `${MOUNT}/` }])
  const folder = movieFolder({ id: 9, title: 'Amélie & Nino + Ōoku: 東京', year: 2001 })
  n.changed(folder)
  await idle(n, 'the refresh')
  assert.deepEqual(plex.refreshes(), [{ section: '1', path: `${MOUNT}/Movies/Amélie & Nino + Ōoku - 東京 (2001)` }])
  const raw = plex.requests[1]!.rawQuery
  assert.ok(raw.includes('Am%C3%A9lie%20%26%20Nino%20%2B%20%C5%8Coku%20-%20%E6%9D%B1%E4%BA%AC%20(2001)'), raw)
  assert.ok(!/path=[^&]*\+/.test(raw), 'no "+" standing for a space')
})

test('Plex: an item whose folder is gone is scanned from the folder above it', async (t) => {
  const plex = await startFakePlex(t, { sections: SECTIONS })
  const gone = new Set(['/Movies/Heat (1995)', '/TV Shows/Dark (2017)/Season 03', '/TV Shows/Dark (2017)'])
  const n = notifier(t, [{ type: 'plex', url: plex.url, token: plex.token, libraryPath: MOUNT }], {}, { exists: (f) => !gone.has(f) })
  n.changed('/Movies/Heat (1995)')
  n.changed('/TV Shows/Dark (2017)/Season 03')
  await idle(n, 'the refreshes')
  assert.deepEqual(plex.refreshes(), [{ section: '1', path: `${MOUNT}/Movies` }, { section: '2', path: `${MOUNT}/TV Shows` }])
})

test('Plex: a folder in no library is reported, not retried', async (t) => {
  const plex = await startFakePlex(t, { sections: SECTIONS })
  const n = notifier(t, [{ type: 'plex', url: plex.url, token: plex.token, libraryPath: '/srv/elsewhere' }])
  n.changed('/Movies/Heat (1995)')
  await idle(n, 'the error')
  assert.equal(plex.requests.length, 1, 'only the sections were listed')
  assert.deepEqual(plex.refreshes(), [])
  assert.match(n.status()[0]!.lastError!.message,
    /^no Plex library has a folder holding \/srv\/elsewhere\/Movies\/Heat \(1995\) \(its folders: \/mnt\/momoshtrem\/Movies, \/mnt\/momoshtrem\/TV Shows, \/data\/music\)/)
})

test('Plex: a wrong token gets 401 once, is reported and not retried', async (t) => {
  const plex = await startFakePlex(t, { sections: SECTIONS })
  const n = notifier(t, [{ type: 'plex', url: plex.url, token: 'not-the-token', libraryPath: MOUNT }])
  n.changed(seasonFolder(DARK, 1))
  await idle(n, 'the error')
  assert.equal(plex.requests.length, 1)
  assert.match(n.status()[0]!.lastError!.message, /^Plex rejected the token \(HTTP 401\) when listing its libraries: check the token/)
  assert.equal(n.status()[0]!.lastOk, null)
})

test('Plex: 5xx answers are retried with back-off until one succeeds', async (t) => {
  const plex = await startFakePlex(t, { sections: SECTIONS })
  plex.failNext(2, { status: 500, path: /refresh$/ })
  const n = notifier(t, [{ type: 'plex', url: plex.url, token: plex.token, libraryPath: MOUNT }], { backoffMs: 50 })
  n.changed(seasonFolder(DARK, 2))
  await idle(n, 'the refresh')
  const refreshes = plex.requests.filter((r) => r.path.endsWith('/refresh'))
  assert.equal(refreshes.length, 3)
  assert.equal(plex.refreshes().length, 1)
  assert.ok(refreshes[1]!.at - refreshes[0]!.at >= 45, 'the first back-off')
  assert.ok(refreshes[2]!.at - refreshes[1]!.at >= 95, 'the second back-off doubles')
  assert.equal(n.status()[0]!.lastError, null)
})

test('Plex: 429 is retried after its Retry-After', async (t) => {
  const plex = await startFakePlex(t, { sections: SECTIONS })
  plex.failNext(1, { status: 429, retryAfter: '1', path: /refresh$/ })
  const n = notifier(t, [{ type: 'plex', url: plex.url, token: plex.token, libraryPath: MOUNT }])
  n.changed(seasonFolder(DARK, 2))
  await idle(n, 'the refresh')
  const [first, second] = plex.requests.filter((r) => r.path.endsWith('/refresh'))
  assert.ok(second !== undefined && second.at - first!.at >= 950, `waited ${second!.at - first!.at} ms for Retry-After: 1`)
  assert.equal(plex.refreshes().length, 1)
})

test('Plex: a request left unanswered times out and is retried', async (t) => {
  const plex = await startFakePlex(t, { sections: SECTIONS })
  plex.stallNext(1, /refresh$/)
  const n = notifier(t, [{ type: 'plex', url: plex.url, token: plex.token, libraryPath: MOUNT }], { timeoutMs: 500 })
  n.changed(seasonFolder(DARK, 1))
  await idle(n, 'the refresh')
  assert.equal(plex.requests.filter((r) => r.path.endsWith('/refresh')).length, 2)
  assert.equal(plex.refreshes().length, 1)
})

test('Jellyfin: a burst is one POST /Library/Media/Updated with the real body and token header', async (t) => {
  const jf = await startFakeJellyfin(t)
  const n = notifier(t, [{ type: 'jellyfin', url: jf.url, token: jf.token, libraryPath: MOUNT }])
  packBurst(n, [1], 10)
  n.changed(movieFolder({ id: 3, title: 'Amélie & Nino', year: 2001 }))
  await idle(n, 'the refreshes')
  assert.equal(jf.accepted(), 2)
  assert.deepEqual(jf.updates(), [
    { Path: `${MOUNT}/TV Shows/Dark (2017)/Season 01`, UpdateType: 'Modified' },
    { Path: `${MOUNT}/Movies/Amélie & Nino (2001)`, UpdateType: 'Modified' }
  ])
  const r = jf.requests[0]!
  assert.equal(r.method, 'POST')
  assert.equal(r.headers.authorization, `MediaBrowser Token="${jf.token}"`)
  assert.equal(r.headers['content-type'], 'application/json')
  assert.equal(r.headers['x-emby-token'], undefined, 'the legacy header Jellyfin 12 ignores is not relied on')
})

test('Emby: the token goes as X-Emby-Token', async (t) => {
  const emby = await startFakeJellyfin(t, { flavour: 'emby' })
  const n = notifier(t, [{ type: 'emby', url: emby.url, token: emby.token, libraryPath: MOUNT, name: 'Emby' }])
  n.changed(seasonFolder(DARK, 3))
  await idle(n, 'the refresh')
  assert.deepEqual(emby.updates(), [{ Path: `${MOUNT}/TV Shows/Dark (2017)/Season 03`, UpdateType: 'Modified' }])
  assert.equal(emby.requests[0]!.headers['x-emby-token'], emby.token)
  assert.equal(n.status()[0]!.name, 'Emby')
})

test('Jellyfin: a wrong token gets 401 once, is reported and not retried', async (t) => {
  const jf = await startFakeJellyfin(t)
  const n = notifier(t, [{ type: 'jellyfin', url: jf.url, token: 'wrong', libraryPath: MOUNT }])
  n.changed(seasonFolder(DARK, 1))
  await idle(n, 'the error')
  assert.equal(jf.requests.length, 1)
  assert.match(n.status()[0]!.lastError!.message, /^Jellyfin rejected the token \(HTTP 401\)/)
})

test('Jellyfin: gives up after maxRetries and keeps the error; the next change tries again', async (t) => {
  const jf = await startFakeJellyfin(t)
  jf.failNext(3, { status: 503 })
  const n = notifier(t, [{ type: 'jellyfin', url: jf.url, token: jf.token, libraryPath: MOUNT }], { maxRetries: 2 })
  n.changed(seasonFolder(DARK, 1))
  await idle(n, 'the error')
  assert.equal(jf.requests.length, 3, 'the first attempt and 2 retries, no more')
  const failed = n.status()[0]!
  assert.match(failed.lastError!.message, /^Jellyfin answered HTTP 503 when reporting the changed folder \(refreshing \/mnt\/momoshtrem\/TV Shows\/Dark \(2017\)\/Season 01\)$/)
  assert.equal(failed.lastOk, null)
  n.changed(seasonFolder(DARK, 1))
  await waitFor(() => n.status()[0]!.lastOk, 5000, 'the next refresh')
  assert.equal(jf.accepted(), 1)
  assert.deepEqual(n.status()[0]!.lastError, failed.lastError, 'the last error stays, with its time, beside lastOk')
})

test('Plex and Jellyfin together: one refresh per season folder each, whatever the burst', async (t) => {
  const plex = await startFakePlex(t, { sections: SECTIONS })
  const jf = await startFakeJellyfin(t)
  const n = notifier(t, [
    { type: 'plex', url: plex.url, token: plex.token, libraryPath: MOUNT },
    { type: 'jellyfin', url: jf.url, token: jf.token, libraryPath: '/media/momo' }
  ])
  packBurst(n, [1, 2], 8)
  packBurst(n, [2], 8)
  await idle(n, 'the refreshes')
  assert.deepEqual(plex.refreshes().map((r) => r.path).sort(), [`${MOUNT}/TV Shows/Dark (2017)/Season 01`, `${MOUNT}/TV Shows/Dark (2017)/Season 02`])
  assert.deepEqual(jf.updates().map((u) => u.Path).sort(), ['/media/momo/TV Shows/Dark (2017)/Season 01', '/media/momo/TV Shows/Dark (2017)/Season 02'])
})

// Run in a child process: a request stalled, a retry waiting and a debounce pending when close()
// is called; the child does not call process.exit, so it ends only if nothing is left running.
const CHILD = `
import { MediaServerNotifier } from ${JSON.stringify(new URL('../../src/media-servers/notifier.ts', import.meta.url).href)}
import { systemClock } from ${JSON.stringify(new URL('../../src/streaming/clock.ts', import.meta.url).href)}
import { pino } from 'pino'
const [jfUrl, plexUrl] = process.argv.slice(1)
let calls = 0
let retryWaiting = false
const clock = { ...systemClock, setTimeout: (fn, ms) => { if (ms === 60000) retryWaiting = true; return systemClock.setTimeout(fn, ms) } }
const n = new MediaServerNotifier([
  { type: 'jellyfin', url: jfUrl, token: 'jellyfin-api-key', libraryPath: '/m' },
  { type: 'plex', url: plexUrl, token: 'plex-token', libraryPath: '/mnt/momoshtrem' }
], { logger: pino({ level: 'silent' }), clock, fetch: async (i, init) => { calls++; return await fetch(i, init) } },
{ debounceMs: 100, backoffMs: 60000, timeoutMs: 50000, maxRetries: 5 })
n.changed('/TV Shows/Dark (2017)/Season 01')
while (!(calls >= 3 && retryWaiting)) await new Promise((resolve) => setTimeout(resolve, 10))
n.changed('/TV Shows/Dark (2017)/Season 02')
const before = n.status().map((s) => s.pending)
await n.close()
console.log(JSON.stringify({ step: 'closed', before, after: n.status().map((s) => s.pending), resources: process.getActiveResourcesInfo() }))
`

test('close() with a request stalled, a retry waiting and a debounce pending: the process ends on its own', async (t) => {
  const jf = await startFakeJellyfin(t)
  jf.stallNext(5)
  const plex = await startFakePlex(t, { sections: SECTIONS })
  plex.failNext(10, { status: 500, path: /refresh$/ })
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHILD, jf.url, plex.url], {
    cwd: fileURLToPath(new URL('../../', import.meta.url)),
    stdio: ['ignore', 'pipe', 'pipe']
  })
  t.after(() => { if (child.exitCode === null) child.kill('SIGKILL') })
  let out = ''
  let err = ''
  let closedAt = 0
  child.stdout.on('data', (d: Buffer) => { out += d.toString(); if (closedAt === 0 && out.includes('"closed"')) closedAt = performance.now() })
  child.stderr.on('data', (d: Buffer) => { err += d.toString() })
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  const code = await withTimeout(exited, 15_000, 'the child to exit').catch(() => 'timeout' as const)
  assert.notEqual(code, 'timeout', `the child did not exit within 15 s; stdout: ${out} stderr: ${err.slice(-2000)}`)
  assert.equal(code, 0, `exit code; stderr: ${err.slice(-2000)}`)
  const closed = JSON.parse(out.trim().split('\n').pop()!) as { before: number[], after: number[], resources: string[] }
  assert.deepEqual(closed.before, [2, 2], 'each server: one folder in flight or waiting to retry, one in its debounce')
  assert.deepEqual(closed.after, [0, 0])
  assert.ok(!closed.resources.includes('Timeout'), `no timer left after close(): ${closed.resources.join(', ')}`)
  assert.ok(performance.now() - closedAt < 5000, 'exited soon after close()')
  t.diagnostic(`exited ${Math.round(performance.now() - closedAt)} ms after close(); resources right after it: ${closed.resources.join(', ')}`)
  assert.equal(jf.requests.length, 1, 'the stalled request, nothing after')
  assert.equal(plex.requests.filter((r) => r.path.endsWith('/refresh')).length, 1, 'the failed refresh, no retry after close()')
})
