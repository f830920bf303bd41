// Summaries of the request pattern a server saw, for the report's details.
import type { ProxiedRequest } from './proxy.ts'
import { fmtMiB, fmtMs } from './table.ts'

/** One line per request for the first few, then a count (seeks repeat the same pattern). */
export function describeRequests (reqs: ProxiedRequest[], limit = 12): string[] {
  const lines = reqs.slice(0, limit).map((r) => `${(r.t / 1000).toFixed(2)} s ${r.method} ${r.range === '' ? '(no range)' : r.range} -> ${fmtMiB(r.bytes)} in ${fmtMs(r.ms)}`)
  if (reqs.length > limit) lines.push(`... ${reqs.length - limit} more requests, ${fmtMiB(reqs.slice(limit).reduce((s, r) => s + r.bytes, 0))}`)
  // the slowest requests are where a player waited
  const slow = [...reqs].sort((a, b) => b.ms - a.ms).slice(0, 3)
  lines.push(`slowest: ${slow.map((r) => `${r.range} at ${(r.t / 1000).toFixed(2)} s (${fmtMiB(r.bytes)} in ${fmtMs(r.ms)})`).join('; ')}`)
  return lines
}
