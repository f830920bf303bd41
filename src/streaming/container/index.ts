// Entry point of the container probes: which byte ranges must a player read before it can
// play this file? MKV and MP4 are parsed; anything else gets head/tail estimates.
import { locateMkv } from './mkv.ts'
import { locateMp4 } from './mp4.ts'
import { headTail, mergeRanges } from './ranges.ts'
import { ByteSource, ReadFailed } from './source.ts'
import type { LocateOptions, PlaybackLayout, ReadAt } from './types.ts'

export type * from './types.ts'
export { mergeRanges } from './ranges.ts'
export { LayoutCache, layoutKey, type LayoutCacheOptions } from './cache.ts'

const DEFAULT_PROBE_BYTES = 64 * 1024
const DEFAULT_MAX_READS = 32

/**
 * Locates the ranges a player reads at open, with as few and small reads as possible: the
 * first `probeBytes`, then a few header-sized reads. Never throws on garbage or truncated
 * files (those get format 'unknown' and head/tail estimates); errors thrown by `read` itself
 * (read_timeout, closed) are rethrown unchanged.
 */
export async function locatePlaybackRanges (size: number, read: ReadAt, opts: LocateOptions): Promise<PlaybackLayout> {
  if (!Number.isSafeInteger(size) || size < 0) throw new RangeError(`bad file size: ${size}`)
  const src = new ByteSource(size, read, opts.maxReads ?? DEFAULT_MAX_READS)
  const unknown = (why: string): PlaybackLayout => ({
    format: 'unknown',
    ranges: mergeRanges(headTail(size, opts.headerBytes, opts.footerBytes), size),
    mediaOffset: null,
    reads: src.reads,
    bytesRead: src.bytesRead,
    details: { why }
  })
  if (size === 0) return unknown('empty file')
  try {
    await src.loadHead(Math.min(size, opts.probeBytes ?? DEFAULT_PROBE_BYTES))
    return (await locateMkv(src, opts)) ?? (await locateMp4(src, opts)) ?? unknown('not MKV or MP4')
  } catch (err) {
    if (err instanceof ReadFailed) throw err.original
    // A parser bug on some input must not break playback: fall back to the estimates.
    return unknown(`probe failed: ${err instanceof Error ? err.message : String(err)}`)
  }
}
