// Playback benchmark (issue 5): momoshtrem's WebDAV URL against webtorrent 3's own HTTP server,
// on one loopback swarm of bandwidth-limited seeders, each server fresh for every session.
// Prints one table plus the swarm parameters. Run: `npm run bench -- playback`.
//
// Physical limit of a read = the same tool against a local-disk HTTP server (ffprobe/ffmpeg's
// own cost) + the whole pieces holding the bytes it needs / the swarm's total upload limit.
// Knobs (env): BENCH_SEEDERS (3), BENCH_SEEDER_BPS (3 MiB/s each), BENCH_PIECE (256 KiB),
// BENCH_MEDIA_SECONDS (720), BENCH_VIDEO_KBPS (3000), BENCH_VIDEO_SIZE (320x180),
// BENCH_PACED_SECONDS (60), BENCH_STALL_FILES (mkv,mp4), BENCH_BUDGET_S (470: paced reads
// are skipped rather than run past it), BENCH_TARGETS (momoshtrem,webtorrent: naming one is
// for quick iterations; the table then has no ratios), BENCH_MODES (tools,replay: likewise).
// Needs ffmpeg/ffprobe for real files; without them the synthetic layouts of
// test/helpers/media.ts are used and the read pattern is replayed.
//
// Two ways of reading each file, each on a fresh server: `tools` runs ffprobe and ffmpeg;
// `replay` requests the ranges they need (head, index, first 2 s; 2 s after each seek) one
// after the other with no tool in between, so its limit is the issue's own: whole pieces needed
// / swarm bandwidth.
import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { cpus, loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { makeBenchMedia, mediaRanges, pieceBytes, rangeBytes, union, type BenchMedia, type Range } from './lib/media.ts'
import { calibrate, startSwarm, type Swarm } from './lib/swarm.ts'
import { startLocal, startMomoshtrem, startWebtorrent, type Target } from './lib/targets.ts'
import { playSession, pacedSession, type PacedSession, type SessionResult } from './lib/phases.ts'
import type { PlayerMode } from './lib/measure.ts'
import { fmtMiB, fmtMs, fmtX, median, renderTable, type Cell } from './lib/table.ts'
import { rng as prng } from '../test/helpers/fixtures.ts'
import { describeRequests } from './lib/report.ts'

const KiB = 1024
const MiB = 1024 * KiB
const env = process.env
const P = {
  seeders: Number(env.BENCH_SEEDERS ?? 3),
  /** bytes/s per seeder for first frame and seeks: 3 x 3 MiB/s = 9 MiB/s */
  perSeeder: Number(env.BENCH_SEEDER_BPS ?? 3 * MiB),
  pieceLength: Number(env.BENCH_PIECE ?? 256 * KiB),
  // 12 min at 3 Mbit/s = 270 MiB a file, 30 s of the whole swarm: a greedy client cannot
  // fetch the whole file during the ~15 s of seeks (with a few minutes it could, and every
  // later seek would be a cache hit); small frames keep decoding cheap, CBR filler keeps the size
  seconds: Number(env.BENCH_MEDIA_SECONDS ?? 720),
  videoKbps: Number(env.BENCH_VIDEO_KBPS ?? 3000),
  size: env.BENCH_VIDEO_SIZE ?? '320x180',
  seeks: 10,
  seed: 5,
  /** the stall test: media bitrate = this share of the swarm's bandwidth */
  load: 0.6,
  pacedSeconds: Number(env.BENCH_PACED_SECONDS ?? 60),
  stallFiles: (env.BENCH_STALL_FILES ?? 'mkv,mp4').split(','),
  targets: (env.BENCH_TARGETS ?? 'momoshtrem,webtorrent').split(','),
  /** tools (ffprobe/ffmpeg), replay (their reads without the tools) */
  modes: (env.BENCH_MODES ?? 'tools,replay').split(','),
  opTimeoutMs: 30_000,
  budgetMs: Number(env.BENCH_BUDGET_S ?? 470) * 1000
}

interface FileResult {
  m: BenchMedia
  seekTimes: number[]
  ffNeed: { bytes: number, pieces: number }
  /** every byte the first frame and all seeks need, each counted once */
  sessionNeed: number
  seekNeed: Array<{ bytes: number, pieces: number }>
  local: SessionResult
  runs: Record<string, SessionResult | null>
  /** the same reads without the tools (real media only): the needed ranges replayed as Range GETs */
  localReplay: SessionResult | null
  replays: Record<string, SessionResult | null>
  paced: Record<string, PacedSession | null>
  errors: string[]
}

export async function run (): Promise<void> {
  const t0 = performance.now()
  const left = (): number => P.budgetMs - (performance.now() - t0)
  const root = mkdtempSync(join(tmpdir(), 'momoshtrem-bench-playback-'))
  const open = new Set<Target>()
  let swarm: Swarm | null = null
  const cleanup = async (): Promise<void> => {
    await Promise.allSettled([...open].map(async (t) => { await t.close() }))
    await swarm?.stop()
    rmSync(root, { recursive: true, force: true })
  }
  const onSignal = (): void => { void cleanup().finally(() => process.exit(130)) }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  try {
    const folder = join(root, 'Bench.Playback')
    mkdirSync(folder)
    log(`encoding ${P.seconds} s of ${P.size} testsrc at ${P.videoKbps} kbit/s (MKV, then MP4 with moov last)`)
    const media = await makeBenchMedia(folder, { seconds: P.seconds, videoKbps: P.videoKbps, size: P.size })
    log(`media ready after ${fmtMs(performance.now() - t0)}; starting ${P.seeders} seeders`)
    swarm = await startSwarm(folder, P.seeders, P.perSeeder, P.pieceLength)
    const sw = swarm
    // the nominal limit is the yardstick; this checks the seeders really hold to it
    const calFile = sw.files.findIndex((f) => f.path.endsWith(`/${media[0]!.name}`))
    const measured = await calibrate(sw, calFile, Math.floor(media[0]!.size / 2), Math.min(16 * MiB, Math.floor(media[0]!.size / 3)))
    log(`swarm: ${fmtMiB(sw.bandwidth)}/s nominal, ${fmtMiB(measured)}/s measured by a webtorrent leecher`)

    const results: FileResult[] = []
    for (const m of media) {
      const file = sw.files.find((f) => f.path.endsWith(`/${m.name}`))!
      const rnd = prng(P.seed)
      const seekTimes = Array.from({ length: P.seeks }, () => 10 + rnd() * (m.seconds - 20))
      const need = (rs: Range[]): { bytes: number, pieces: number } => ({ bytes: rangeBytes(rs), pieces: pieceBytes(rs, file.offset, sw.pieceLength) })
      const r: FileResult = {
        m,
        seekTimes,
        ffNeed: need([m.head, m.index, mediaRanges(m, 0, 2)]),
        seekNeed: seekTimes.map((at) => need([mediaRanges(m, at, at + 2)])),
        sessionNeed: rangeBytes(union([m.head, m.index, mediaRanges(m, 0, 2), ...seekTimes.map((at) => mediaRanges(m, at, at + 2))])),
        local: await localBaseline(m, seekTimes, open, 'tools'),
        runs: {},
        localReplay: m.real && P.modes.includes('replay') ? await localBaseline(m, seekTimes, open, 'replay') : null,
        replays: {},
        paced: {},
        errors: []
      }
      for (const name of P.targets) {
        log(`${m.kind}: ${name}, first frame and ${P.seeks} seeks`)
        if (P.modes.includes('tools')) r.runs[name] = await session(() => starter(name, sw, file.path, m), open, (t) => playSession(t, m, seekTimes, { timeoutMs: P.opTimeoutMs, swarmSent: sw.uploaded }), r.errors)
        if (!m.real || !P.modes.includes('replay')) continue
        log(`${m.kind}: ${name}, the same reads replayed without the tools`)
        r.replays[name] = await session(() => starter(name, sw, file.path, m), open, (t) => playSession(t, m, seekTimes, { timeoutMs: P.opTimeoutMs, swarmSent: sw.uploaded, mode: 'replay' }), r.errors)
      }
      results.push(r)
    }

    // stall test: the same swarm throttled so that the media bitrate is 60 % of its bandwidth
    const bitrate = Math.max(...media.map((m) => m.bytesPerSecond))
    await sw.setPerSeeder(bitrate / P.load / sw.seeders.length)
    const pacedBandwidth = sw.bandwidth
    for (const r of results) {
      if (!P.stallFiles.includes(r.m.kind)) continue
      for (const name of P.targets) {
        if (left() < (P.pacedSeconds + 15) * 1000) { r.errors.push(`${name}: paced read skipped, bench budget spent`); r.paced[name] = null; continue }
        log(`${r.m.kind}: ${name}, paced ${P.pacedSeconds} s read at ${(r.m.bytesPerSecond * 8 / 1e6).toFixed(2)} Mbit/s on a ${(pacedBandwidth * 8 / 1e6).toFixed(2)} Mbit/s swarm`)
        r.paced[name] = await session(() => starter(name, sw, sw.files.find((f) => f.path.endsWith(`/${r.m.name}`))!.path, r.m), open, (t) => pacedSession(t, r.m, P.pacedSeconds, sw.uploaded), r.errors)
      }
    }
    await sw.setPerSeeder(P.perSeeder)

    console.log(report(results, sw, measured, pacedBandwidth, performance.now() - t0))
  } finally {
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    await cleanup()
  }
}

/** The tools' (or the replay's) own cost on a local-disk server: the faster of two runs (the first may pay for cold caches). */
async function localBaseline (m: BenchMedia, seekTimes: number[], open: Set<Target>, mode: PlayerMode): Promise<SessionResult> {
  const runs: SessionResult[] = []
  for (let i = 0; i < 2; i++) runs.push(await session(() => startLocal(m.absPath), open, (t) => playSession(t, m, seekTimes, { timeoutMs: P.opTimeoutMs, settleMs: 0, mode })) as SessionResult)
  const min = (a: number | null, b: number | null): number | null => a === null ? b : b === null ? a : Math.min(a, b)
  const [a, b] = runs as [SessionResult, SessionResult]
  return { ...a, firstFrameMs: min(a.firstFrameMs, b.firstFrameMs), probeMs: min(a.probeMs, b.probeMs), seekMs: a.seekMs.map((v, i) => min(v, b.seekMs[i] ?? null)) }
}

function starter (name: string, sw: Swarm, filePath: string, m: BenchMedia): Promise<Target> {
  return name === 'momoshtrem'
    ? startMomoshtrem(sw.magnet, sw.infoHash, filePath, m.kind === 'mkv' ? 'Bench Mkv' : 'Bench Mp4', m.kind === 'mkv' ? 2001 : 2002)
    : startWebtorrent(sw.magnet, filePath)
}

/** Starts a target, runs `fn`, always closes it; a failure is recorded, not thrown. */
async function session<T> (start: () => Promise<Target>, open: Set<Target>, fn: (t: Target) => Promise<T>, errors?: string[]): Promise<T | null> {
  let target: Target | null = null
  try {
    target = await start()
    open.add(target)
    return await fn(target)
  } catch (err) {
    if (errors === undefined) throw err
    errors.push(String(err))
    return null
  } finally {
    if (target !== null) { open.delete(target); await target.close() }
  }
}

/** Which code was measured: others commit to the same checkout while benches run. */
function treeState (): string {
  try {
    const git = (args: string[]): string => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim()
    const dirty = git(['status', '--porcelain', '--', 'src']).split('\n').filter((l) => l !== '').length
    return `commit ${git(['rev-parse', '--short', 'HEAD'])}${dirty > 0 ? ` + ${dirty} uncommitted file(s) under src/` : ', src/ clean'}`
  } catch {
    return 'unknown (no git)'
  }
}

function log (msg: string): void { console.error(`[playback] ${msg}`) }

function report (results: FileResult[], sw: Swarm, measured: number, pacedBandwidth: number, totalMs: number): string {
  const bw = sw.perSeeder * sw.seeders.length
  const rows: Cell[][] = []
  const x = (a: number | null, b: number | null): string => a === null || b === null ? '-' : fmtX(a / b)
  const okSeeks = (s: SessionResult | null): number[] => (s?.seekMs ?? []).filter((v): v is number => v !== null)
  const notes: string[] = []
  for (const r of results) {
    const K = r.m.kind.toUpperCase()
    const transfer = (bytes: number): number => bytes / bw * 1000
    const ffLimit = (r.local.firstFrameMs ?? 0) + transfer(r.ffNeed.pieces)
    const seekLimits = r.seekNeed.map((n, i) => (r.local.seekMs[i] ?? 0) + transfer(n.pieces))
    const colOf = (runs: Record<string, SessionResult | null>, f: (s: SessionResult) => number | null): Array<number | null> => ['momoshtrem', 'webtorrent'].map((n) => { const s = runs[n]; return s == null ? null : f(s) })
    const col = (f: (s: SessionResult) => number | null): Array<number | null> => colOf(r.runs, f)
    const seekRatios = (s: SessionResult, limits = seekLimits): number[] => s.seekMs.flatMap((v, i) => v === null ? [] : [v / limits[i]!])
    const allSeeks = (s: SessionResult): boolean => s.seekMs.every((v) => v !== null)
    const ff = col((s) => s.firstFrameMs)
    const sMed = col((s) => allSeeks(s) ? median(okSeeks(s)) : null)
    const sMax = col((s) => allSeeks(s) ? Math.max(...okSeeks(s)) : null)
    // the swarm's count, not the client's: a client that cancels requests the throttled seeders
    // already queued still receives those blocks, and may not count what it then drops
    const perByte = col((s) => s.sent / r.sessionNeed)
    rows.push([`-- ${K} (${fmtMiB(r.m.size)}, ${(r.m.bytesPerSecond * 8 / 1e6).toFixed(2)} Mbit/s, ${r.m.seconds.toFixed(0)} s): physical limit first frame ${fmtMs(ffLimit)}, seeks ${fmtMs(median(seekLimits))} median`])
    rows.push([`${K} first frame (ffprobe + 2 s)`, fmtMs(ff[0]!), fmtMs(ff[1]!), x(ff[0]!, ff[1]!), '<= 0.50x'])
    rows.push([`${K} first frame / physical limit`, x(ff[0]!, ffLimit), x(ff[1]!, ffLimit), '', '<= 1.50x'])
    // the floor: the same tools with the file on local disk, no network at all
    rows.push([`${K}   floor: local disk (ratio to webtorrent)`, fmtMs(r.local.firstFrameMs), '', x(r.local.firstFrameMs, ff[1]!), ''])
    rows.push([`${K} seek median (2 s readable)`, fmtMs(sMed[0]!), fmtMs(sMed[1]!), x(sMed[0]!, sMed[1]!), '<= 0.50x'])
    rows.push([`${K} seek max`, fmtMs(sMax[0]!), fmtMs(sMax[1]!), x(sMax[0]!, sMax[1]!), '<= 0.50x'])
    const sr = col((s) => allSeeks(s) ? median(seekRatios(s)) : null)
    const srMax = col((s) => allSeeks(s) ? Math.max(...seekRatios(s)) : null)
    rows.push([`${K} seek / physical limit, median`, fmtX(sr[0]!), fmtX(sr[1]!), '', '<= 1.50x'])
    rows.push([`${K} seek / physical limit, max`, fmtX(srMax[0]!), fmtX(srMax[1]!), '', '<= 1.50x'])
    if (r.localReplay !== null) {
      // the issue's own yardstick: bytes needed (whole pieces) / swarm bandwidth, no tool cost
      const rff = colOf(r.replays, (s) => s.firstFrameMs)
      const rLimits = r.seekNeed.map((n) => transfer(n.pieces))
      const rMed = colOf(r.replays, (s) => allSeeks(s) ? median(okSeeks(s)) : null)
      const rMax = colOf(r.replays, (s) => allSeeks(s) ? Math.max(...okSeeks(s)) : null)
      rows.push([`${K} first frame, reads replayed (head, index, 2 s)`, fmtMs(rff[0]!), fmtMs(rff[1]!), x(rff[0]!, rff[1]!), '<= 0.50x'])
      rows.push([`${K}   replayed / physical limit (${fmtMs(transfer(r.ffNeed.pieces))})`, x(rff[0]!, transfer(r.ffNeed.pieces)), x(rff[1]!, transfer(r.ffNeed.pieces)), '', '<= 1.50x'])
      rows.push([`${K}   replay floor: local disk`, fmtMs(r.localReplay.firstFrameMs), '', '', ''])
      rows.push([`${K} seek replayed, median / max`, `${fmtMs(rMed[0]!)} / ${fmtMs(rMax[0]!)}`, `${fmtMs(rMed[1]!)} / ${fmtMs(rMax[1]!)}`, `${x(rMed[0]!, rMed[1]!)} / ${x(rMax[0]!, rMax[1]!)}`, '<= 0.50x'])
      const rsr = colOf(r.replays, (s) => allSeeks(s) ? median(seekRatios(s, rLimits)) : null)
      const rsrMax = colOf(r.replays, (s) => allSeeks(s) ? Math.max(...seekRatios(s, rLimits)) : null)
      rows.push([`${K}   seek replayed / physical limit, median / max`, `${fmtX(rsr[0]!)} / ${fmtX(rsrMax[0]!)}`, `${fmtX(rsr[1]!)} / ${fmtX(rsrMax[1]!)}`, '', '<= 1.50x'])
    }
    rows.push([`${K} swarm bytes sent / needed (probe + seeks)`, fmtX(perByte[0]!), fmtX(perByte[1]!), x(perByte[0]!, perByte[1]!), '~1x'])
    const pc = (f: (p: PacedSession) => number | null): Array<number | null> => ['momoshtrem', 'webtorrent'].map((n) => { const p = r.paced[n]; return p == null ? null : f(p) })
    if (P.stallFiles.includes(r.m.kind)) {
      const stalls = pc((p) => p.ok ? p.stalls : null)
      const frozen = pc((p) => p.frozenMs)
      const chunk = pc((p) => p.maxChunkMs)
      const startup = pc((p) => p.startupMs)
      const played = pc((p) => p.bytes > 0 ? p.sent / p.bytes : null)
      rows.push([`${K} stalls, ${P.pacedSeconds} s at 1x = ${Math.round(P.load * 100)} % load`, stalls[0] ?? '-', stalls[1] ?? '-', '', '0'])
      rows.push([`${K}   frozen time / longest chunk wait`, `${fmtMs(frozen[0]!)} / ${fmtMs(chunk[0]!)}`, `${fmtMs(frozen[1]!)} / ${fmtMs(chunk[1]!)}`, '', '0 / <= 1 s'])
      // what the opening reads and the 2 s buffer need, in whole pieces, at the throttled bandwidth
      const file = sw.files.find((f) => f.path.endsWith(`/${r.m.name}`))!
      const startNeed = pieceBytes([r.m.head, r.m.index, { start: r.m.mediaOffset, end: r.m.mediaOffset + Math.ceil(2 * r.m.bytesPerSecond) }], file.offset, sw.pieceLength)
      rows.push([`${K}   startup (head + index + 2 s buffered)`, fmtMs(startup[0]!), fmtMs(startup[1]!), x(startup[0]!, startup[1]!), `limit ${fmtMs(startNeed / pacedBandwidth * 1000)}`])
      rows.push([`${K}   swarm bytes sent / played (paced)`, fmtX(played[0]!), fmtX(played[1]!), x(played[0]!, played[1]!), '~1x'])
    }
    for (const n of ['momoshtrem', 'webtorrent']) {
      const s = r.runs[n]
      if (s != null) {
        notes.push(`${K} ${n}: swarm sent ${fmtMiB(s.sent)}, client counted ${fmtMiB(s.downloaded)} downloaded, served ${fmtMiB(s.delivered)}; first frame ${fmtMs(s.firstFrameMs)} (ffprobe ${fmtMs(s.probeMs)}); seeks ${s.seekMs.map(fmtMs).join(', ')}`)
        notes.push(...describeRequests(s.requests).map((l) => `    ${l}`))
        if (s.server !== '') notes.push(`    server: ${s.server}`)
        for (const e of s.errors) notes.push(`    error: ${e}`)
      }
      const rs = r.replays[n]
      if (rs != null) {
        notes.push(`${K} ${n} replayed: swarm sent ${fmtMiB(rs.sent)}, first frame ${fmtMs(rs.firstFrameMs)}; seeks ${rs.seekMs.map(fmtMs).join(', ')}`)
        notes.push(...describeRequests(rs.requests, 4).map((l) => `    ${l}`))
        for (const e of rs.errors) notes.push(`    error: ${e}`)
      }
      const p = r.paced[n]
      if (p != null) notes.push(`${K} ${n} paced: read ${fmtMiB(p.bytes)}, swarm sent ${fmtMiB(p.sent)}, client counted ${fmtMiB(p.downloaded)}, stalls ${p.stalls}, frozen ${fmtMs(p.frozenMs)}, longest chunk ${fmtMs(p.maxChunkMs)}${p.ok ? '' : `, error: ${p.error ?? '?'}`}${p.server === '' ? '' : `; server: ${p.server}`}`)
      if (p != null) notes.push(...describeRequests(p.requests, 4).map((l) => `    ${l}`))
    }
    for (const e of r.errors) notes.push(`${K} error: ${e}`)
    notes.push(`${K} needs: ${fmtMiB(r.sessionNeed)} for first frame and all seeks; first frame ${fmtMiB(r.ffNeed.bytes)} (${fmtMiB(r.ffNeed.pieces)} in pieces), local ffprobe+ffmpeg ${fmtMs(r.local.firstFrameMs)}; seeks at ${r.seekTimes.map((t) => t.toFixed(1)).join(', ')} s need ${r.seekNeed.map((n) => fmtMiB(n.pieces)).join(', ')} in pieces, local ${r.local.seekMs.map(fmtMs).join(', ')}${r.localReplay === null ? '' : `; replayed locally: first frame ${fmtMs(r.localReplay.firstFrameMs)}, seeks ${r.localReplay.seekMs.map(fmtMs).join(', ')}`}`)
  }
  const params = [
    `swarm: ${sw.seeders.length} webtorrent 3 seeders on 127.0.0.1 (TCP only, peers via x.pe), upload limit ${fmtMiB(sw.perSeeder)}/s each = ${fmtMiB(bw)}/s total (25 ms burst), ${fmtMiB(measured)}/s measured;`,
    `  stall test: ${fmtMiB(pacedBandwidth / sw.seeders.length)}/s each = ${(pacedBandwidth * 8 / 1e6).toFixed(2)} Mbit/s total; piece length ${sw.pieceLength / KiB} KiB; one torrent holding both files`,
    ...results.map((r) => `  ${r.m.name}: ${fmtMiB(r.m.size)}, ${r.m.seconds.toFixed(1)} s, ${(r.m.bytesPerSecond * 8 / 1e6).toFixed(2)} Mbit/s, index (${r.m.kind === 'mkv' ? 'Cues' : 'moov'}) at ${fmtMiB(r.m.index.start)} (${(r.m.index.end - r.m.index.start).toLocaleString('en')} B), ${r.m.real ? `ffmpeg ${P.size} H.264 CBR ${P.videoKbps} kbit/s + AAC, keyframe every 2 s` : 'synthetic layout, reads replayed'}`),
    `  first frame = ffprobe -show_format -show_streams, then ffmpeg -i URL -t 2 -f null; seek = ffmpeg -ss T -i URL -t 2 -f null (new process each, ${P.seeks} positions, seed ${P.seed})`,
    `  physical limit = same tool on a local-disk HTTP server + whole pieces needed / total upload limit; ratio column = momoshtrem / webtorrent`,
    `  replayed = the bytes a player needs (head, index, first 2 s; 2 s after each seek) as Range GETs one after the other on a fresh server, limit = whole pieces / total upload limit`,
    `  swarm bytes sent = the seeders' own upload counters over the session (blocks a client cancelled but still received count too)`,
    `  measured tree: ${treeState()}`,
    `  bench took ${fmtMs(totalMs)}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} on ${cpus().length} CPUs (other work on the machine skews times)`
  ]
  return ['', 'PLAYBACK BENCH', ...params, '',
    renderTable(['metric', 'momoshtrem', 'webtorrent', 'ratio', 'goal'], rows), '', 'details:', ...notes.map((n) => `  ${n}`)].join('\n')
}
