// FileStreams (the streaming layer) against a fake torrent: what it asks the engine for on
// first open, reopen within the grace, seek, unassign, restart, and next-episode warm-up.
import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { FileStreams } from '../../src/streaming/file-streams.ts'
import type { RandomAccessReader } from '../../src/vfs/types.ts'
import { streamingSettings } from '../../src/streaming/prioritiser.ts'
import { AppMetrics } from '../../src/metrics/app-metrics.ts'
import { defaults } from '../../src/config/schema.ts'
import { createLogger } from '../../src/logger.ts'
import type { FileReader, PiecePriority, PrefetchHandle, Torrent, TorrentInfo, TorrentService, TorrentStats } from '../../src/torrent/types.ts'
import type { LibraryTreeSource, TreeAssignment, TreeMovie, TreeShow } from '../../src/library/tree-model.ts'
import { buildMp4, materialise } from '../helpers/media.ts'
import { tempDir } from '../helpers/app.ts'
import { waitFor, withTimeout } from '../helpers/wait.ts'
import { fakeClock } from '../helpers/clock.ts'

const HASH = 'b'.repeat(40)
const KiB = 1024

interface FakeReader extends FileReader { windows: number[], limits: number[], closed: boolean, priorities: string[] }
interface FakePrefetch extends PrefetchHandle { fileIndex: number, offset: number, length: number, priority: PiecePriority, wake: boolean, released: boolean }

function fakeTorrent (files: Buffer[]) {
  let offset = 0
  const info: TorrentInfo = {
    infoHash: HASH, name: 'pack', length: 0, pieceLength: 16 * KiB, pieceCount: 0,
    files: files.map((b, index) => { const f = { index, path: `pack/f${index}.mp4`, length: b.length, offset }; offset += b.length; return f })
  }
  info.length = offset
  info.pieceCount = Math.ceil(offset / info.pieceLength)
  const readers: FakeReader[] = []
  const prefetches: FakePrefetch[] = []
  const probeReads: Array<{ fileIndex: number, offset: number, length: number, priority: string }> = []
  const slice = (i: number, o: number, l: number): Buffer => files[i]!.subarray(o, Math.min(files[i]!.length, o + l))
  const torrent: Torrent = {
    info,
    openReader (fileIndex, opts = {}) {
      const r: FakeReader = {
        file: info.files[fileIndex]!, windows: [opts.readaheadBytes ?? -1], limits: [], closed: false, priorities: [],
        setReadahead (b) { r.windows.push(b) },
        limit (end) { r.limits.push(end) },
        read: async (o, l, ro) => { r.priorities.push(ro?.priority ?? 'urgent'); return slice(fileIndex, o, l) },
        close () { r.closed = true }
      }
      readers.push(r)
      return r
    },
    read: async (fileIndex, o, l, ro) => { probeReads.push({ fileIndex, offset: o, length: l, priority: ro?.priority ?? 'urgent' }); return slice(fileIndex, o, l) },
    stats: () => ({ infoHash: HASH, state: 'active', peers: 1 }) as TorrentStats,
    prefetch (fileIndex, o, l, priority = 'background', popts = {}) {
      const h: FakePrefetch = { fileIndex, offset: o, length: l, priority, wake: popts.wake !== false, released: false, release () { h.released = true } }
      prefetches.push(h)
      return h
    },
    pieceMap: () => '0'.repeat(info.pieceCount),
    peers: () => []
  }
  return { torrent, readers, prefetches, probeReads }
}

function assignment (id: number, fileIndex: number, size: number): TreeAssignment {
  return { id, infoHash: HASH, magnetUri: `magnet:?xt=urn:btih:${HASH}`, filePath: `pack/f${fileIndex}.mp4`, fileIndex, fileSize: size, createdAt: new Date(0) }
}

function setup (t: TestContext, files: Buffer[], opts: { graceMs?: number, shows?: TreeShow[], layoutPath?: string, warmOnAssign?: boolean } = {}) {
  const fake = fakeTorrent(files)
  const clock = fakeClock()
  /** the piece cache's limit; a quarter of it is the pin budget, read on every pin */
  const cache = { limit: 1024 * 1024 * 1024 }
  const service = {
    getTorrent: () => fake.torrent,
    getOrAddTorrent: async () => fake.torrent,
    cacheUsage: () => ({ used: 0, limit: cache.limit }),
    listTorrents: () => [fake.torrent.stats()]
  } as unknown as TorrentService
  const lib = {
    version: 1,
    movies: [] as TreeMovie[],
    shows: opts.shows ?? [],
    /** the library's movies are now these assignments' (a new version, as after a write) */
    assign (...as: TreeAssignment[]): void {
      lib.movies = as.map((a) => ({ id: a.id, title: `M${a.id}`, year: null, createdAt: new Date(0), assignment: a }))
      lib.version++
    }
  }
  const library: LibraryTreeSource = { movies: () => lib.movies, shows: () => lib.shows, version: () => lib.version }
  const metrics = new AppMetrics(service)
  const streams = new FileStreams({
    torrents: service, library, metrics,
    settings: { ...streamingSettings(defaults.streaming), urgentBytes: 64 * KiB, readaheadBytes: 1024 * KiB },
    graceMs: opts.graceMs ?? 60_000, nextEpisodeAt: 0.9, readTimeoutMs: 5000,
    logger: createLogger('silent'), warmOnAssign: opts.warmOnAssign ?? false, clock,
    ...(opts.layoutPath === undefined ? {} : { layoutPath: opts.layoutPath })
  })
  t.after(async () => { await streams.close() })
  return { ...fake, streams, metrics, lib, clock, cache }
}

const mp4 = buildMp4({ mdatBytes: 600 * KiB, moovBytes: 40 * KiB })
const movie = materialise(mp4)

/**
 * A handle that has joined its file: a handle attaches at its first read, so this one reads
 * one byte at `offset` (what a player's first request does before anything else).
 */
async function openAt (streams: FileStreams, a: TreeAssignment, offset: number): Promise<RandomAccessReader> {
  const h = streams.open(a)
  await h.read(offset, 1)
  return h
}

test('first open probes the layout once, reads header and moov urgently, pins them and warms the media start', async (t) => {
  const s = setup(t, [movie])
  await s.streams.start()
  const a = assignment(1, 0, movie.length)
  s.lib.assign(a)
  const h1 = s.streams.open(a)
  await h1.read(0, 1024)
  assert.ok(s.readers[0]!.windows.at(-1)! > 0, 'read-ahead starts with the first read, alongside the index')
  const h2 = await openAt(s.streams, a, 300 * KiB) // Finder: a second handle at once
  await waitFor(() => s.streams.describe(s.torrent).files[0]?.indexReadyMs != null, 5000, 'index ranges read')
  const f = s.streams.describe(s.torrent).files[0]!
  assert.equal(f.counters?.layoutProbes, 1)
  assert.equal(f.layout?.format, 'mp4')
  assert.ok(s.probeReads.some((r) => r.offset === mp4.offsets.moov), 'the moov was read (urgent) right at first open')
  const pins = s.prefetches.filter((p) => p.priority === 'background' && !p.released)
  assert.ok(pins.some((p) => p.offset === mp4.offsets.moov && p.length === mp4.offsets.moovSize), 'the moov is pinned')
  assert.ok(f.pinnedBytes >= mp4.offsets.moovSize)
  assert.ok(s.prefetches.some((p) => p.priority === 'readahead' && p.offset === mp4.offsets.mdat + 8), 'media start warmed at read-ahead priority')
  assert.equal(s.readers.length, 2, 'concurrent handles get their own readers (own windows)')
  await h1.close(); await h2.close()

  // reopen within the grace: state kept, the parked reader comes back, no second probe
  const reads = s.probeReads.length
  const h3 = s.streams.open(a)
  await h3.read(1024, 1024)
  assert.equal(s.readers.length, 2, 'the reader of the handle that read up to 1024 was adopted')
  const again = s.streams.describe(s.torrent).files[0]!
  assert.equal(again.counters?.opens, 1)
  assert.equal(again.counters?.reopens, 2)
  assert.equal(again.counters?.layoutProbes, 1)
  assert.equal(s.probeReads.length, reads, 'no probe reads on reopen')
  await h3.close()

  // unassigned (the assignment service's event): the pin goes at once
  s.lib.assign()
  s.streams.unassigned(a)
  await waitFor(() => pins.every((p) => p.released), 5000, 'pins released after unassign')
  assert.equal(s.streams.pins.bytes, 0)
})

test('the media start prefetch stays while the player reads head and index, and goes when it reads media (at the start or a seek)', async (t) => {
  const s = setup(t, [movie])
  await s.streams.start()
  const a = assignment(1, 0, movie.length)
  s.lib.assign(a)
  const file = s.torrent.info.files[0]!
  const h = await openAt(s.streams, a, 0)
  await h.read(0, 1024)
  await waitFor(() => s.streams.describe(s.torrent).files[0]?.indexReadyMs != null, 5000, 'index ranges read')
  const boost = s.prefetches.find((p) => p.priority === 'readahead')!
  assert.equal(boost.offset, mp4.offsets.mdat + 8, 'media start warmed')
  for (const at of [mp4.offsets.moov + 100, 0, 20]) {
    await (await openAt(s.streams, a, at)).close()
    assert.equal(boost.released, false, `an opening read at ${at} keeps it`)
  }
  await (await openAt(s.streams, a, 500 * KiB)).close() // the player seeks
  assert.equal(boost.released, true, 'a seek releases it: its bytes would only delay the seek')
  // a fresh file state: this time the player reads the media start itself
  const s2 = setup(t, [movie])
  await s2.streams.start()
  const h2 = await openAt(s2.streams, a, 0)
  await h2.read(0, 1024)
  await waitFor(() => s2.streams.describe(s2.torrent).files[0]?.indexReadyMs != null, 5000, 'index ranges read')
  const boost2 = s2.prefetches.find((p) => p.priority === 'readahead')!
  await (await openAt(s2.streams, a, boost2.offset)).close()
  assert.equal(boost2.released, true, 'the player reads the media start: its own window takes over')
  await h2.close()
  assert.ok(s.prefetches.some((p) => p.priority === 'background' && p.offset === mp4.offsets.moov && !p.released), 'the pins stay')
  await h.close()
})

test('warm_on_assign: a file assigned while running is located and pinned before any read; one found at startup is not', async (t) => {
  const s = setup(t, [movie, movie], { warmOnAssign: true })
  const early = assignment(1, 0, movie.length)
  s.lib.assign(early)
  await s.streams.start()
  await withTimeout(s.streams.settled(), 5000, 'warm-ups started at startup ended')
  assert.equal(s.probeReads.length, 0, 'the library as found at startup is not warmed (start_paused keeps it asleep)')
  const late = assignment(2, 1, movie.length)
  s.lib.assign(early, late)
  s.streams.assigned(late) // the assignment service's event, right after storing
  const f = await waitFor(() => s.streams.describe(s.torrent).files.find((x) => x.fileIndex === 1 && x.pinnedBytes > 0), 5000, 'the new file pinned')
  assert.equal(f.layout?.format, 'mp4', 'its layout located')
  assert.equal(s.readers.length, 0, 'with no handle opened')
  assert.ok(s.probeReads.length > 0 && s.probeReads.every((r) => r.fileIndex === 1 && r.priority === 'deferred'), 'locating reads wait behind playback')
  const pins = s.prefetches.filter((p) => p.fileIndex === 1 && !p.released)
  assert.ok(pins.some((p) => p.offset === mp4.offsets.moov && p.wake), 'the moov pinned, waking the torrent')
  assert.ok(s.prefetches.every((p) => p.fileIndex === 1), 'nothing for the file found at startup')
})

test('warm_on_assign off: nothing happens before a read', async (t) => {
  const s = setup(t, [movie])
  await s.streams.start()
  const a = assignment(1, 0, movie.length)
  s.lib.assign(a)
  s.streams.assigned(a)
  await withTimeout(s.streams.settled(), 5000, 'warm-ups started by the assign ended')
  assert.equal(s.probeReads.length, 0)
  assert.equal(s.prefetches.length, 0)
})

test('a pin that did not fit the pin budget is taken when another assignment ends; with warm_on_assign off, a known layout is pinned at assign', async (t) => {
  const s = setup(t, [movie, movie])
  await s.streams.start()
  const a1 = assignment(1, 0, movie.length)
  const a2 = assignment(2, 1, movie.length)
  s.lib.assign(a1, a2)
  const fileOf = (i: number) => s.streams.describe(s.torrent).files.find((f) => f.fileIndex === i)
  const h1 = await openAt(s.streams, a1, 0)
  await waitFor(() => fileOf(0)?.indexReadyMs != null, 5000, 'first file pinned')
  const bytes = fileOf(0)!.pinnedBytes
  assert.ok(bytes > 0)
  s.cache.limit = 4 * bytes // the pin budget now holds the first file's pins and no more
  const h2 = await openAt(s.streams, a2, 0)
  await waitFor(() => fileOf(1)?.indexReadyMs != null, 5000, 'second file opened')
  assert.equal(fileOf(1)!.layout?.format, 'mp4', 'its layout located')
  assert.equal(fileOf(1)!.pinnedBytes, 0, 'no room for its pins')
  await h1.close(); await h2.close()

  s.lib.assign(a2)
  s.streams.unassigned(a1)
  assert.equal(fileOf(0)?.pinnedBytes ?? 0, 0, 'the first file\'s pins went')
  assert.equal(fileOf(1)!.pinnedBytes, bytes, 'the second file got the room')
  const pinned = s.prefetches.filter((p) => p.fileIndex === 1 && p.priority === 'background' && !p.released)
  assert.ok(pinned.length > 0 && pinned.every((p) => !p.wake), 'pinned without waking the torrent')

  // a new assignment of a file whose layout is known: pinned at the assign, nothing read
  s.cache.limit = 1024 * 1024 * 1024
  const a3 = assignment(3, 0, movie.length)
  s.lib.assign(a2, a3)
  const readers = s.readers.length
  const reads = s.probeReads.length
  s.streams.assigned(a3)
  assert.equal(fileOf(0)!.pinnedBytes, bytes, 'pinned at once')
  assert.ok(s.prefetches.filter((p) => p.fileIndex === 0 && !p.released && p.priority === 'background').every((p) => !p.wake), 'the torrent left asleep')
  assert.equal(s.readers.length, readers)
  assert.equal(s.probeReads.length, reads)
})

test('closing a handle suspends its window; a read elsewhere leaves it suspended; returning resumes it; grace expiry closes it', async (t) => {
  const big = Buffer.alloc(8192 * KiB, 3)
  const s = setup(t, [big], { graceMs: 30 })
  await s.streams.start()
  const a = assignment(1, 0, big.length)
  const file = s.torrent.info.files[0]!
  const h1 = s.streams.open(a)
  for (let o = 0; o < 256 * KiB; o += 64 * KiB) await h1.read(o, 64 * KiB)
  await waitFor(() => s.streams.describe(s.torrent).files[0]?.layout != null, 5000, 'layout located, windows open')
  const r1 = s.readers[0]!
  assert.ok(r1.windows.at(-1)! > 0)
  await h1.close()
  assert.equal(r1.windows.at(-1), 0, 'the player hung up: its window stops wanting pieces at once')
  const h2 = s.streams.open(a)
  await h2.read(5000 * KiB, 1024) // the player seeks past the window
  assert.equal(s.readers.length, 2)
  assert.equal(r1.windows.at(-1), 0, 'the stale window stays stopped')
  const h3 = await openAt(s.streams, a, 256 * KiB) // ...and comes back
  assert.equal(s.readers.length, 2, 'adopted the parked reader')
  assert.ok(r1.windows.at(-1)! > 0, 'its window resumed')
  await h2.close(); await h3.close()
  s.clock.advance(29)
  assert.ok(s.readers.every((r) => !r.closed), 'parked readers kept within the grace')
  s.clock.advance(1)
  assert.ok(s.readers.every((r) => r.closed), 'parked readers closed after the grace')
  assert.ok(s.prefetches.filter((p) => p.priority === 'readahead').every((p) => p.released), 'opening prefetch released')
})

test('a probe handle superseded by a newer handle on the file reads behind it; not once it has lived past the probe time', async (t) => {
  const big = Buffer.alloc(8192 * KiB, 5)
  const s = setup(t, [big])
  await s.streams.start()
  const a = assignment(1, 0, big.length)
  const cluster = s.streams.open(a) // ffmpeg -ss: the first-cluster request...
  await cluster.read(0, 64 * KiB)
  const target = s.streams.open(a) // ...stays open while it opens the seek target
  await target.read(6000 * KiB, 64 * KiB) // (a handle joins its file at its first read)
  await cluster.read(64 * KiB, 64 * KiB) // the server still filling the old response's socket
  const [old, seek] = s.readers
  assert.deepEqual(old!.priorities, ['urgent', 'deferred'], 'the superseded probe waits behind')
  assert.deepEqual(seek!.priorities, ['urgent'], 'the newest handle is urgent')
  s.clock.advance(300) // past the probe time
  await cluster.read(128 * KiB, 64 * KiB)
  assert.equal(old!.priorities.at(-1), 'urgent', 'a handle kept reading past the probe time is playback: urgent again')
  await cluster.close(); await target.close()
})

test('layouts survive a restart: assigned files are pinned at startup without waking the torrent; the next first open is a cache hit', async (t) => {
  const layoutPath = join(tempDir(t), 'layouts.json')
  const a = assignment(1, 0, movie.length)
  const first = setup(t, [movie], { layoutPath })
  await first.streams.start()
  const h = await openAt(first.streams, a, 0)
  await waitFor(() => first.streams.describe(first.torrent).files[0]?.layout != null, 5000, 'layout located')
  await h.close()
  await first.streams.close()
  const second = setup(t, [movie], { layoutPath })
  second.lib.assign(a)
  await second.streams.start()
  // at startup, an assigned file with a known layout is pinned without waking its torrent
  assert.ok(second.prefetches.some((p) => p.offset === mp4.offsets.moov && p.priority === 'background' && !p.wake), 'moov pinned at startup, torrent left asleep')
  assert.equal(second.probeReads.length, 0, 'nothing read at startup')
  const h2 = await openAt(second.streams, a, 0)
  await waitFor(() => second.streams.describe(second.torrent).files[0]?.indexReadyMs != null, 5000, 'index ready')
  assert.equal(second.streams.describe(second.torrent).files[0]?.counters?.layoutProbes, 0)
  assert.ok(!second.probeReads.some((r) => r.length === 64 * KiB && r.offset === 0), 'no 64 KiB probe read of the head')
  await h2.close()
})

test('playing an episode past next_episode_at warms the next one; opening it hands over', async (t) => {
  const ep1 = Buffer.alloc(800 * KiB, 1)
  const ep2 = Buffer.alloc(300 * KiB, 2)
  const a1 = assignment(11, 0, ep1.length)
  const a2 = assignment(12, 1, ep2.length)
  const ep = (n: number, a: TreeAssignment) => ({ id: n, episodeNumber: n, name: null, createdAt: new Date(0), assignment: a })
  const shows: TreeShow[] = [{ id: 1, title: 'S', year: null, createdAt: new Date(0), seasons: [{ id: 1, seasonNumber: 1, createdAt: new Date(0), episodes: [ep(1, a1), ep(2, a2)] }] }]
  const s = setup(t, [ep1, ep2], { shows })
  await s.streams.start()
  const h = s.streams.open(a1)
  for (let o = 0; o < 700 * KiB; o += 64 * KiB) await h.read(o, 64 * KiB)
  assert.equal(s.prefetches.filter((p) => p.fileIndex === 1).length, 0, 'not before 90 %')
  for (let o = 704 * KiB; o < ep1.length; o += 64 * KiB) await h.read(o, 64 * KiB)
  await waitFor(() => s.prefetches.some((p) => p.fileIndex === 1), 5000, 'next episode warm-up')
  const warm = s.prefetches.filter((p) => p.fileIndex === 1)
  assert.ok(warm.every((p) => p.priority === 'background'))
  assert.ok(warm.some((p) => p.offset === 0), 'its head')
  assert.deepEqual(s.streams.describe(s.torrent).warmups, [{ assignmentId: 12, fileIndex: 1 }])
  await h.close()
  const h2 = await openAt(s.streams, a2, 0)
  assert.ok(warm.every((p) => p.released), 'the warm-up handles go once the episode is opened')
  await h2.close()
})

test('tail guess at first open: the last piece, and for an MP4 what a trailing moov likely takes', async () => {
  const { tailGuessBytes } = await import('../../src/streaming/file-streams.ts')
  const MiB = 1024 * KiB
  const pl = 256 * KiB
  // a file ending 100 KiB into its last piece
  const mkv = { index: 0, path: 'x/a.mkv', length: 1000 * pl + 100 * KiB, offset: 0 }
  assert.equal(tailGuessBytes(pl, mkv), 100 * KiB)
  // the same size as an MP4: 0.2 % of ~250 MiB = ~0.5 MiB (the moov of a 12-minute file is 0.44 MiB)
  const mp4 = { ...mkv, path: 'x/a.MP4' }
  assert.equal(tailGuessBytes(pl, mp4), Math.ceil(mp4.length * 0.002))
  // a file starting mid-piece in a multi-file torrent: only its own bytes count
  assert.equal(tailGuessBytes(pl, { index: 1, path: 'x/b.mkv', length: 10 * KiB, offset: 5 * pl + 3 * KiB }), 10 * KiB)
  assert.equal(tailGuessBytes(4 * MiB, { index: 0, path: 'x/c.m4v', length: 1000, offset: 0 }), 1000)
})
