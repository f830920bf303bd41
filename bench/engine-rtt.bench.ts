// Engine benchmark at a distance: the same leechers as engine.bench.ts (ours and webtorrent 3,
// each in a child process with a fresh cache) reach one unthrottled webtorrent seeder through
// a proxy that adds a round trip (loopback has ~0, the internet 20-200 ms). What it checks:
// request pipelines sized from each peer's round trip must still fill a long pipe quickly.
// Parameters: BENCH_RTT_MS (50), BENCH_RTT_JITTER_MS (0: each chunk up to this much later
// each way, in order), BENCH_RTT_SIZE_MIB (48), BENCH_RTT_RUNS (3).
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { KiB, MiB, singleFileSpec, writeFixture } from '../test/helpers/fixtures.ts'
import { magnetLink, startSeeder, WebTorrentProcess } from '../test/helpers/seeder.ts'
import { startDelayProxy } from './lib/delay-proxy.ts'
import { median } from './lib/table.ts'

const RTT = Number(process.env.BENCH_RTT_MS ?? 50)
const JITTER = Number(process.env.BENCH_RTT_JITTER_MS ?? 0)
const SIZE = Number(process.env.BENCH_RTT_SIZE_MIB ?? 48) * MiB
const RUNS = Number(process.env.BENCH_RTT_RUNS ?? 3)
const OURS_SCRIPT = fileURLToPath(new URL('./engine-leecher-process.ts', import.meta.url))
const IMPLS = ['ours', 'webtorrent'] as const

interface Run { metadataMs: number, firstMiBMs: number, mibPerS: number }

export async function run (): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'momoshtrem-bench-rtt-'))
  const fx = writeFixture(root, singleFileSpec(SIZE, 'rtt.bin'))
  const seeder = await startSeeder(null, { path: fx.root, pieceLength: 256 * KiB, timeoutMs: 120_000 })
  const proxy = await startDelayProxy(seeder.port, RTT / 2, JITTER)
  const fullHash = createHash('sha256').update(readFileSync(fx.root)).digest('hex')
  const magnet = magnetLink(seeder.infoHash, seeder.name, [], [`127.0.0.1:${proxy.port}`])
  const runs: Record<string, Run[]> = { ours: [], webtorrent: [] }
  try {
    for (let i = 0; i < RUNS; i++) {
      for (const impl of IMPLS) {
        const dir = mkdtempSync(join(root, `${impl}-`))
        const proc = impl === 'ours' ? new WebTorrentProcess(OURS_SCRIPT) : new WebTorrentProcess()
        try {
          const a = await proc.request<{ metadataMs: number }>('add', { magnet, path: dir }, 60_000)
          const r = await proc.request<{ ms: number, firstByteMs: number, bytes: number, sha256: string }>('read', { fileIndex: 0, start: 0, end: SIZE - 1, chunk: MiB, timeoutMs: 120_000 }, 180_000)
          if (r.bytes !== SIZE || r.sha256 !== fullHash) throw new Error(`${impl}: read returned ${r.bytes} bytes with a different SHA-256`)
          runs[impl]!.push({ metadataMs: a.metadataMs, firstMiBMs: r.firstByteMs, mibPerS: SIZE / MiB / (r.ms / 1000) })
        } finally {
          await proc.stop()
          rmSync(dir, { recursive: true, force: true })
        }
      }
    }
  } finally {
    await proxy.close()
    await seeder.stop()
    rmSync(root, { recursive: true, force: true })
  }
  const med = (impl: string, f: (r: Run) => number): number => median(runs[impl]!.map(f))
  const row = (name: string, f: (r: Run) => number, digits: number): string => {
    const o = med('ours', f)
    const w = med('webtorrent', f)
    return `| ${name.padEnd(44)} | ${o.toFixed(digits).padStart(6)} | ${w.toFixed(digits).padStart(10)} | ${(o / w).toFixed(2).padStart(15)} |`
  }
  console.log([
    '',
    `Engine at a distance: one webtorrent 3 seeder behind a ${RTT} ms round-trip proxy${JITTER > 0 ? ` (+0-${JITTER} ms jitter each way, order kept)` : ''} on 127.0.0.1 (no upload limit);`,
    `${SIZE / MiB} MiB file, 256 KiB pieces; each leecher fresh, in its own process, reading the whole file in 1 MiB reads; medians of ${RUNS}.`,
    '',
    `| metric                                       |   ours | webtorrent | ours/webtorrent |`,
    `|----------------------------------------------|-------:|-----------:|----------------:|`,
    row('sequential read (MiB/s, higher is better)', (r) => r.mibPerS, 1),
    row('first 1 MiB read (ms)', (r) => r.firstMiBMs, 0),
    row('time to metadata (ms)', (r) => r.metadataMs, 0),
    ''
  ].join('\n'))
}
