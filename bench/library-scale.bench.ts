// Library scale: a generated library (10,000 movies, 1,000 shows x 2 seasons x 15 episodes,
// 70 % assigned with fake torrents: nothing streams, PROPFIND only reads rows) written straight
// into a SQLite file, the real app started on it in a process of its own (bundled, plain node:
// its RSS is the app's alone), and real HTTP PROPFINDs timed: cold and warm, then the FIRST
// PROPFIND after each kind of change (the one that pays for the tree update), three times each.
// Wall times on a shared machine are noisy, so the app's own CPU time per warm listing is
// printed too (from /proc). Then idle RSS, a full `rclone lsjson -R` walk when rclone is
// installed, and a 100,000-movie library (a spread of a library-sized array into a call throws).
// `npm run bench -- library-scale`; LIBRARY_SCALE_MOVIES / _SHOWS change the size,
// LIBRARY_SCALE_HUGE=0 skips the 100,000-movie run, LIBRARY_SCALE_RCLONE=0 the rclone walk
// (over two minutes, most of it rclone's own pacing).
import { execFile, fork } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { openDatabase } from '../src/db/open.ts'
import { AssignmentRepository } from '../src/assignments/repository.ts'
import { fmtMiB, fmtMs, median, renderTable, type Cell } from './lib/table.ts'
import { EPISODES, SEASONS, ASSIGNED, generateLibrary, hash } from './lib/library-gen.ts'
import { bundleApp, startAppProcess, type AppProcess } from './lib/app-process.ts'

const MOVIES = Number(process.env.LIBRARY_SCALE_MOVIES ?? 10_000)
const SHOWS = Number(process.env.LIBRARY_SCALE_SHOWS ?? 1_000)
/** rclone's WebDAV backend paces its calls at least this far apart (backend/webdav minSleep) */
const RCLONE_PACER_MS = 10

/** ms of one PROPFIND Depth 1 (body read to the end); throws unless 207. */
async function propfind (url: string, path: string): Promise<number> {
  const t0 = performance.now()
  const res = await fetch(url + path, { method: 'PROPFIND', headers: { depth: '1' }, signal: AbortSignal.timeout(120_000) })
  await res.arrayBuffer()
  if (res.status !== 207) throw new Error(`PROPFIND ${path}: ${res.status}`)
  return performance.now() - t0
}

/**
 * ms of one PROPFIND Depth 1 by curl (libcurl, Kodi's HTTP client: a native client's parse and
 * memory, not Node fetch's), as curl times it (time_total: connect to last byte, body
 * discarded); throws unless 207. null when curl is not installed.
 */
async function curlPropfind (url: string, path: string): Promise<number | null> {
  try {
    const { stdout } = await promisify(execFile)('curl', ['-s', '-o', '/dev/null', '-X', 'PROPFIND', '-H', 'Depth: 1', '-w', '%{http_code} %{time_total}', url + path], { timeout: 120_000 })
    const [code, seconds] = stdout.trim().split(' ')
    if (code !== '207') throw new Error(`PROPFIND ${path} by curl: ${code}`)
    return Number(seconds) * 1000
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

async function warm (url: string, path: string, runs = 5): Promise<number> {
  const xs: number[] = []
  for (let i = 0; i < runs; i++) xs.push(await propfind(url, path))
  return median(xs)
}

async function api (url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url + path, { method, signal: AbortSignal.timeout(60_000), ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return text === '' ? null : JSON.parse(text)
}

const moviePath = (i: number): string => `/dav/Movies/${encodeURIComponent(`Movie ${i} - The Sequel (${1950 + (i % 70)})`)}/`
const seasonPath = (s: number, se: number): string => `/dav/TV%20Shows/${encodeURIComponent(`Show ${s} (${1990 + (s % 30)})`)}/Season%20${String(se).padStart(2, '0')}/`

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/** The app's CPU ms per warm PROPFIND of `path` (median over `runs` requests). */
async function cpuPer (app: AppProcess, path: string, runs = 9): Promise<number> {
  const xs: number[] = []
  for (let i = 0; i < runs; i++) xs.push((await timed(app, path)).cpu)
  return median(xs)
}

/** One PROPFIND: its wall time and the app's CPU time while answering it (ms). */
async function timed (app: AppProcess, path: string): Promise<{ wall: number, cpu: number }> {
  const c0 = await app.cpu()
  const wall = await propfind(app.url, path)
  return { wall, cpu: await app.cpu() - c0 }
}

/**
 * Warm PROPFINDs of `path` from the app and from a bare server answering the same bytes
 * (bench/lib/app-floor.ts), interleaved, `runs` each: both medians, and the bench process's
 * own CPU per request to the app (the client's share of the wall time); then the same by curl.
 */
async function againstFloor (url: string, path: string, runs: number): Promise<{ app: number, floor: number, clientCpu: number, curl: number | null, curlFloor: number | null }> {
  const child = fork(fileURLToPath(new URL('./lib/app-floor.ts', import.meta.url)), [url + path], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
  try {
    const floorUrl = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => { reject(new Error('floor server not listening after 60 s')) }, 60_000)
      child.once('message', (m: { url: string }) => { clearTimeout(timer); resolve(m.url) })
      child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`floor server exited (${code})`)) })
    })
    const app: number[] = []
    const floor: number[] = []
    let cpu = 0
    for (let i = 0; i < runs; i++) {
      const c0 = process.cpuUsage()
      app.push(await propfind(url, path))
      const c = process.cpuUsage(c0)
      cpu += (c.user + c.system) / 1000
      floor.push(await propfind(floorUrl, '/'))
    }
    const curl: number[] = []
    const curlFloor: number[] = []
    for (let i = 0; i < runs; i++) {
      const c = await curlPropfind(url, path)
      if (c === null) break
      curl.push(c)
      curlFloor.push((await curlPropfind(floorUrl, '/'))!)
    }
    return { app: median(app), floor: median(floor), clientCpu: cpu / runs, curl: curl.length === 0 ? null : median(curl), curlFloor: curlFloor.length === 0 ? null : median(curlFloor) }
  } finally {
    child.kill()
  }
}

/**
 * Idle RSS after `ms` without requests, with the V8 heap's share (used includes garbage not yet
 * collected). 10 s: the app collects 2 s and 8 s after it last built the tree (src/idle-collect.ts).
 */
async function idleRss (app: AppProcess, ms = 10_000): Promise<string> {
  await app.stallReset()
  await sleep(ms)
  const { memory, spaces, stallMs } = await app.memory()
  // V8's spaces that hold more than 1 MiB (committed/used), where most of the heap sits
  const big = spaces.filter(([, size]) => size > 1 << 20).map(([name, size, used]) => `${name.replace(/_space$/, '')} ${fmtMiB(size)}/${fmtMiB(used)}`)
  return `${fmtMiB(app.rss())} (V8 heap ${fmtMiB(memory.heapTotal)}, used ${fmtMiB(memory.heapUsed)}: ${big.join(', ')}; outside it ${fmtMiB(memory.external)}, of which ArrayBuffers ${fmtMiB(memory.arrayBuffers)}); longest event-loop stall in those ${ms / 1000} s (the idle collections) ${fmtMs(stallMs)}`
}

const RUNS = 3
const fmtCpu = (ms: number): string => `${ms.toFixed(1)} ms CPU`
const fmtRuns = (xs: Array<{ wall: number, cpu: number }>): string =>
  `${fmtMs(median(xs.map((x) => x.wall)))} (${xs.map((x) => Math.round(x.wall)).join(', ')}) / ${fmtCpu(median(xs.map((x) => x.cpu)))}`

async function scale (bundle: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'momoshtrem-scale-'))
  try {
    const t0 = performance.now()
    generateLibrary(join(dir, 'db.sqlite'), MOVIES, SHOWS)
    const genMs = performance.now() - t0
    const app = await startAppProcess(bundle, dir)
    const url = app.url
    // a second connection writes assignments with the repository the assignment service uses
    // (assigning through the API needs the torrent's metadata; these torrents are fake)
    const side = openDatabase(join(dir, 'db.sqlite'))
    const assignments = new AssignmentRepository(side)
    const rows: Cell[][] = []
    try {
      rows.push(['-- process'])
      rows.push(['app RSS after start (library not read yet)', fmtMiB(app.rss())])
      rows.push(['-- reads (no change)'])
      rows.push(['PROPFIND /dav/Movies/ (cold: first request, builds the tree)', fmtMs(await propfind(url, '/dav/Movies/'))])
      rows.push(['PROPFIND /dav/Movies/ (warm, median of 9)', fmtMs(await warm(url, '/dav/Movies/', 9))])
      rows.push(['  app CPU per warm PROPFIND /dav/Movies/ (median of 9)', fmtCpu(await cpuPer(app, '/dav/Movies/'))])
      const vs = await againstFloor(url, '/dav/Movies/', 9)
      rows.push(['PROPFIND /dav/Movies/ (warm, median of 9, interleaved with the next)', fmtMs(vs.app)])
      rows.push(['  the same bytes from a bare node:http process (the floor: sending and receiving them)', fmtMs(vs.floor)])
      rows.push(['  the bench client\'s own CPU per PROPFIND /dav/Movies/ (fetch, body read)', fmtCpu(vs.clientCpu)])
      if (vs.curl !== null) rows.push(['PROPFIND /dav/Movies/ by curl, warm (median of 9) / the floor by curl', `${fmtMs(vs.curl)} / ${fmtMs(vs.curlFloor!)}`])
      rows.push(['PROPFIND one movie folder (warm, median of 9)', fmtMs(await warm(url, moviePath(1), 9))])
      rows.push(['  app CPU per warm PROPFIND of it (median of 9)', fmtCpu(await cpuPer(app, moviePath(1)))])
      rows.push(['PROPFIND one season folder (warm, median of 9)', fmtMs(await warm(url, seasonPath(1, 1), 9))])
      rows.push(['  app CPU per warm PROPFIND of it (median of 9)', fmtCpu(await cpuPer(app, seasonPath(1, 1)))])

      // each change is made 3 x RUNS times: the first PROPFIND after it goes to the changed
      // folder RUNS times, to /dav/Movies/ RUNS times, and to /dav/Movies/ by curl RUNS times
      // (median, then every run in brackets)
      const changes: Array<[string, (k: number) => string, (k: number) => Promise<unknown>]> = [
        ['add a movie (POST /api/movies)', () => '/dav/Movies/', async (k) => await api(url, 'POST', '/api/movies', { title: `Added ${k}`, year: 2024 })],
        ['assign a movie (repository)', (k) => moviePath(2 + k * 10), async (k) => {
          assignments.create('movie', 2 + k * 10, { infoHash: hash(`new movie ${k}`), magnetUri: `magnet:?xt=urn:btih:${hash(`new movie ${k}`)}`, filePath: 'New/new.mkv', fileIndex: 0, fileSize: 12345 })
        }],
        ['unassign a movie (DELETE /api/movies/:id/assign)', (k) => moviePath(3 + k * 10), async (k) => await api(url, 'DELETE', `/api/movies/${3 + k * 10}/assign`)],
        ['assign an episode (repository)', (k) => seasonPath(5 + k, 1), async (k) => {
          const episodeId = (5 + k - 1) * SEASONS * EPISODES + 9
          assignments.create('episode', episodeId, { infoHash: hash(`new ep ${k}`), magnetUri: `magnet:?xt=urn:btih:${hash(`new ep ${k}`)}`, filePath: 'New/S01E09.mkv', fileIndex: 0, fileSize: 54321 })
        }],
        ['unassign an episode (DELETE /api/episodes/:id/assign)', (k) => seasonPath(7 + k, 1), async (k) => await api(url, 'DELETE', `/api/episodes/${(7 + k - 1) * SEASONS * EPISODES + 1}/assign`)],
        ['delete a movie (DELETE /api/movies/:id)', () => '/dav/Movies/', async (k) => await api(url, 'DELETE', `/api/movies/${4 + k * 10}`)]
      ]
      rows.push([`-- first PROPFIND after a change: wall (median of ${RUNS}, each run) / app CPU while answering it (median)`])
      for (const [name, folder, change] of changes) {
        const own: Array<{ wall: number, cpu: number }> = []
        const movies: Array<{ wall: number, cpu: number }> = []
        const byCurl: number[] = []
        for (let r = 0; r < RUNS; r++) {
          await change(3 * r)
          own.push(await timed(app, folder(3 * r)))
          await change(3 * r + 1)
          movies.push(await timed(app, '/dav/Movies/'))
          await change(3 * r + 2)
          const c = await curlPropfind(url, '/dav/Movies/')
          if (c !== null) byCurl.push(c)
        }
        rows.push([`${name}: changed folder${folder(0) === '/dav/Movies/' ? ' (Movies)' : ''}`, fmtRuns(own)])
        rows.push([`${name}: /dav/Movies/`, fmtRuns(movies)])
        if (byCurl.length > 0) rows.push([`${name}: /dav/Movies/ by curl`, `${fmtMs(median(byCurl))} (${byCurl.map((x) => Math.round(x)).join(', ')})`])
      }
      rows.push(['-- process'])
      rows.push(['app RSS, 10 s idle after the reads and changes', await idleRss(app)])
      rows.push(['  the same with node --max-semi-space-size=1 (cold /dav/Movies/, 10 s idle)', await smallYoungGeneration(bundle, dir)])
      rows.push(['generate the SQLite file', fmtMs(genMs)])
      const c0 = app.cpuMs()
      const rclone = process.env.LIBRARY_SCALE_RCLONE === '0' ? 'skipped' : await rcloneWalk(url)
      if (rclone === 'skipped') rows.push(['rclone lsjson -R /dav (full walk)', 'skipped (LIBRARY_SCALE_RCLONE=0)'])
      else if (rclone === null) rows.push(['rclone lsjson -R /dav (full walk)', 'rclone not installed'])
      else {
        rows.push(['rclone lsjson -R /dav (full walk)', `${fmtMs(rclone.ms)} (${rclone.entries} entries, ${rclone.folders + 1} PROPFINDs)`])
        rows.push([`  rclone's own pacer floor (${RCLONE_PACER_MS} ms per call)`, fmtMs((rclone.folders + 1) * RCLONE_PACER_MS)])
        rows.push(['  app CPU during the walk', `${fmtMs(app.cpuMs() - c0)} (${((app.cpuMs() - c0) / (rclone.folders + 1)).toFixed(2)} ms per PROPFIND)`])
        rows.push(['app RSS, 10 s idle after the walk', await idleRss(app)])
      }
    } finally {
      side.close()
      await app.close()
    }
    console.log(`library: ${MOVIES} movies, ${SHOWS} shows x ${SEASONS} seasons x ${EPISODES} episodes, ${ASSIGNED * 100} % assigned, vfs.show_empty on`)
    console.log(renderTable(['measure', 'time'], rows))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The walk rclone mounts do (one Depth 1 PROPFIND per folder, 8 at a time). */
async function rcloneWalk (url: string): Promise<{ ms: number, entries: number, folders: number } | null> {
  const t0 = performance.now()
  try {
    const { stdout } = await promisify(execFile)('rclone', ['lsjson', '-R', ':webdav:', '--webdav-url', `${url}/dav`, '--config', '/dev/null',
      '--low-level-retries', '1', '--retries', '1', '--checkers', '8'], { timeout: 600_000, maxBuffer: 1 << 30 })
    const entries = JSON.parse(stdout) as Array<{ IsDir: boolean }>
    return { ms: performance.now() - t0, entries: entries.length, folders: entries.filter((e) => e.IsDir).length }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

/**
 * A second app on the same library with a 1 MiB young generation (V8 grows it to 16 MiB per
 * semi-space while the tree is built, and an idle server never shrinks it back).
 */
async function smallYoungGeneration (bundle: string, dir: string): Promise<string> {
  const app = await startAppProcess(bundle, dir, 120_000, ['--max-semi-space-size=1'])
  try {
    await propfind(app.url, '/dav/Movies/')
    const warmMs = await warm(app.url, '/dav/Movies/', 5)
    return `${await idleRss(app)}, warm /dav/Movies/ ${fmtMs(warmMs)}`
  } finally {
    await app.close()
  }
}

/** An empty library: what the app costs before any of the library is in memory. */
async function empty (bundle: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'momoshtrem-scale-'))
  try {
    const app = await startAppProcess(bundle, dir)
    try {
      await propfind(app.url, '/dav/Movies/')
      console.log(`empty library: app RSS ${await idleRss(app)} after 10 s idle`)
    } finally {
      await app.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** 100,000 movies: the listing must simply answer (no RangeError from a spread of 200,000 dates). */
async function huge (bundle: string): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'momoshtrem-scale-'))
  try {
    generateLibrary(join(dir, 'db.sqlite'), 100_000, 10)
    const app = await startAppProcess(bundle, dir)
    try {
      const cold = await propfind(app.url, '/dav/Movies/')
      const warmMs = await warm(app.url, '/dav/Movies/', 5)
      await api(app.url, 'POST', '/api/movies', { title: 'One more', year: 2024 })
      const after = await propfind(app.url, '/dav/Movies/')
      console.log(`100,000 movies: PROPFIND /dav/Movies/ answered 207 (cold ${fmtMs(cold)}, warm ${fmtMs(warmMs)}, first after an add ${fmtMs(after)}); app RSS ${await idleRss(app)} after 10 s idle`)
    } finally {
      await app.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function run (): Promise<void> {
  const bundle = await bundleApp(`library-scale-${process.pid}`)
  try {
    await empty(bundle)
    await scale(bundle)
    if (process.env.LIBRARY_SCALE_HUGE !== '0') await huge(bundle)
  } finally {
    rmSync(bundle, { force: true })
  }
}
