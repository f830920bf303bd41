// Engine benchmark: our engine against webtorrent 3 as leechers on a loopback swarm.
//
// One webtorrent seeder (child process, TCP only, no DHT/LSD/trackers) seeds a deterministic
// file; each leecher runs in its own child process with a fresh cache folder and reaches the
// seeder through the magnet's x.pe peer hint. Measured per leecher implementation:
//   - sequential read throughput of the whole file (MiB/s), bytes checked by SHA-256;
//   - CPU seconds per GiB of the leecher process during that read (process.cpuUsage);
//   - time to first byte of a 16 KiB read at offset 0, 50 % and the last MiB, each with a
//     fresh leecher whose metadata is already there (the read alone is timed);
//   - time to metadata (magnet -> info dictionary), median over the fresh leechers.
// Parameters: BENCH_SIZE_MIB (256), BENCH_PIECE_KIB (256), BENCH_SEQ_RUNS (3), BENCH_TTFB_RUNS (3).
// The machine is noisy (±30 % between runs): every number is a median over fresh leechers.
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { KiB, MiB, writeFixture, singleFileSpec } from '../test/helpers/fixtures.ts'
import { startSeeder, WebTorrentProcess, type Seeder } from '../test/helpers/seeder.ts'

const SIZE = Number(process.env.BENCH_SIZE_MIB ?? 256) * MiB
const PIECE = Number(process.env.BENCH_PIECE_KIB ?? 256) * KiB
const TTFB_RUNS = Number(process.env.BENCH_TTFB_RUNS ?? 3)
const SEQ_RUNS = Number(process.env.BENCH_SEQ_RUNS ?? 3)
const PROBE = 16 * KiB
const OURS_SCRIPT = fileURLToPath(new URL('./engine-leecher-process.ts', import.meta.url))

type Impl = 'ours' | 'webtorrent'

interface ReadResult { ms: number, firstByteMs: number, bytes: number, sha256: string }

interface Leecher {
  proc: WebTorrentProcess
  metadataMs: number
  dir: string
}

async function startLeecher (impl: Impl, magnet: string, root: string): Promise<Leecher> {
  const dir = mkdtempSync(join(root, `${impl}-`))
  const proc = impl === 'ours' ? new WebTorrentProcess(OURS_SCRIPT) : new WebTorrentProcess()
  try {
    const r = await proc.request<{ metadataMs: number }>('add', { magnet, path: dir }, 60_000)
    return { proc, metadataMs: r.metadataMs, dir }
  } catch (err) {
    await proc.stop()
    throw err
  }
}

async function stopLeecher (l: Leecher): Promise<void> {
  await l.proc.stop()
  rmSync(l.dir, { recursive: true, force: true })
}

function cpuSeconds (c: NodeJS.CpuUsage): number { return (c.user + c.system) / 1e6 }

interface Row {
  throughput: number[]
  cpuPerGiB: number[]
  metadataMs: number[]
  ttfb: { start: number[], middle: number[], end: number[] }
  seconds: number
}

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  if (s.length === 0) return NaN
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

async function measure (impl: Impl, seeder: Seeder, root: string, fullHash: string, probeHash: (off: number) => string, log: (s: string) => void): Promise<Row> {
  const row: Row = { throughput: [], cpuPerGiB: [], metadataMs: [], ttfb: { start: [], middle: [], end: [] }, seconds: 0 }
  // sequential whole-file read
  for (let run = 0; run < SEQ_RUNS; run++) {
    const l = await startLeecher(impl, seeder.magnet, root)
    try {
      row.metadataMs.push(l.metadataMs)
      const c0 = await l.proc.request<{ cpu: NodeJS.CpuUsage }>('cpu')
      const r = await l.proc.request<ReadResult>('read', { fileIndex: 0, start: 0, end: SIZE - 1, chunk: MiB, timeoutMs: 120_000 }, 180_000)
      const c1 = await l.proc.request<{ cpu: NodeJS.CpuUsage }>('cpu')
      if (r.bytes !== SIZE || r.sha256 !== fullHash) throw new Error(`${impl}: sequential read returned ${r.bytes} bytes with a different SHA-256`)
      const throughput = SIZE / MiB / (r.ms / 1000)
      const cpu = (cpuSeconds(c1.cpu) - cpuSeconds(c0.cpu)) / (SIZE / (1024 * MiB))
      row.throughput.push(throughput)
      row.cpuPerGiB.push(cpu)
      log(`  ${impl}: sequential ${throughput.toFixed(1)} MiB/s, ${cpu.toFixed(2)} CPU s/GiB, metadata ${l.metadataMs.toFixed(0)} ms`)
    } finally {
      await stopLeecher(l)
    }
  }
  // time to first byte, fresh leecher per offset
  const offsets: Array<['start' | 'middle' | 'end', number]> = [['start', 0], ['middle', Math.floor(SIZE / 2)], ['end', SIZE - MiB]]
  for (let run = 0; run < TTFB_RUNS; run++) {
    for (const [name, off] of offsets) {
      const l = await startLeecher(impl, seeder.magnet, root)
      try {
        row.metadataMs.push(l.metadataMs)
        const r = await l.proc.request<ReadResult>('read', { fileIndex: 0, start: off, end: off + PROBE - 1, chunk: PROBE, timeoutMs: 30_000 }, 40_000)
        if (r.bytes !== PROBE || r.sha256 !== probeHash(off)) throw new Error(`${impl}: probe at ${off} returned wrong bytes`)
        row.ttfb[name].push(r.firstByteMs)
        log(`  ${impl}: first byte @${name} ${r.firstByteMs.toFixed(1)} ms (metadata ${l.metadataMs.toFixed(0)} ms)`)
      } finally {
        await stopLeecher(l)
      }
    }
  }
  return row
}

export async function run (): Promise<void> {
  const started = Date.now()
  const log = (s: string): void => { process.stdout.write(s + '\n') }
  const root = mkdtempSync(join(tmpdir(), 'momoshtrem-bench-engine-'))
  let seeder: Seeder | undefined
  try {
    log(`engine bench: writing a ${SIZE / MiB} MiB deterministic file...`)
    const fx = writeFixture(join(root, 'data'), singleFileSpec(SIZE, 'bench.bin', 'bench'))
    const fullHash = createHash('sha256')
    for (let off = 0; off < SIZE; off += 16 * MiB) fullHash.update(fx.expected(fx.files[0]!.path, off, 16 * MiB))
    const full = fullHash.digest('hex')
    const probeHash = (off: number): string => createHash('sha256').update(fx.expected(fx.files[0]!.path, off, PROBE)).digest('hex')
    seeder = await startSeeder(null, { path: fx.root, pieceLength: PIECE, timeoutMs: 120_000 })
    log(`engine bench: seeder pid ${seeder.pid} on 127.0.0.1:${seeder.port}, ${seeder.pieceCount} pieces of ${PIECE / KiB} KiB`)

    const rows: Record<Impl, Row> = {} as Record<Impl, Row>
    for (const impl of ['ours', 'webtorrent'] as Impl[]) {
      log(`engine bench: ${impl}`)
      const s0 = await seeder.stats()
      rows[impl] = await measure(impl, seeder, root, full, probeHash, log)
      const s1 = await seeder.stats()
      log(`  seeder CPU during ${impl}: ${(cpuSeconds(s1.cpu) - cpuSeconds(s0.cpu)).toFixed(2)} s for ${((s1.uploaded - s0.uploaded) / MiB).toFixed(0)} MiB uploaded`)
    }
    printTable(rows, log)
    log(`engine bench: done in ${((Date.now() - started) / 1000).toFixed(0)} s`)
  } finally {
    await seeder?.stop()
    rmSync(root, { recursive: true, force: true })
  }
}

function printTable (rows: Record<Impl, Row>, log: (s: string) => void): void {
  const o = rows.ours
  const w = rows.webtorrent
  const lines: Array<[string, number, number, number]> = [
    ['sequential read, whole file (MiB/s, higher is better)', median(o.throughput), median(w.throughput), 1],
    ['leecher CPU during that read (CPU s/GiB, lower is better)', median(o.cpuPerGiB), median(w.cpuPerGiB), 2],
    ['time to metadata, median (ms)', median(o.metadataMs), median(w.metadataMs), 0],
    ['time to first byte @ 0 (ms)', median(o.ttfb.start), median(w.ttfb.start), 1],
    ['time to first byte @ 50 % (ms)', median(o.ttfb.middle), median(w.ttfb.middle), 1],
    ['time to first byte @ last MiB (ms)', median(o.ttfb.end), median(w.ttfb.end), 1]
  ]
  log('')
  log(`Engine benchmark — loopback TCP, one webtorrent 3.0.21 seeder (child process); file ${SIZE / MiB} MiB, piece length ${PIECE / KiB} KiB;`)
  log(`leechers in child processes with fresh caches, peer via x.pe (no tracker, DHT, LSD, PEX, uTP); our engine read through one FileReader in 1 MiB reads,`)
  log(`webtorrent through file.createReadStream(); first-byte probes read ${PROBE / KiB} KiB with a fresh leecher after its metadata; Node ${process.version}.`)
  log(`Medians: sequential over ${SEQ_RUNS} fresh leechers each (ours ${o.throughput.map((x) => x.toFixed(0)).join('/')} MiB/s, webtorrent ${w.throughput.map((x) => x.toFixed(0)).join('/')} MiB/s),`)
  log(`first byte over ${TTFB_RUNS} fresh leechers per offset, metadata over all ${o.metadataMs.length} leechers of each.`)
  log('')
  const header = ['metric', 'ours', 'webtorrent', 'ours/webtorrent']
  const body = lines.map(([name, a, b, d]) => [name, a.toFixed(d), b.toFixed(d), (a / b).toFixed(2)])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => r[i]!.length)))
  const fmt = (r: string[]): string => '| ' + r.map((c, i) => i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)).join(' | ') + ' |'
  log(fmt(header))
  log('|' + widths.map((wd, i) => (i === 0 ? '-' : '-').repeat(wd + 1) + (i === 0 ? '-' : ':')).join('|') + '|')
  for (const r of body) log(fmt(r))
  log('')
}

export default run
