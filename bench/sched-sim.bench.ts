// The swarm-internet bench's swarm and reads, simulated (lib/scheduler-sim.ts): the scheduler
// alone, in simulated time, the same swarm and jitter for every scheduler compared. For rule
// changes too small for the real bench on a loaded machine to show; the real bench still has
// the last word (CPU, TCP and webtorrent's own ways are not modelled).
// Parameters: BENCH_NET_PIECES (MiB, "1,4,16"), BENCH_SIM_SEEDS (how many jitter seeds, 20),
// BENCH_NET_BASE (a checkout whose src/torrent/scheduler.ts runs as 'base' beside this one's),
// BENCH_SIM_TRACE=<seed> (print that seed's reads: seeders' backlogs, blocks per peer),
// BENCH_SIM_PAUSE_MS (2000: the pause before each later probe in the second pass),
// BENCH_SIM_WAKE (0: a seeder idle when a request reaches it sends up to this many ms later,
// uniformly at random; 80 reproduces the real bench's figures: 1 MiB first byte 3.2x, 4 MiB
// 1.72x, where the real runs of 2026-12-07 gave 3.0-3.1x and 1.66-1.72x, and 0 gives 2.35x
// and 1.40x), BENCH_SIM_BUSY (<mean gap ms>:<longest stall ms>, "0:0": our process stalls at
// random, and blocks that arrive during a stall are seen at its end).
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Scheduler } from '../src/torrent/scheduler.ts'
import type { TorrentInfo } from '../src/torrent/types.ts'
import { simulate, type SchedulerCtor, type SeederSpec, type SimRead } from './lib/scheduler-sim.ts'
import { fmtX, median, renderTable, type Cell } from './lib/table.ts'
import { CASES, STEADY, VANISHING } from './swarm-internet.bench.ts'

const MiB = 1024 * 1024
const PIECES = (process.env.BENCH_NET_PIECES ?? '1,4,16').split(',').map((s) => Number(s) * MiB)
const SEEDS = Number(process.env.BENCH_SIM_SEEDS ?? 20)
const SIZE = Number(process.env.BENCH_NET_SIZE_MIB ?? 128) * MiB
/** the pause before each later probe in the second pass (BENCH_SIM_PAUSE_MS) */
const PAUSE_MS = Number(process.env.BENCH_SIM_PAUSE_MS ?? 2000)

export async function run (): Promise<void> {
  const impls: Array<[string, SchedulerCtor]> = [['this', Scheduler as unknown as SchedulerCtor]]
  const base = process.env.BENCH_NET_BASE
  if (base !== undefined) {
    const mod = await import(pathToFileURL(join(base, 'src', 'torrent', 'scheduler.ts')).href) as { Scheduler: SchedulerCtor }
    impls.push(['base', mod.Scheduler])
  }
  const specs: SeederSpec[] = [
    { mbit: 0, rttMs: 0, silent: true },
    ...VANISHING.map(([mbit, rttMs]): SeederSpec => ({ mbit, rttMs, vanishAfter: 0 })),
    ...STEADY.map(([mbit, rttMs]): SeederSpec => ({ mbit, rttMs }))
  ]
  const bandwidth = STEADY.reduce((a, [m]) => a + m * 1e6 / 8, 0)
  // and a stream: 32 MiB from 25 %, 1 MiB at a time, 32 MiB read ahead (streaming.readahead_bytes):
  // its ratio is its time over the time the steady bandwidth takes for 32 MiB (a piece size's limit)
  const reads: SimRead[] = [...CASES, { name: 'stream 32 MiB (vs 32 MiB at full rate)', start: SIZE / 4, length: 32 * MiB, chunk: MiB, window: 32 * MiB }]
  // and the probes again with a pause between them (a player that seeks after a while): peers
  // idle, their queues drained, what the scheduler learnt of them all it has (own leecher; its
  // first byte is the one above, so only the later reads are shown)
  const lines = [...reads.map((r) => r.name), ...CASES.slice(1).map((c) => `${c.name}, ${PAUSE_MS / 1000} s after the read before`)]
  const header = ['read', ...impls.flatMap(([n]) => [`${n} median / worst`, 'mean'])]
  const rows: Cell[][] = []
  for (const pl of PIECES) {
    const info: TorrentInfo = { infoHash: '0'.repeat(40), name: 'sim', length: SIZE, pieceLength: pl, pieceCount: Math.ceil(SIZE / pl), files: [] }
    for (const s of specs) if (s.vanishAfter !== undefined) s.vanishAfter = Math.max(32 * 1024, pl / 16)
    const limit = pl / bandwidth * 1000
    const ratios = impls.map(([, S]) => {
      const per: number[][] = lines.map(() => [])
      let silent = 0
      for (let seed = 1; seed <= SEEDS; seed++) {
        // BENCH_SIM_TRACE=<seed>: that seed's reads, per peer (lib/scheduler-sim.ts)
        const trace = process.env.BENCH_SIM_TRACE === String(seed) ? (line: string) => { console.log(line) } : undefined
        const r = simulate(S, specs, info, reads, seed, undefined, trace)
        r.ms.forEach((ms, k) => per[k]!.push(ms / (reads[k]!.chunk === undefined ? limit : reads[k]!.length / bandwidth * 1000)))
        silent += r.silentAsked
        const later = simulate(S, specs, info, CASES, seed, undefined, trace, PAUSE_MS).ms.slice(1)
        later.forEach((ms, k) => per[reads.length + k]!.push(ms / limit))
      }
      return { per, silent: silent / SEEDS }
    })
    rows.push([`-- ${pl / MiB} MiB pieces: limit ${limit.toFixed(0)} ms; blocks asked of the silent peer per leecher: ${ratios.map((r, i) => `${impls[i]![0]} ${r.silent.toFixed(1)}`).join(', ')}`])
    lines.forEach((name, k) => {
      rows.push([name, ...ratios.flatMap((r) => {
        const xs = r.per[k]!
        return [`${fmtX(median(xs))} / ${fmtX(Math.max(...xs))}`, fmtX(xs.reduce((a, b) => a + b, 0) / xs.length)]
      })])
    })
  }
  console.log(`Simulated internet-like swarm (${SEEDS} seeds of jitter each; ratio = read time / (piece / steady bandwidth)):\n`)
  console.log(renderTable(header, rows))
}
