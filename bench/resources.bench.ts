// Resources bench (issue 16, items 2 and 3): memory and CPU of momoshtrem serving through
// WebDAV, beside webtorrent 3 and torrent-stream (peerflix's engine) doing the same work.
//
// Swarm: BENCH_SEEDERS (2) unthrottled webtorrent seeders on loopback of one torrent of four
// files of BENCH_FILE_MIB (256) MiB, BENCH_PIECE_KIB (1024) KiB pieces. Each server runs in its
// own child process (momoshtrem: the bundle `momoshtrem serve` runs, production defaults), fresh
// and empty for each phase; RSS and CPU are read from /proc from outside:
//   idle:        RSS 15 s after start with the torrent's metadata known, nothing read yet;
//   four files:  the four files read whole at once at full speed (one GET each), RSS sampled
//                every 100 ms: steady = median of the samples over 20-90 % of the read, peak =
//                the kernel's high-water mark (VmHWM); CPU s per GiB delivered; idle after =
//                RSS 10 s after the reads ended;
//   sequential:  a fresh server, one GET of one whole file, MiB/s and CPU s/GiB; then, in the
//                same process, one GET of a second file: the same work without the one-time
//                costs of a fresh process (V8 compiling the hot code, first allocations).
// Every byte is checked against the source file (SHA-256). Figures only: nothing is asserted.
// BENCH_PHASES=four,seq picks the phases (seq alone skips the four phase's idle waits).
// BENCH_SETTLE_MS (15000) is how long a sequential phase's server waits before its first read:
// on this VM pages freed a moment ago (the server before it removing its cache folder) are
// cheap to use again for a few seconds, then cost what new pages cost (page-cache-cost.ts), so
// without the wait a server that wrote through the page cache in its four-streams phase started
// its sequential read on cheap pages and one that did not (momoshtrem's direct writes) did not.
// momoshtrem-base is another build (BENCH_BASE_BIN=<its checkout>/bin/momoshtrem.js, built there
// with scripts/build-server.mjs): before and after in one run, e.g.
// BENCH_IMPLS=momoshtrem-base,momoshtrem,torrent-stream,momoshtrem-base,momoshtrem (a server named
// twice runs twice: every run is logged, the table has the last).
// momoshtrem-buffered is momoshtrem writing its piece files through the page cache
// (torrent.direct_writes off); momoshtrem-mmap is momoshtrem started with
// MALLOC_MMAP_THRESHOLD_=131072 (see start()).
// BENCH_IMPLS=momoshtrem,momoshtrem-buffered,webtorrent,torrent-stream picks servers; BENCH_CPU_PROF=DIR runs
// momoshtrem with --cpu-prof into DIR; BENCH_APP_NODE_ARGS adds node options to momoshtrem's.
import { createHash } from 'node:crypto'
import { createReadStream, mkdtempSync, rmSync } from 'node:fs'
import { request } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KiB, MiB, writeFixture } from '../test/helpers/fixtures.ts'
import { peerHint } from '../test/helpers/seeder.ts'
import { startSwarm, type Swarm } from './lib/swarm.ts'
import { buildBundle, cpuOf, fileBytesWrittenOf, memoryOf, startMomoshtrem, startPeer, type Impl, type Server } from './lib/servers.ts'
import { pageCacheCost, type PageCacheCost } from './lib/page-cache-cost.ts'
import { median, renderTable } from './lib/table.ts'

const FILE = Number(process.env.BENCH_FILE_MIB ?? 256) * MiB
const PIECE = Number(process.env.BENCH_PIECE_KIB ?? 1024) * KiB
const SEEDERS = Number(process.env.BENCH_SEEDERS ?? 2)
const IMPLS = (process.env.BENCH_IMPLS ?? 'momoshtrem,momoshtrem-buffered,webtorrent,torrent-stream').split(',') as Impl[]
const PROF = process.env.BENCH_CPU_PROF
/** which phases run: 'four' (idle, four files at once, idle after) and 'seq' (one sequential read) */
const PHASES = new Set((process.env.BENCH_PHASES ?? 'four,seq').split(','))
/** more node options for momoshtrem (a preload that logs process.memoryUsage(), say) */
const NODE_ARGS = (process.env.BENCH_APP_NODE_ARGS ?? '').split(' ').filter((a) => a !== '')
const READ_TIMEOUT = 300_000
const IDLE_WAIT = 15_000
const SETTLE_MS = Number(process.env.BENCH_SETTLE_MS ?? 15_000)
/** BENCH_TIMELINE=1: each read also prints MiB delivered and server CPU ms per BENCH_TIMELINE_MS (250) */
const TIMELINE = process.env.BENCH_TIMELINE === '1'
const TIMELINE_MS = Number(process.env.BENCH_TIMELINE_MS ?? 250)
const GiB = 1024 * MiB

interface Row {
  idle: number
  steady: number
  peak: number
  idleAfter: number
  fourMiBs: number
  fourCpu: number
  seqMiBs: number
  seqCpu: number
  warmMiBs: number
  warmCpu: number
  /** bytes written into files per byte served, sequential read */
  seqWritten: number
  /** of those, bytes written through the page cache (all but momoshtrem's direct piece writes) */
  seqCached: number
  /** bytes of piece memory the sequential read's fresh process touched for the first time (momoshtrem's pool) */
  seqFirstTouched: number
}

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

async function sha256File (path: string): Promise<string> {
  const h = createHash('sha256')
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer)
  return h.digest('hex')
}

/** One GET of the whole file as fast as the server sends it: bytes and their SHA-256. */
async function getWhole (url: string, onBytes?: (n: number) => void): Promise<{ bytes: number, sha256: string }> {
  return await new Promise((resolve, reject) => {
    const h = createHash('sha256')
    let bytes = 0
    const req = request(url, { agent: false, timeout: READ_TIMEOUT }, (res) => {
      if (res.statusCode !== 200) { reject(new Error(`${url}: status ${res.statusCode}`)); res.resume(); return }
      res.on('data', (c: Buffer) => { bytes += c.length; h.update(c); onBytes?.(c.length) })
      res.on('end', () => { resolve({ bytes, sha256: h.digest('hex') }) })
      res.on('error', reject)
    })
    req.on('timeout', () => { req.destroy(new Error(`${url}: no byte for ${READ_TIMEOUT} ms`)) })
    req.on('error', reject)
    req.end()
  })
}

async function start (impl: Impl, bundle: string, sw: Swarm, files: string[]): Promise<Server> {
  const args = [...NODE_ARGS, ...(PROF === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${PROF}`])]
  if (impl === 'momoshtrem') return await startMomoshtrem(bundle, sw.magnet, files, args)
  if (impl === 'momoshtrem-base') {
    const bin = process.env.BENCH_BASE_BIN
    if (bin === undefined) throw new Error('momoshtrem-base runs BENCH_BASE_BIN (another checkout\'s bin/momoshtrem.js, built)')
    return await startMomoshtrem(bin, sw.magnet, files, args, {}, 'momoshtrem-base')
  }
  // glibc raises its mmap threshold to the size of the last mmapped block freed (a 1 MiB piece),
  // after which pieces come from the heap and freed ones stay in RSS: fixed, they go back at once
  if (impl === 'momoshtrem-mmap') return await startMomoshtrem(bundle, sw.magnet, files, args, { MALLOC_MMAP_THRESHOLD_: '131072' })
  if (impl === 'momoshtrem-buffered') return await startMomoshtrem(bundle, sw.magnet, files, args, { MOMOSHTREM_TORRENT_DIRECT_WRITES: 'false' }, impl)
  return await startPeer(impl, sw.magnet, sw.seeders.map((s) => peerHint(s.port)))
}

/** The counter of piece files momoshtrem wrote past the page cache (readAll's `cached` needs it). */
const DIRECT_FILES = 'piece files written direct'
/** The counter of pieces cut from pool memory never used before (readAll's `firstTouched`). */
const ALLOCATED = 'pieces allocated'
/** Counters read off momoshtrem's /metrics: major GCs (Mark-Compact), piece pool totals. */
const COUNTERS: Array<[string, RegExp]> = [
  ['major GCs', /^nodejs_gc_duration_seconds_count\{kind="major"\} (\S+)$/m],
  [ALLOCATED, /^momoshtrem_piece_pool_pieces_total\{kind="allocated"\} (\S+)$/m],
  ['pieces reused', /^momoshtrem_piece_pool_pieces_total\{kind="reused"\} (\S+)$/m],
  ['views given back', /^momoshtrem_piece_pool_views_returned_total\{how="given_back"\} (\S+)$/m],
  ['views collected', /^momoshtrem_piece_pool_views_returned_total\{how="collected"\} (\S+)$/m],
  ['pieces read back from disk', /^momoshtrem_hot_pieces_reads_total\{from="disk"\} (\S+)$/m],
  [DIRECT_FILES, /^momoshtrem_piece_files_written_total\{how="direct"\} (\S+)$/m]
]

/** The COUNTERS a momoshtrem server exposes now (a build without some has fewer); none for a peer. */
async function countersOf (srv: Server): Promise<Map<string, number>> {
  const out = new Map<string, number>()
  if (!srv.impl.startsWith('momoshtrem')) return out
  const text = await (await fetch(new URL('/metrics', Object.values(srv.urls)[0]), { signal: AbortSignal.timeout(10_000) })).text()
  for (const [name, re] of COUNTERS) {
    const m = re.exec(text)
    if (m !== null) out.set(name, Number(m[1]))
  }
  return out
}

/** Reads `files` whole at once; checks every byte; MiB/s over the wall time and CPU s/GiB; the app's counters per GiB. */
async function readAll (srv: Server, files: string[], hashes: Map<string, string>, onSample?: () => void): Promise<{ mibs: number, cpuPerGiB: number, written: number, cached: number, firstTouched: number, counters: string }> {
  const k0 = await countersOf(srv)
  const c0 = cpuOf(srv.pid)
  const w0 = fileBytesWrittenOf(srv.pid)
  const t0 = performance.now()
  const timer = onSample === undefined ? undefined : setInterval(onSample, 100)
  let received = 0
  const slices: string[] = []
  let sliceBytes = 0
  let sliceCpu = c0
  const timeline = TIMELINE ? setInterval(() => {
    const cpu = cpuOf(srv.pid)
    slices.push(`${((received - sliceBytes) / MiB).toFixed(0)}/${((cpu - sliceCpu) * 1000).toFixed(0)}`)
    sliceBytes = received
    sliceCpu = cpu
  }, TIMELINE_MS) : undefined
  try {
    const got = await Promise.all(files.map(async (f) => await getWhole(srv.urls[f]!, (n) => { received += n })))
    clearInterval(timeline)
    if (TIMELINE) process.stdout.write(`  ${srv.impl}: MiB/CPU ms per ${TIMELINE_MS} ms: ${slices.join(' ')}\n`)
    const ms = performance.now() - t0
    const cpu = cpuOf(srv.pid) - c0
    const written = fileBytesWrittenOf(srv.pid) - w0
    let bytes = 0
    for (const [i, f] of files.entries()) {
      if (got[i]!.sha256 !== hashes.get(f)) throw new Error(`${srv.impl}: ${f} arrived with other bytes (${got[i]!.bytes} bytes)`)
      bytes += got[i]!.bytes
    }
    const k1 = await countersOf(srv)
    const counters = [...k1].map(([name, v]) => `${((v - (k0.get(name) ?? 0)) / (bytes / GiB)).toFixed(0)} ${name}`).join(', ')
    // what went through the page cache: all of it but the piece files written direct
    const direct = ((k1.get(DIRECT_FILES) ?? 0) - (k0.get(DIRECT_FILES) ?? 0)) * PIECE
    const cached = Math.max(0, written - direct) / bytes
    // known for momoshtrem only (its pool's counter); the peers touch new memory as well
    const firstTouched = k1.has(ALLOCATED) ? (k1.get(ALLOCATED)! - (k0.get(ALLOCATED) ?? 0)) * PIECE : NaN
    return { mibs: bytes / MiB / (ms / 1000), cpuPerGiB: cpu / (bytes / GiB), written: written / bytes, cached, firstTouched, counters: counters === '' ? '' : ` (per GiB: ${counters})` }
  } finally {
    clearInterval(timer)
    // a failed read must not leave the timeline sampling (and the bench process running)
    clearInterval(timeline)
  }
}

async function measure (impl: Impl, bundle: string, sw: Swarm, files: string[], hashes: Map<string, string>, log: (s: string) => void): Promise<Row> {
  const row = { idle: NaN, steady: NaN, peak: NaN, idleAfter: NaN, fourMiBs: NaN, fourCpu: NaN, seqMiBs: NaN, seqCpu: NaN, warmMiBs: NaN, warmCpu: NaN, seqWritten: NaN, seqCached: NaN, seqFirstTouched: NaN }
  if (PHASES.has('four')) await measureFour(impl, bundle, sw, files, hashes, log, row)
  if (!PHASES.has('seq')) return row
  const srv = await start(impl, bundle, sw, files)
  try {
    await sleep(SETTLE_MS)
    const seq = await readAll(srv, [files[0]!], hashes)
    row.seqMiBs = seq.mibs
    row.seqCpu = seq.cpuPerGiB
    row.seqWritten = seq.written
    row.seqCached = seq.cached
    row.seqFirstTouched = seq.firstTouched
    log(`  ${impl}: sequential ${seq.mibs.toFixed(1)} MiB/s, ${seq.cpuPerGiB.toFixed(2)} CPU s/GiB, ${seq.written.toFixed(2)} bytes into files per byte served${seq.counters}`)
    const warm = await readAll(srv, [files[1]!], hashes)
    row.warmMiBs = warm.mibs
    row.warmCpu = warm.cpuPerGiB
    log(`  ${impl}: sequential, second file ${warm.mibs.toFixed(1)} MiB/s, ${warm.cpuPerGiB.toFixed(2)} CPU s/GiB${warm.counters}`)
  } finally { await srv.stop() }
  return row
}

/** Idle, the four files at once, idle after: into `row`. */
async function measureFour (impl: Impl, bundle: string, sw: Swarm, files: string[], hashes: Map<string, string>, log: (s: string) => void, row: Row): Promise<void> {
  const srv = await start(impl, bundle, sw, files)
  try {
    // settled: the assigned files' head and tail pins fetched, start-up garbage collected
    await sleep(IDLE_WAIT)
    row.idle = memoryOf(srv.pid).rss
    const samples: Array<[number, number]> = []
    const t0 = performance.now()
    const pid = srv.pid
    const four = await readAll(srv, files, hashes, () => { samples.push([performance.now() - t0, memoryOf(pid).rss]) })
    const total = performance.now() - t0
    row.fourMiBs = four.mibs
    row.fourCpu = four.cpuPerGiB
    row.steady = median(samples.filter(([t]) => t >= 0.2 * total && t <= 0.9 * total).map(([, r]) => r))
    row.peak = Math.max(memoryOf(srv.pid).hwm, ...samples.map(([, r]) => r))
    await sleep(10_000)
    row.idleAfter = memoryOf(srv.pid).rss
    log(`  ${impl}: idle ${mib(row.idle)}, four files ${four.mibs.toFixed(1)} MiB/s, ${four.cpuPerGiB.toFixed(2)} CPU s/GiB, steady ${mib(row.steady)}, peak ${mib(row.peak)}, idle after ${mib(row.idleAfter)}${four.counters}`)
  } finally { await srv.stop() }
}

/** `a` against `b`, or '-' where a ratio means nothing (a phase not run, a figure not known or not positive) */
function ratio (a: number, b: number): string {
  return a > 0 && b > 0 ? `${(a / b).toFixed(2)}x` : '-'
}

function mib (bytes: number): string { return `${(bytes / MiB).toFixed(0)} MiB` }

export async function run (): Promise<void> {
  const log = (s: string): void => { process.stdout.write(s + '\n') }
  const root = mkdtempSync(join(tmpdir(), 'momoshtrem-bench-resources-'))
  let sw: Swarm | undefined
  try {
    const bundle = await buildBundle()
    log(`resources bench: writing four ${FILE / MiB} MiB files...`)
    const names = [1, 2, 3, 4].map((i) => `Bench.Movie.${i}.mkv`)
    const fx = writeFixture(join(root, 'data'), { name: 'Resources Bench', files: names.map((path) => ({ path, length: FILE })) })
    const files = fx.files.map((f) => f.path)
    const hashes = new Map<string, string>()
    for (const f of fx.files) hashes.set(f.path, await sha256File(f.absPath))
    sw = await startSwarm(fx.root, SEEDERS, 0, PIECE)
    log(`resources bench: ${SEEDERS} unthrottled seeders, ${sw.files.length} files, piece ${PIECE / KiB} KiB`)
    const costs = [pageCacheCost(root)]
    const rows = new Map<Impl, Row>()
    for (const impl of IMPLS) {
      log(`resources bench: ${impl}`)
      rows.set(impl, await measure(impl, bundle, sw, files, hashes, log))
    }
    // the last server's cache went with it: pages freed a moment ago would pass for cheap new ones
    await sleep(10_000)
    costs.push(pageCacheCost(root))
    printTable(rows, costs, log)
  } finally {
    await sw?.stop()
    rmSync(root, { recursive: true, force: true })
  }
}

function printTable (rows: Map<Impl, Row>, costs: PageCacheCost[], log: (s: string) => void): void {
  // what a byte written into a new page costs beyond the copy itself, the mean of before and after
  const excess = Math.max(0, costs.reduce((sum, c) => sum + c.fresh - c.reused, 0) / costs.length)
  const anon = costs.reduce((sum, c) => sum + c.anon, 0) / costs.length
  const impls = [...rows.keys()]
  const ours = impls.filter((i) => i.startsWith('momoshtrem'))
  const peers = impls.filter((i) => i === 'webtorrent' || i === 'torrent-stream')
  const pairs = [
    ...(impls.includes('momoshtrem') && impls.includes('momoshtrem-base') ? [['momoshtrem', 'momoshtrem-base'] as const] : []),
    ...ours.flatMap((o) => peers.map((p) => [o, p] as const))
  ]
  const header = ['metric', ...impls, ...pairs.map(([o, p]) => `${o}/${p}`)]
  const lines: Array<[string, (r: Row) => number, (x: number) => string]> = [
    ['RSS idle, metadata known (MiB)', (r) => r.idle, (x) => (x / MiB).toFixed(0)],
    ['RSS steady, four files at full speed (MiB)', (r) => r.steady, (x) => (x / MiB).toFixed(0)],
    ['RSS peak (VmHWM) (MiB)', (r) => r.peak, (x) => (x / MiB).toFixed(0)],
    ['RSS 10 s after the reads (MiB)', (r) => r.idleAfter, (x) => (x / MiB).toFixed(0)],
    ['four files at once (MiB/s, all four)', (r) => r.fourMiBs, (x) => x.toFixed(1)],
    ['CPU during the four (CPU s/GiB served)', (r) => r.fourCpu, (x) => x.toFixed(2)],
    ['sequential read, one file (MiB/s)', (r) => r.seqMiBs, (x) => x.toFixed(1)],
    ['CPU during the sequential read (CPU s/GiB)', (r) => r.seqCpu, (x) => x.toFixed(2)],
    ['  bytes it wrote into files per byte served', (r) => r.seqWritten, (x) => x.toFixed(2)],
    ['  of which through the page cache (not O_DIRECT)', (r) => r.seqCached, (x) => x.toFixed(2)],
    ['  the same CPU less the new-page excess below', (r) => r.seqCpu - r.seqCached * excess, (x) => x.toFixed(2)],
    ['sequential read, a second file, same process (MiB/s)', (r) => r.warmMiBs, (x) => x.toFixed(1)],
    ['CPU during the second file (CPU s/GiB)', (r) => r.warmCpu, (x) => x.toFixed(2)],
    // what the first read cost beyond the second at the same size: V8 compiling the hot code,
    // the first collections, first-touched memory; paid once per process, not per GiB
    ['the first read\'s one-time cost: its CPU less the second file\'s (CPU s)', (r) => (r.seqCpu - r.warmCpu) * FILE / GiB, (x) => x.toFixed(2)],
    ['  of which first-touched piece memory, at the cost below (CPU s)', (r) => r.seqFirstTouched / GiB * anon, (x) => Number.isNaN(x) ? '-' : x.toFixed(2)]
  ]
  const body = lines.map(([name, get, fmt]) => [
    name,
    ...impls.map((i) => fmt(get(rows.get(i)!))),
    ...pairs.map(([o, p]) => ratio(get(rows.get(o)!), get(rows.get(p)!)))
  ])
  log('')
  log(`Resources — loopback TCP, ${SEEDERS} unthrottled webtorrent seeders, four files of ${FILE / MiB} MiB, piece ${PIECE / KiB} KiB; each server a`)
  log(`plain-node child process (momoshtrem: the server bundle, production defaults, reads through WebDAV), fresh per phase; RSS/CPU from /proc; Node ${process.version}.`)
  log('')
  log(renderTable(header, body))
  log('')
  const at = (c: PageCacheCost): string => `${c.fresh.toFixed(2)} s/GiB into new pages, ${c.reused.toFixed(2)} into pages just freed`
  log(`Page cache of this machine (kernel CPU of a plain write, see bench/lib/page-cache-cost.ts): before the servers ${at(costs[0]!)};`)
  log(`after them ${at(costs[costs.length - 1]!)}. The new-page excess, ${excess.toFixed(2)} s per GiB written, is in every figure above for every server that writes what it serves through the page cache.`)
  log(`Process memory touched for the first time (a fresh server's piece buffers): ${costs.map((c) => c.anon.toFixed(2)).join(' / ')} CPU s/GiB before / after the servers${process.env.GLIBC_TUNABLES === undefined ? '' : ` (GLIBC_TUNABLES=${process.env.GLIBC_TUNABLES}, every server)`}.`)
  log('')
}

export default run
