// Range arithmetic for layouts: clamp to the file, sort, merge overlapping or touching ranges.
import type { PlaybackRange, RangeReason } from './types.ts'

export interface WantedRange { offset: number, length: number, reason: RangeReason }

/** Clamps each range to [0, size), drops empty ones, sorts by offset and merges overlaps. */
export function mergeRanges (wanted: WantedRange[], size: number): PlaybackRange[] {
  const clamped: WantedRange[] = []
  for (const r of wanted) {
    if (!Number.isFinite(r.offset) || !Number.isFinite(r.length)) continue
    const start = Math.max(0, Math.floor(r.offset))
    const end = Math.min(size, Math.floor(r.offset + r.length))
    if (end > start) clamped.push({ offset: start, length: end - start, reason: r.reason })
  }
  clamped.sort((a, b) => a.offset - b.offset) // stable: on a tie the range listed first names the merge
  const out: PlaybackRange[] = []
  for (const r of clamped) {
    const last = out[out.length - 1]
    if (last !== undefined && r.offset <= last.offset + last.length) {
      last.length = Math.max(last.length, r.offset + r.length - last.offset)
      if (!last.reasons.includes(r.reason)) last.reasons.push(r.reason)
    } else {
      out.push({ offset: r.offset, length: r.length, reason: r.reason, reasons: [r.reason] })
    }
  }
  return out
}

/** The head/tail estimate used when nothing better is known. */
export function headTail (size: number, headerBytes: number, footerBytes: number): WantedRange[] {
  return [
    { offset: 0, length: Math.min(size, headerBytes), reason: 'head' },
    { offset: Math.max(0, size - footerBytes), length: Math.min(size, footerBytes), reason: 'tail' }
  ]
}
