// One measurement session against one fresh server: first frame, ten seeks, bytes downloaded;
// or a paced 1x read. The caller starts and closes the target.
import { firstFrame, pacedRead, seek, type PacedResult, type PlayerMode } from './measure.ts'
import type { BenchMedia } from './media.ts'
import type { ProxiedRequest } from './proxy.ts'
import type { Target } from './targets.ts'

export interface SessionResult {
  firstFrameMs: number | null
  probeMs: number | null
  /** per seek, null when it failed or timed out */
  seekMs: Array<number | null>
  /** payload bytes downloaded from the swarm, 1 s after the last read, as the client counts them */
  downloaded: number
  /**
   * bytes the seeders sent meanwhile (webtorrent's upload counter, after its throttle): what the
   * session really cost the swarm, blocks the client cancelled and then dropped included
   */
  sent: number
  /** bytes the server delivered to the player (through the proxy) */
  delivered: number
  requests: ProxiedRequest[]
  /** the server's own account of the session (momoshtrem's streaming figures), if it has one */
  server: string
  errors: string[]
}

const sleep = async (ms: number): Promise<void> => { await new Promise((resolve) => setTimeout(resolve, ms)) }

/** Bytes the whole swarm has uploaded so far (0 when there is no swarm, e.g. the local baseline). */
export type SwarmCounter = () => Promise<number>

export interface PlayOptions {
  timeoutMs: number
  /** wait after the last read before counting bytes (read-ahead a closed request left running) */
  settleMs?: number
  swarmSent?: SwarmCounter
  /** the tools, or their read pattern replayed */
  mode?: PlayerMode
}

export async function playSession (target: Target, m: BenchMedia, seekTimes: number[], o: PlayOptions): Promise<SessionResult> {
  const { timeoutMs, settleMs = 1000, swarmSent = async () => 0, mode = 'tools' } = o
  const errors: string[] = []
  const sent0 = await swarmSent()
  const ff = await firstFrame(m, target.url, timeoutMs, mode)
  if (!ff.ok) errors.push(`first frame: ${ff.error ?? '?'}`)
  const seekMs: Array<number | null> = []
  let failures = 0
  for (const at of seekTimes) {
    // two timeouts in a row: the server is stuck, do not spend the whole budget proving it
    if (failures >= 2) { seekMs.push(null); continue }
    const s = await seek(m, target.url, at, timeoutMs, mode)
    seekMs.push(s.ok ? s.ms : null)
    if (!s.ok) { failures++; errors.push(`seek ${at.toFixed(1)} s: ${s.error ?? '?'}`) } else failures = 0
  }
  await sleep(settleMs)
  return {
    firstFrameMs: ff.ok ? ff.ms : null,
    probeMs: ff.ok ? ff.probeMs : null,
    seekMs,
    downloaded: await target.downloaded(),
    sent: await swarmSent() - sent0,
    delivered: target.proxy.delivered,
    requests: [...target.proxy.requests],
    server: await target.serverStats(),
    errors
  }
}

export interface PacedSession extends PacedResult { downloaded: number, sent: number, delivered: number, server: string, requests: ProxiedRequest[] }

export async function pacedSession (target: Target, m: BenchMedia, seconds: number, swarmSent: SwarmCounter): Promise<PacedSession> {
  const sent0 = await swarmSent()
  const r = await pacedRead(target.url, m.mediaOffset, m.bytesPerSecond, seconds, [[m.head.start, m.head.end], [m.index.start, m.index.end]])
  await sleep(1000)
  return { ...r, downloaded: await target.downloaded(), sent: await swarmSent() - sent0, delivered: target.proxy.delivered, server: await target.serverStats(), requests: [...target.proxy.requests] }
}
