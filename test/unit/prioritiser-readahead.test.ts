// The prioritiser's pure decisions: read-ahead sizing per reader, the opening plan from a
// located layout, pinned ranges, the next-episode trigger and lookup.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { ReadaheadController, openingPlan, pastWarmupPoint, pinRanges, type StreamingSettings } from '../../src/streaming/prioritiser.ts'
import { nextEpisode } from '../../src/streaming/next-episode.ts'
import type { PlaybackLayout } from '../../src/streaming/container/index.ts'
import type { TreeAssignment, TreeShow } from '../../src/library/tree-model.ts'

const MiB = 1024 * 1024
const KiB = 1024
// probeMs 0: these tests look at the window after probation (tested on its own below)
const settings: StreamingSettings = { readaheadBytes: 32 * MiB, urgentBytes: 4 * MiB, headerBytes: 10 * MiB, footerBytes: 5 * MiB, readaheadSeconds: 20, probeWindowBytes: 512 * KiB, probeMs: 0 }

function clock (): { now: () => number, advance: (ms: number) => void } {
  let t = 1_000_000
  return { now: () => t, advance: (ms) => { t += ms } }
}

test('the window follows the read rate, bounded by urgent_bytes and readahead_bytes', () => {
  const c = clock()
  const applied: number[] = []
  const ctl = new ReadaheadController(settings, (b) => { applied.push(b) }, { now: c.now })
  // a slow stream: 100 KB/s -> 2 MB for 20 s, below the 4 MiB floor
  let pos = 0
  for (let i = 0; i < 20; i++) { ctl.onRead(pos, 10_000); pos += 10_000; c.advance(100) }
  assert.equal(applied[0], 4 * MiB, 'first window: the floor')
  assert.equal(ctl.window, 4 * MiB)
  // the player buffers fast: 10 MB/s -> 200 MB for 20 s, capped at 32 MiB
  for (let i = 0; i < 60; i++) { ctl.onRead(pos, 1_000_000); pos += 1_000_000; c.advance(100) }
  assert.equal(ctl.window, 32 * MiB)
  // steady 1x playback at 500 KB/s -> 10 MB window
  for (let i = 0; i < 100; i++) { ctl.onRead(pos, 50_000); pos += 50_000; c.advance(100) }
  assert.ok(Math.abs(ctl.window - 10_000_000) < 2_600_000, `window ${ctl.window}`)
  assert.ok(applied.length < 20, `pushed to the engine only when it moved enough (${applied.length} times)`)
})

test('a seek restarts the estimate and the sequential run; parked windows suspend and resume', () => {
  const c = clock()
  const applied: number[] = []
  const ctl = new ReadaheadController(settings, (b) => { applied.push(b) }, { now: c.now })
  let pos = 0
  for (let i = 0; i < 30; i++) { ctl.onRead(pos, 1_000_000); pos += 1_000_000; c.advance(100) }
  assert.equal(ctl.window, 32 * MiB)
  assert.equal(ctl.run, 30_000_000)
  assert.ok(ctl.continues(pos) && ctl.continues(pos + MiB) && !ctl.continues(pos + 100 * MiB))
  ctl.onRead(500 * MiB, 256 * 1024) // seek far away
  assert.equal(ctl.run, 256 * 1024)
  assert.equal(ctl.window, 4 * MiB, 'the window shrinks to the floor at once')
  assert.equal(applied.at(-1), 4 * MiB)
  ctl.suspend()
  assert.equal(ctl.window, 0)
  assert.equal(applied.at(-1), 0, 'a suspended reader wants nothing')
  ctl.resume()
  assert.equal(applied.at(-1), 512 * KiB, 'resumed as a probe (probeMs 0 here: ends with the next read)')
  // slow start: buffering fast after the seek, the window stays within twice the run
  pos = 500 * MiB + 256 * 1024
  for (let i = 0; i < 16; i++) { ctl.onRead(pos, 256 * 1024); pos += 256 * 1024; c.advance(20) }
  assert.ok(ctl.window <= 2 * ctl.run && ctl.window > 4 * MiB, `window ${ctl.window}, run ${ctl.run}`)
})

test('a new or reopened handle is a probe for probeMs: its window stays small, then grows', () => {
  const c = clock()
  const applied: number[] = []
  const ctl = new ReadaheadController({ ...settings, probeMs: 250 }, (b) => { applied.push(b) }, { now: c.now })
  // ffmpeg -ss reading the first cluster: the server pushes 3 MiB into the socket in 30 ms
  let pos = 0
  for (let i = 0; i < 12; i++) { ctl.onRead(pos, 256 * KiB); pos += 256 * KiB; c.advance(2) }
  assert.deepEqual([...new Set(applied)], [512 * KiB], 'a probe never gets more than the probe window')
  // still reading 250 ms later: this is playback
  c.advance(250)
  ctl.onRead(pos, 256 * KiB)
  assert.ok(ctl.window >= 4 * MiB, `window ${ctl.window} after probation`)
  // hung up and reopened where it stopped: adopted, but a probe again
  ctl.suspend()
  ctl.resume()
  assert.equal(applied.at(-1), 512 * KiB)
  c.advance(300)
  ctl.onRead(pos + 256 * KiB, 256 * KiB)
  assert.ok(ctl.window >= 4 * MiB, 'grown again once the reopened handle kept reading')
})

test('a probe\'s window is shallow; the same window turns deep once probation ends', () => {
  const c = clock()
  const applied: Array<[number, boolean]> = []
  const ctl = new ReadaheadController({ ...settings, probeMs: 250, urgentBytes: 256 * KiB, readaheadBytes: 512 * KiB }, (b, shallow) => { applied.push([b, shallow]) }, { now: c.now })
  let pos = 0
  for (let i = 0; i < 4; i++) { ctl.onRead(pos, 256 * KiB); pos += 256 * KiB; c.advance(2) }
  assert.deepEqual(applied, [[512 * KiB, true]], 'the probe window, shallow: a player may hang up after a few kilobytes')
  c.advance(250)
  ctl.onRead(pos, 256 * KiB)
  assert.deepEqual(applied.at(-1), [512 * KiB, false], 'still reading after probation: the same bytes, at full depth')
  ctl.suspend()
  assert.deepEqual(applied.at(-1), [0, false])
  ctl.resume()
  assert.deepEqual(applied.at(-1), [512 * KiB, true], 'reopened: a probe again')
})

function mp4Layout (size: number): PlaybackLayout {
  return {
    format: 'mp4',
    ranges: [
      { offset: 0, length: 40, reason: 'header', reasons: ['header'] },
      { offset: size - 2 * MiB, length: 2 * MiB, reason: 'moov', reasons: ['moov'] }
    ],
    mediaOffset: 48,
    reads: 3,
    bytesRead: 1000,
    details: { majorBrand: 'isom', moovOffset: size - 2 * MiB, moovSize: 2 * MiB, mdatOffset: 40, mdatSize: size - 2 * MiB - 40, faststart: false, fragmented: false, truncated: false, atoms: [] }
  }
}

test('opening plan: header and moov urgent, media start at read-ahead; no layout: head/tail background', () => {
  const size = 1000 * MiB
  assert.deepEqual(openingPlan(mp4Layout(size), size, settings), [
    { offset: 0, length: 40, priority: 'urgent' },
    { offset: size - 2 * MiB, length: 2 * MiB, priority: 'urgent' },
    { offset: 48, length: 2 * MiB, priority: 'readahead' }
  ])
  assert.deepEqual(openingPlan(null, size, settings), [
    { offset: 0, length: 10 * MiB, priority: 'background' },
    { offset: size - 5 * MiB, length: 5 * MiB, priority: 'background' }
  ])
  // an index larger than the estimates is not all urgent
  const huge = mp4Layout(size)
  huge.ranges[1] = { offset: size - 40 * MiB, length: 40 * MiB, reason: 'moov', reasons: ['moov'] }
  assert.equal(openingPlan(huge, size, settings)[1]!.priority, 'background')
})

test('pinned ranges: index plus media start, or the index alone when lean', () => {
  const size = 1000 * MiB
  assert.deepEqual(pinRanges(mp4Layout(size), size, settings, true), [
    { offset: 0, length: 40 },
    { offset: 48, length: 4 * MiB },
    { offset: size - 2 * MiB, length: 2 * MiB }
  ])
  assert.deepEqual(pinRanges(mp4Layout(size), size, settings, false), [
    { offset: 0, length: 40 },
    { offset: size - 2 * MiB, length: 2 * MiB }
  ])
  // a file smaller than the estimates: one merged range, inside the file
  assert.deepEqual(pinRanges(null, 3 * MiB, settings, true), [{ offset: 0, length: 3 * MiB }])
})

test('next-episode trigger: playback past the point, not a tail probe', () => {
  const size = 100 * MiB
  assert.equal(pastWarmupPoint({ run: 2 * MiB, position: 99 * MiB }, size, 0.9), false, 'a probe near the end')
  assert.equal(pastWarmupPoint({ run: 10 * MiB, position: 80 * MiB }, size, 0.9), false, 'not there yet')
  assert.equal(pastWarmupPoint({ run: 10 * MiB, position: 91 * MiB }, size, 0.9), true)
  assert.equal(pastWarmupPoint({ run: size, position: size }, size, 0), false, '0 disables it')
})

function assignment (id: number): TreeAssignment {
  return { id, infoHash: 'a'.repeat(40), magnetUri: 'magnet:?xt=urn:btih:' + 'a'.repeat(40), filePath: `f${id}.mkv`, fileIndex: id, fileSize: 100, createdAt: new Date(0) }
}

test('next episode: same season, then the first assigned episode of a later season; specials stay apart', () => {
  const ep = (n: number, a: number | null) => ({ id: n, episodeNumber: n, name: null, createdAt: new Date(0), assignment: a === null ? null : assignment(a) })
  const shows: TreeShow[] = [{
    id: 1,
    title: 'Show',
    year: 2000,
    createdAt: new Date(0),
    seasons: [
      { id: 12, seasonNumber: 2, createdAt: new Date(0), episodes: [ep(2, null), ep(1, 21), ep(3, 23)] },
      { id: 10, seasonNumber: 0, createdAt: new Date(0), episodes: [ep(1, 1), ep(2, 2)] },
      { id: 11, seasonNumber: 1, createdAt: new Date(0), episodes: [ep(1, 11), ep(2, 12)] }
    ]
  }]
  assert.equal(nextEpisode(shows, 11)?.assignment.id, 12)
  assert.equal(nextEpisode(shows, 12)?.assignment.id, 21, 'first episode of the next season')
  assert.equal(nextEpisode(shows, 21)?.assignment.id, 23, 'an unassigned episode is skipped')
  assert.equal(nextEpisode(shows, 23), null, 'finale')
  assert.equal(nextEpisode(shows, 1)?.assignment.id, 2)
  assert.equal(nextEpisode(shows, 2), null, 'specials do not lead into season 1')
  assert.equal(nextEpisode(shows, 999), null)
})

test('next episode after a multi-episode file is the one after its last episode', () => {
  const shared = assignment(5)
  const ep = (n: number, a: TreeAssignment | null) => ({ id: n, episodeNumber: n, name: null, createdAt: new Date(0), assignment: a })
  const shows: TreeShow[] = [{
    id: 1,
    title: 'Show',
    year: 2000,
    createdAt: new Date(0),
    seasons: [{ id: 11, seasonNumber: 1, createdAt: new Date(0), episodes: [ep(1, shared), ep(2, { ...shared, id: 6 }), ep(3, assignment(7))] }]
  }]
  // S01E01-E02 is one file behind assignments 5 and 6: playing it warms S01E03, not itself
  assert.equal(nextEpisode(shows, 5)?.assignment.id, 7)
  assert.equal(nextEpisode(shows, 6)?.assignment.id, 7)
  assert.equal(nextEpisode(shows, 7), null)
})
