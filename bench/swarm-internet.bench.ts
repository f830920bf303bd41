// Swarms that look like the internet (issue 16, item 1). Twelve webtorrent seeders of one file
// with upload limits from 0.5 to 20 Mbit, each behind a delay proxy adding a 10-300 ms round
// trip (no netem here: not root), plus two fast, near seeders that vanish in the middle of every
// read and one peer that says it has everything, unchokes and never answers a request. Three
// leechers, each fresh in its own child process, in the same run and on the same swarm:
// momoshtrem's engine, webtorrent 3 and torrent-stream 1.2.1 (peerflix's engine). Each opens
// the file as a player does: the first 64 KiB (first byte), the last 256 KiB (the Cues/moov at
// the end), then 64 KiB at 50 % (a seek). Figures are ratio = read time / (one piece / total
// bandwidth of the twelve steady seeders), the time one piece takes when every seeder sends its
// share at full rate: 1.0x is the limit, RTT and connection set-up come on top. A webtorrent
// leecher warms each new swarm up first, not counted (the first leecher of a fresh swarm was
// 2-3x slower whoever it was).
// Parameters: BENCH_NET_PIECES (MiB, "1,4,16"), BENCH_NET_SIZE_MIB (128), BENCH_NET_RUNS (3),
// BENCH_NET_IMPLS ("momoshtrem,webtorrent,torrent-stream"), BENCH_NET_BASE (a checkout whose
// engine runs as 'momoshtrem-base'), BENCH_NET_TRACE=1 (the engine's per-peer timings),
// BENCH_NET_PAUSE_MS (0: a pause before the Cues read and the seek, as a player that shows the
// first frame and then waits for the user; the swarm settles, read-ahead drains).
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { KiB, MiB, singleFileSpec, writeFixture, type Fixture } from '../test/helpers/fixtures.ts'
import { magnetLink, peerHint, startSeeder, WebTorrentProcess, type Seeder } from '../test/helpers/seeder.ts'
import { startDelayProxy, type DelayProxy } from './lib/delay-proxy.ts'
import { startSilentPeer, type SilentPeer } from './lib/silent-peer.ts'
import { fmtX, median, renderTable, type Cell } from './lib/table.ts'

const PIECES = (process.env.BENCH_NET_PIECES ?? '1,4,16').split(',').map((s) => Number(s) * MiB)
const SIZE = Number(process.env.BENCH_NET_SIZE_MIB ?? 128) * MiB
const RUNS = Number(process.env.BENCH_NET_RUNS ?? 3)
const PAUSE_MS = Number(process.env.BENCH_NET_PAUSE_MS ?? 0)
const IMPLS = (process.env.BENCH_NET_IMPLS ?? 'momoshtrem,webtorrent,torrent-stream').split(',')
const SCRIPTS: Record<string, string | undefined> = {
  momoshtrem: fileURLToPath(new URL('./engine-leecher-process.ts', import.meta.url)),
  webtorrent: undefined, // test/helpers/seeder-process.ts in leecher mode
  'torrent-stream': fileURLToPath(new URL('./lib/peerflix-leecher-process.ts', import.meta.url))
}
// BENCH_NET_BASE=<another checkout of the repo>: its engine runs too, as 'momoshtrem-base' (an
// A/B of two versions in the same run, on the same swarm; add it to BENCH_NET_IMPLS)
if (process.env.BENCH_NET_BASE !== undefined) SCRIPTS['momoshtrem-base'] = join(process.env.BENCH_NET_BASE, 'bench', 'engine-leecher-process.ts')

/** [upload Mbit/s, round trip ms]: rates and distances mixed, not sorted together */
export const STEADY: Array<[number, number]> = [[20, 40], [15, 120], [10, 10], [8, 300], [6, 60], [5, 25], [4, 200], [3, 80], [2, 150], [1.5, 30], [1, 250], [0.5, 100]]
/** fast and near, the peers a scheduler likes best: gone mid-read */
export const VANISHING: Array<[number, number]> = [[12, 20], [6, 15]]
const mbit = (m: number): number => Math.round(m * 1e6 / 8)
const BANDWIDTH = STEADY.reduce((a, [m]) => a + mbit(m), 0)

export interface Case { name: string, start: number, length: number }
export const CASES: Case[] = [
  { name: 'first byte', start: 0, length: 64 * KiB },
  { name: 'Cues/moov at the end', start: SIZE - 256 * KiB, length: 256 * KiB },
  { name: 'seek to 50 %', start: SIZE / 2 + 12_345, length: 64 * KiB }
]

export interface Net { magnet: string, seeders: Seeder[], proxies: DelayProxy[], vanishing: DelayProxy[], silent: SilentPeer }

export async function startNet (fx: Fixture, pieceLength: number): Promise<Net> {
  const seeders: Seeder[] = []
  const proxies: DelayProxy[] = []
  const net: Net = { magnet: '', seeders, proxies, vanishing: [], silent: null as unknown as SilentPeer }
  try {
    const all = [...VANISHING, ...STEADY]
    // the first seeder hashes the file; the others seed its .torrent without hashing again
    const first = await startSeeder(null, { path: fx.root, pieceLength, uploadLimit: mbit(all[0]![0]), timeoutMs: 400_000 })
    seeders.push(first)
    const rest = await Promise.allSettled(all.slice(1).map(async ([m]) =>
      await startSeeder(null, { path: fx.root, pieceLength, uploadLimit: mbit(m), torrentFile: first.torrentFile, timeoutMs: 400_000 })))
    for (const r of rest) if (r.status === 'fulfilled') seeders.push(r.value)
    const failed = rest.find((r) => r.status === 'rejected')
    if (failed !== undefined) throw (failed as PromiseRejectedResult).reason
    for (let i = 0; i < all.length; i++) proxies.push(await startDelayProxy(seeders[i]!.port, all[i]![1] / 2, all[i]![1] / 10))
    net.vanishing = proxies.slice(0, VANISHING.length)
    net.silent = await startSilentPeer(first.infoHash, first.pieceCount)
    // the bad peers first: whoever dials in hint order meets them first
    const hints = [peerHint(net.silent.port), ...proxies.map((p) => peerHint(p.port))]
    net.magnet = magnetLink(first.infoHash, first.name, [], hints)
    return net
  } catch (err) {
    await stopNet(net)
    throw err
  }
}

export async function stopNet (net: Net): Promise<void> {
  await Promise.all(net.proxies.map(async (p) => { await p.close() }))
  await (net.silent as SilentPeer | null)?.close()
  await Promise.all(net.seeders.map(async (s) => { await s.stop() }))
}

interface Read { ms: number, lost: boolean }

/** One fresh leecher: add, then the three reads in order; a failed or wrong read is lost. */
async function leech (impl: string, net: Net, fx: Fixture, pieceLength: number, root: string): Promise<Read[]> {
  const dir = mkdtempSync(join(root, `${impl}-`))
  const proc = new WebTorrentProcess(SCRIPTS[impl])
  const out: Read[] = []
  try {
    try {
      await proc.request('add', { magnet: net.magnet, path: dir }, 90_000)
    } catch (err) {
      console.error(`  ${impl}, add: ${String(err).slice(0, 300)}`)
      return CASES.map(() => ({ ms: Infinity, lost: true }))
    }
    for (const c of CASES) {
      // the workload's own think time (BENCH_NET_PAUSE_MS), not a wait for a condition
      if (PAUSE_MS > 0 && c !== CASES[0]) await new Promise((resolve) => setTimeout(resolve, PAUSE_MS))
      // the near, fast seeders come back for each read and vanish during it
      for (const p of net.vanishing) { p.revive(); p.armVanish(Math.max(32 * KiB, pieceLength / 16)) }
      const t0 = performance.now()
      try {
        const r = await proc.request<{ bytes: number, sha256: string }>('read', { fileIndex: 0, start: c.start, end: c.start + c.length - 1, chunk: c.length, timeoutMs: 60_000 }, 70_000)
        const ms = performance.now() - t0
        const want = createHash('sha256').update(fx.expected(fx.files[0]!.path, c.start, c.length)).digest('hex')
        out.push({ ms, lost: r.bytes !== c.length || r.sha256 !== want })
      } catch (err) {
        console.error(`  ${impl}, ${c.name}: ${String(err).slice(0, 200)}`)
        out.push({ ms: performance.now() - t0, lost: true })
      }
    }
  } finally {
    await proc.stop()
    rmSync(dir, { recursive: true, force: true })
  }
  return out
}

export async function run (): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'momoshtrem-bench-inet-'))
  const rows: Cell[][] = []
  const header = ['read', ...IMPLS.flatMap((i) => [`${i} median / worst`, 'median'])]
  const summary: Record<string, { ratios: number[], lost: number, reads: number }> = {}
  for (const impl of IMPLS) summary[impl] = { ratios: [], lost: 0, reads: 0 }
  try {
    const fx = writeFixture(root, singleFileSpec(SIZE, 'internet.mkv'))
    for (const pieceLength of PIECES) {
      const limitMs = pieceLength / BANDWIDTH * 1000
      const net = await startNet(fx, pieceLength)
      // BENCH_NET_TRACE=1: the engine's leecher prints per-peer timings by port (lib/engine-trace.ts)
      if (process.env.BENCH_NET_TRACE === '1') {
        const all = [...VANISHING.map(([m, r]) => `${m} Mbit@${r} ms, vanishing`), ...STEADY.map(([m, r]) => `${m} Mbit@${r} ms`)]
        console.log(`  ports: silent ${net.silent.port}; ${net.proxies.map((p, i) => `${p.port} ${all[i]!}`).join('; ')}`)
      }
      const times: Record<string, number[][]> = {}
      for (const impl of IMPLS) times[impl] = CASES.map(() => [])
      try {
        // a fresh swarm is slow to serve its first leecher (seeders' code cold, first disk
        // reads): a warm-up leecher, not counted, so that no measured leecher pays for it
        await leech('webtorrent', net, fx, pieceLength, root)
        for (let i = 0; i < RUNS; i++) {
          // a different leecher goes first each run: the machine is shared and noisy
          for (const impl of [...IMPLS.slice(i % IMPLS.length), ...IMPLS.slice(0, i % IMPLS.length)]) {
            const reads = await leech(impl, net, fx, pieceLength, root)
            // every read, so an outlier in the worst column can be told from a trend
            console.log(`  ${pieceLength / MiB} MiB, run ${i + 1}, ${impl}: ${reads.map((r) => r.lost ? 'lost' : `${Math.round(r.ms)} ms`).join(' / ')} (silent peer asked ${net.silent.requests} blocks so far)`)
            reads.forEach((r, k) => {
              summary[impl]!.reads++
              if (r.lost) { summary[impl]!.lost++; times[impl]![k]!.push(Infinity) } else times[impl]![k]!.push(r.ms)
            })
          }
        }
      } finally {
        await stopNet(net)
      }
      rows.push([`-- ${pieceLength / MiB} MiB pieces: limit ${limitMs.toFixed(0)} ms (one piece at ${(BANDWIDTH * 8 / 1e6).toFixed(1)} Mbit/s)`])
      CASES.forEach((c, k) => {
        const cells: Cell[] = [c.name]
        for (const impl of IMPLS) {
          const ts = times[impl]![k]!
          const ratios = ts.map((t) => t / limitMs)
          summary[impl]!.ratios.push(...ratios)
          cells.push(`${fmtX(median(ratios))} / ${fmtX(Math.max(...ratios))}`, `${Math.round(median(ts))} ms`)
        }
        rows.push(cells)
      })
      // as it goes: a later swarm that fails to start (a loaded machine) loses only its own lines
      console.log(renderTable(header, rows.slice(rows.length - CASES.length - 1)))
    }
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
  rows.push(['-- all reads'])
  rows.push(['median / worst ratio, lost', ...IMPLS.flatMap((i) => {
    const s = summary[i]!
    return [`${fmtX(median(s.ratios))} / ${fmtX(Math.max(...s.ratios))}`, `${s.lost}/${s.reads} lost`]
  })])
  console.log([
    '',
    `Internet-like swarm: ${STEADY.length} steady webtorrent seeders (${STEADY.map(([m, r]) => `${m} Mbit@${r} ms`).join(', ')}),`,
    `${VANISHING.length} that vanish mid-read (${VANISHING.map(([m, r]) => `${m} Mbit@${r} ms`).join(', ')}) and one silent peer (has all, unchokes, never answers);`,
    `${SIZE / MiB} MiB file; each leecher fresh in its own process; ${RUNS} runs each, leechers in turn on the same swarm${PAUSE_MS > 0 ? `; ${PAUSE_MS} ms pause before the Cues read and the seek` : ''}.`,
    'Ratio = read time / (piece / steady bandwidth); "lost" = a read that failed, timed out (60 s) or returned wrong bytes (counted as infinite).',
    '',
    renderTable(header, rows),
    ''
  ].join('\n'))
}
