// Library scale: a generated library (10,000 movies, 1,000 shows x 2 seasons x 15 episodes,
// 70 % assigned with fake torrents: nothing streams, PROPFIND only reads rows) written straight
// into a SQLite file, the real app started on it, and real HTTP PROPFINDs timed: cold and warm,
// then the FIRST PROPFIND after each kind of change (the one that pays for the tree update).
// Then idle RSS, a full `rclone lsjson -R` walk when rclone is installed, and a 100,000-movie
// library that must only answer (a spread of a library-sized array into a call throws there).
// `npm run bench -- library-scale`; LIBRARY_SCALE_MOVIES / _SHOWS change the size.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { createHash } from 'node:crypto'
import { openDatabase, type Db } from '../src/db/open.ts'
import { migrate } from '../src/db/migrate.ts'
import { loadConfig } from '../src/config/load.ts'
import { createApp, type App } from '../src/app.ts'
import { AssignmentRepository } from '../src/assignments/repository.ts'
import { fmtMiB, fmtMs, median, renderTable, type Cell } from './lib/table.ts'

const MOVIES = Number(process.env.LIBRARY_SCALE_MOVIES ?? 10_000)
const SHOWS = Number(process.env.LIBRARY_SCALE_SHOWS ?? 1_000)
const SEASONS = 2
const EPISODES = 15
const ASSIGNED = 0.7

const hash = (s: string): string => createHash('sha1').update(s).digest('hex')

function fakeAssignment (db: Db, itemType: 'movie' | 'episode', itemId: number, path: string, stamp: string): void {
  const h = hash(`${itemType}:${itemId}:${stamp}`)
  db.prepare(`INSERT INTO torrent_assignments (item_type, item_id, info_hash, magnet_uri, file_path, file_index, file_size, is_active, created_at)
    VALUES (?, ?, ?, ?, ?, 0, ?, 1, ?)`).run(itemType, itemId, h, `magnet:?xt=urn:btih:${h}`, path, 1_000_000_000 + itemId, stamp)
}

/** Writes the library with one transaction; titles repeat now and then (name collisions). */
function generate (path: string, movies: number, shows: number): void {
  const db = openDatabase(path)
  migrate(db)
  const stamp = (i: number): string => new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString()
  const insMovie = db.prepare('INSERT INTO movies (title, year, created_at) VALUES (?, ?, ?)')
  const insShow = db.prepare('INSERT INTO shows (title, year, created_at) VALUES (?, ?, ?)')
  const insSeason = db.prepare('INSERT INTO seasons (show_id, season_number, created_at) VALUES (?, ?, ?)')
  const insEpisode = db.prepare('INSERT INTO episodes (season_id, episode_number, name, created_at) VALUES (?, ?, ?, ?)')
  let n = 0
  db.transaction(() => {
    for (let i = 1; i <= movies; i++) {
      const id = Number(insMovie.run(`Movie ${i % 997 === 0 ? 'Again' : i}: The Sequel`, 1950 + (i % 70), stamp(n++)).lastInsertRowid)
      if (i % 10 < ASSIGNED * 10) fakeAssignment(db, 'movie', id, `Movie.${i}.1080p/Movie.${i}.mkv`, stamp(n++))
    }
    for (let s = 1; s <= shows; s++) {
      const showId = Number(insShow.run(`Show ${s}`, 1990 + (s % 30), stamp(n++)).lastInsertRowid)
      for (let se = 1; se <= SEASONS; se++) {
        const seasonId = Number(insSeason.run(showId, se, stamp(n++)).lastInsertRowid)
        for (let e = 1; e <= EPISODES; e++) {
          const epId = Number(insEpisode.run(seasonId, e, `Episode ${e}`, stamp(n++)).lastInsertRowid)
          if (e % 10 < ASSIGNED * 10) fakeAssignment(db, 'episode', epId, `Show.${s}.S${se}/E${e}.mkv`, stamp(n++))
        }
      }
    }
  })()
  db.close()
}

async function start (dir: string): Promise<{ app: App, url: string }> {
  const config = loadConfig({
    env: {},
    overrides: {
      server: { host: '127.0.0.1', port: 0 },
      database: { path: join(dir, 'db.sqlite') },
      torrent: { metadata_folder: join(dir, 'torrents'), cache_folder: join(dir, 'cache'), dht: false, lsd: false, pex: false, listen_port: 0 },
      subtitles: { folder: join(dir, 'subtitles') },
      logging: { level: 'silent' }
    }
  })
  const app = await createApp(config)
  return { app, url: await app.listen() }
}

/** ms of one PROPFIND Depth 1 (body read to the end); throws unless 207. */
async function propfind (url: string, path: string): Promise<number> {
  const t0 = performance.now()
  const res = await fetch(url + path, { method: 'PROPFIND', headers: { depth: '1' } })
  await res.arrayBuffer()
  if (res.status !== 207) throw new Error(`PROPFIND ${path}: ${res.status}`)
  return performance.now() - t0
}

async function warm (url: string, path: string, runs = 5): Promise<number> {
  const xs: number[] = []
  for (let i = 0; i < runs; i++) xs.push(await propfind(url, path))
  return median(xs)
}

async function api (url: string, method: string, path: string, body?: unknown): Promise<unknown> {
  const res = await fetch(url + path, { method, ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }) })
  const text = await res.text()
  if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return text === '' ? null : JSON.parse(text)
}

const moviePath = (i: number): string => `/dav/Movies/${encodeURIComponent(`Movie ${i} - The Sequel (${1950 + (i % 70)})`)}/`
const seasonPath = (s: number, se: number): string => `/dav/TV%20Shows/${encodeURIComponent(`Show ${s} (${1990 + (s % 30)})`)}/Season%20${String(se).padStart(2, '0')}/`

async function scale (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'momoshtrem-scale-'))
  try {
    const t0 = performance.now()
    generate(join(dir, 'db.sqlite'), MOVIES, SHOWS)
    const genMs = performance.now() - t0
    const { app, url } = await start(dir)
    // a second connection writes assignments with the repository the assignment service uses
    // (assigning through the API needs the torrent's metadata; these torrents are fake)
    const side = openDatabase(join(dir, 'db.sqlite'))
    const assignments = new AssignmentRepository(side)
    const rows: Cell[][] = []
    try {
      rows.push(['-- reads (no change)'])
      rows.push(['PROPFIND /dav/Movies/ (cold: first request)', fmtMs(await propfind(url, '/dav/Movies/'))])
      rows.push(['PROPFIND /dav/Movies/ (warm, median of 5)', fmtMs(await warm(url, '/dav/Movies/'))])
      rows.push(['PROPFIND one movie folder (warm)', fmtMs(await warm(url, moviePath(1)))])
      rows.push(['PROPFIND one season folder (warm)', fmtMs(await warm(url, seasonPath(1, 1)))])

      // each change is made twice: the first PROPFIND after it goes once to the changed folder, once to /dav/Movies/
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
      rows.push(['-- first PROPFIND after a change'])
      for (const [name, folder, change] of changes) {
        await change(0)
        const own = await propfind(url, folder(0))
        await change(1)
        const movies = await propfind(url, '/dav/Movies/')
        rows.push([`${name}: changed folder${folder(0) === '/dav/Movies/' ? ' (Movies)' : ''}`, fmtMs(own)])
        rows.push([`${name}: /dav/Movies/`, fmtMs(movies)])
      }
      rows.push(['-- process'])
      await new Promise((resolve) => setTimeout(resolve, 2000))
      rows.push(['RSS after 2 s idle (bench and app in one process)', fmtMiB(process.memoryUsage().rss)])
      rows.push(['generate the SQLite file', fmtMs(genMs)])
      const rclone = await rcloneWalk(url)
      rows.push(['rclone lsjson -R /dav (full walk)', rclone === null ? 'rclone not installed' : `${fmtMs(rclone.ms)} (${rclone.entries} entries)`])
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

async function rcloneWalk (url: string): Promise<{ ms: number, entries: number } | null> {
  const t0 = performance.now()
  try {
    const { stdout } = await promisify(execFile)('rclone', ['lsjson', '-R', ':webdav:', '--webdav-url', `${url}/dav`, '--config', '/dev/null',
      '--low-level-retries', '1', '--retries', '1', '--checkers', '8'], { timeout: 600_000, maxBuffer: 1 << 30 })
    return { ms: performance.now() - t0, entries: (JSON.parse(stdout) as unknown[]).length }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw err
  }
}

/** 100,000 movies: the listing must simply answer (no RangeError from a spread of 200,000 dates). */
async function huge (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'momoshtrem-scale-'))
  try {
    generate(join(dir, 'db.sqlite'), 100_000, 10)
    const { app, url } = await start(dir)
    try {
      const ms = await propfind(url, '/dav/Movies/')
      await api(url, 'POST', '/api/movies', { title: 'One more', year: 2024 })
      const after = await propfind(url, '/dav/Movies/')
      console.log(`100,000 movies: PROPFIND /dav/Movies/ answered 207 (cold ${fmtMs(ms)}, after an add ${fmtMs(after)})`)
    } finally {
      await app.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function run (): Promise<void> {
  await scale()
  if (process.env.LIBRARY_SCALE_HUGE !== '0') await huge()
}
