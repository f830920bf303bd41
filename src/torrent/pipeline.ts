// How many block requests to keep at a peer: enough to fill its bandwidth for two round
// trips, no more, because everything requested from a peer is a FIFO commitment that an
// urgent (seek) request waits behind. Pure functions of what the peer measured so far.
import { BLOCK } from './metadata.ts'

/** before the first block told us the peer's round trip */
export const INITIAL_PIPELINE = 4
export const MIN_PIPELINE = 2
/**
 * Most requests kept at a peer that did not say how many it queues (BEP 10 `reqq`; 250 is
 * libtorrent's default). A peer that did is held to its own figure, up to MAX_PIPELINE:
 * Transmission says 512, and answers ~400 ms after a request even on loopback, so 256 blocks
 * capped it at 10 MiB/s.
 */
export const DEFAULT_MAX_PIPELINE = 256
export const MAX_PIPELINE = 1024
/**
 * Queue kept at a peer beyond two round trips. Blocks a peer has queued cannot be recalled
 * (a throttled client has already read them into its send buffer, CANCEL arrives too late),
 * so everything requested from a peer is a FIFO commitment: the deeper its queue, the longer
 * the next urgent (seek) request waits behind stale read-ahead.
 */
const QUEUE_MARGIN_MS = 20

/**
 * Blocks to keep requested from a peer delivering `rate` bytes/s whose shortest
 * request-to-block time is `latencyMs`: rate x (2 x latency + QUEUE_MARGIN_MS), within
 * [MIN_PIPELINE, max]; growth is immediate, shrinking at most 10 % per call.
 */
export function pipelineBlocks (rate: number, latencyMs: number, current: number, max = DEFAULT_MAX_PIPELINE): number {
  const target = Math.ceil(rate * (2 * latencyMs + QUEUE_MARGIN_MS) / 1000 / BLOCK)
  const next = target >= current ? target : Math.max(target, Math.floor(current * 0.9))
  return Math.max(MIN_PIPELINE, Math.min(max, next))
}

/**
 * A peer's delivery rate after a tick of `ms` in which `bytes` arrived: half the old estimate,
 * half the new sample. An `idle` tick (nothing asked, nothing received) is no sample at all.
 */
export function nextRate (rate: number, bytes: number, ms: number, idle: boolean): number {
  return idle ? rate : rate * 0.5 + (bytes * 1000 / ms) * 0.5
}

/**
 * Slow start, for a peer whose pipeline is full while more is wanted from it: a block that
 * waited at most 1.5 x the shortest request-to-block time plus half the margin found no queue
 * at the peer, so the pipeline gets one more slot (up to `max`).
 */
export function slowStart (current: number, latencyMs: number, minLatencyMs: number, max = DEFAULT_MAX_PIPELINE): number {
  return latencyMs <= minLatencyMs * 1.5 + QUEUE_MARGIN_MS / 2 ? Math.min(max, current + 1) : current
}
