// What a player does, timed: ffprobe's probe, ffmpeg reading the first 2 s or 2 s after a seek
// (or, without ffmpeg, the recorded read pattern replayed as Range GETs), and a paced reader
// that consumes at the media bitrate and counts stalls.
import { spawn } from 'node:child_process'
import { request } from 'node:http'
import { mediaRanges, type BenchMedia } from './media.ts'

export interface Timed { ms: number, ok: boolean, error?: string }

/** Runs a tool to completion (stdout discarded), killed at the timeout. */
export async function runTool (cmd: string, args: string[], timeoutMs: number): Promise<Timed> {
  const t0 = performance.now()
  return await new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (d: Buffer) => { if (stderr.length < 4000) stderr += d.toString() })
    const timer = setTimeout(() => { child.kill('SIGKILL') }, timeoutMs)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      const ms = performance.now() - t0
      if (code === 0) resolve({ ms, ok: true })
      else resolve({ ms, ok: false, error: signal === 'SIGKILL' ? `timed out after ${timeoutMs} ms` : `${cmd} exit ${code}: ${stderr.trim().split('\n').slice(-2).join(' | ')}` })
    })
  })
}

// ffmpeg's http client: no reconnect loops, and a read that waits 30 s is an error, not a hang
const HTTP_OPTS = ['-rw_timeout', '30000000', '-reconnect', '0']

/** Reads exactly [start, end) with one Range GET (the fallback when ffmpeg is missing). */
async function getRange (url: string, start: number, end: number, timeoutMs: number): Promise<void> {
  const res = await fetch(url, { headers: { Range: `bytes=${start}-${end - 1}` }, signal: AbortSignal.timeout(timeoutMs) })
  const body = Buffer.from(await res.arrayBuffer())
  if (body.length !== end - start) throw new Error(`short read ${body.length} of ${end - start}`)
}

async function replay (ranges: Array<[number, number]>, url: string, timeoutMs: number): Promise<Timed> {
  const t0 = performance.now()
  try {
    for (const [s, e] of ranges) await getRange(url, s, e, timeoutMs)
    return { ms: performance.now() - t0, ok: true }
  } catch (err) {
    return { ms: performance.now() - t0, ok: false, error: String(err) }
  }
}

/** How a session reads: `tools` runs ffprobe/ffmpeg (replaying for synthetic media), `replay` only replays. */
export type PlayerMode = 'tools' | 'replay'

/**
 * The read pattern a player needs for its first frame, replayed as bounded Range GETs one after
 * the other (each read depends on the one before, as in a demuxer): the head, the index (Cues or
 * moov), the media of the first 2 s. No tool cost: what is left is the servers' own time.
 */
export async function replayFirstFrame (m: BenchMedia, url: string, timeoutMs: number): Promise<Timed & { probeMs: number }> {
  const media = mediaRanges(m, 0, 2)
  // a synthetic head has no end of its own: 64 KiB is what a probe reads first
  const head: [number, number] = m.real ? [m.head.start, m.head.end] : [0, Math.min(m.size, 64 * 1024)]
  const r = await replay([head, [m.index.start, m.index.end], [media.start, media.end]], url, timeoutMs)
  return { ...r, probeMs: NaN }
}

/** A seek's read pattern replayed: the media of 2 s from the keyframe at or before `at`. */
export async function replaySeek (m: BenchMedia, url: string, at: number, timeoutMs: number): Promise<Timed> {
  const media = mediaRanges(m, at, at + 2)
  return await replay([[media.start, media.end]], url, timeoutMs)
}

/** ffprobe (a scanner's or player's probe), then ffmpeg decoding the first 2 s. */
export async function firstFrame (m: BenchMedia, url: string, timeoutMs: number, mode: PlayerMode = 'tools'): Promise<Timed & { probeMs: number }> {
  if (!m.real || mode === 'replay') return await replayFirstFrame(m, url, timeoutMs)
  const probe = await runTool('ffprobe', ['-v', 'error', ...HTTP_OPTS, '-show_format', '-show_streams', url], timeoutMs)
  if (!probe.ok) return { ...probe, probeMs: probe.ms }
  const play = await runTool('ffmpeg', ['-nostdin', '-v', 'error', ...HTTP_OPTS, '-i', url, '-t', '2', '-f', 'null', '-'], timeoutMs)
  return { ms: probe.ms + play.ms, ok: play.ok, error: play.error, probeMs: probe.ms }
}

/** A new player process seeking to `at` s (index-based input seek) and decoding 2 s from there. */
export async function seek (m: BenchMedia, url: string, at: number, timeoutMs: number, mode: PlayerMode = 'tools'): Promise<Timed> {
  if (!m.real || mode === 'replay') return await replaySeek(m, url, at, timeoutMs)
  return await runTool('ffmpeg', ['-nostdin', '-v', 'error', ...HTTP_OPTS, '-ss', at.toFixed(3), '-i', url, '-t', '2', '-f', 'null', '-'], timeoutMs)
}

export interface PacedResult {
  /** ms until the first 2 s of media had arrived (startup buffering, not a stall) */
  startupMs: number
  /** episodes where playback froze > 1 s, or one chunk took > 1 s */
  stalls: number
  /** total time the buffer was empty (the picture frozen) */
  frozenMs: number
  /** longest wait for a single chunk */
  maxChunkMs: number
  /** bytes read from the stream */
  bytes: number
  ok: boolean
  error?: string
}

/**
 * A player with a 2 s buffer: the `opening` ranges first (bounded GETs), then one open-ended GET, read in chunks of 0.25 s of media on a timer
 * at exactly `bytesPerSecond` (the stream stays paused otherwise, so TCP back-pressure keeps the
 * server from being drained faster than playback). Playback starts once 2 s have arrived, plays
 * `seconds` of wall time, freezes whenever the buffer runs dry.
 */
export async function pacedRead (url: string, offset: number, bytesPerSecond: number, seconds: number, opening: Array<[number, number]> = []): Promise<PacedResult> {
  const TICK = 250
  const chunk = Math.round(bytesPerSecond * TICK / 1000)
  const buffer = 2 * bytesPerSecond
  const t0 = performance.now()
  const out: PacedResult = { startupMs: -1, stalls: 0, frozenMs: 0, maxChunkMs: 0, bytes: 0, ok: true }
  // a player reads the header and the index (the moov at the end of an MP4) before playing
  try {
    for (const [s, e] of opening) await getRange(url, s, e, 60_000)
  } catch (err) {
    return { ...out, ok: false, error: `opening reads: ${String(err)}` }
  }
  return await new Promise((resolve) => {
    let played = 0 // bytes the player has shown
    let playStart = -1
    let last = 0
    let frozenSince = -1
    let episodeCounted = false
    // each chunk is wanted at the tick that asks for it, and done when its last byte arrived
    const wanted: Array<{ until: number, since: number }> = []
    let target = buffer
    let finished = false
    let timer: NodeJS.Timeout | undefined
    const finish = (error?: string): void => {
      if (finished) return
      finished = true
      clearInterval(timer)
      if (frozenSince >= 0) out.frozenMs += performance.now() - frozenSince
      if (error !== undefined) { out.ok = false; out.error = error }
      req.destroy()
      resolve(out)
    }
    const req = request(url, { headers: { Range: `bytes=${offset}-` }, agent: false }, (res) => {
      if (res.statusCode !== 206 && res.statusCode !== 200) { finish(`status ${res.statusCode}`); return }
      const pull = (): void => {
        while (out.bytes < target) {
          const c = res.read() as Buffer | null
          if (c === null) return
          out.bytes += c.length
        }
        const now = performance.now()
        while (wanted.length > 0 && wanted[0]!.until <= out.bytes) {
          const w = wanted.shift()!
          const waited = now - w.since
          out.maxChunkMs = Math.max(out.maxChunkMs, waited)
          if (waited > 1000 && !episodeCounted) { out.stalls++; episodeCounted = true }
        }
      }
      res.on('readable', pull)
      res.on('end', () => finish(out.bytes < target ? 'stream ended early' : undefined))
      res.on('error', (err) => finish(String(err)))
      timer = setInterval(() => {
        const now = performance.now()
        if (playStart < 0) {
          if (out.bytes >= buffer) { playStart = now; last = now; out.startupMs = now - t0 } else if (now - t0 > 60_000) { finish('no startup within 60 s'); return } else return
        }
        // play what is buffered; freeze (and measure it) when the buffer is empty
        const dt = now - last
        last = now
        const canPlay = Math.min(bytesPerSecond * dt / 1000, out.bytes - played)
        played += Math.max(0, canPlay)
        if (out.bytes - played < 1) {
          if (frozenSince < 0) frozenSince = now
          if (now - frozenSince > 1000 && !episodeCounted) { out.stalls++; episodeCounted = true }
        } else if (frozenSince >= 0) {
          out.frozenMs += now - frozenSince
          frozenSince = -1
        }
        if (frozenSince < 0 && (wanted.length === 0 || now - wanted[0]!.since <= 1000)) episodeCounted = false
        // keep `buffer` bytes ahead of the picture, asking for one chunk per tick at most
        if (target < played + buffer) {
          target += chunk
          wanted.push({ until: target, since: now })
        }
        pull()
        if (now - playStart >= seconds * 1000) finish()
      }, TICK)
    })
    req.on('error', (err) => { finish(String(err)) })
    req.end()
  })
}
