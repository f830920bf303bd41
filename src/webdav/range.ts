// Range and If-Range (RFC 9110 section 14). Anything we cannot make sense of means "send
// the whole file": a 200 is always valid, a 500 on a player's odd header never is.

export type RangeAnswer =
  | { kind: 'full' }
  | { kind: 'partial', start: number, end: number }
  | { kind: 'unsatisfiable' }

/** Parses a Range header for a file of `size` bytes; `end` is inclusive. Multi-range: the first one. */
export function parseRange (header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return { kind: 'full' }
  const m = /^\s*bytes\s*=\s*(.*)$/i.exec(header)
  if (m === null) return { kind: 'full' }
  const first = (m[1] ?? '').split(',')[0]!.trim()
  const r = /^(\d*)\s*-\s*(\d*)$/.exec(first)
  if (r === null) return { kind: 'full' }
  const a = r[1] ?? ''
  const b = r[2] ?? ''
  if (a === '' && b === '') return { kind: 'full' }
  if (a === '') {
    // suffix range: the last n bytes
    const n = Number(b)
    if (!Number.isSafeInteger(n)) return { kind: 'full' }
    if (n === 0 || size === 0) return { kind: 'unsatisfiable' }
    return { kind: 'partial', start: Math.max(0, size - n), end: size - 1 }
  }
  const start = Number(a)
  const end = b === '' ? size - 1 : Number(b)
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end)) return { kind: 'full' }
  // b < a is a syntax error (ignore the header); judged on the numbers as sent, not on the clamped end
  if (b !== '' && end < start) return { kind: 'full' }
  if (start >= size) return { kind: 'unsatisfiable' }
  return { kind: 'partial', start, end: Math.min(end, size - 1) }
}

/**
 * If-Range: the Range applies only when the validator still matches. An ETag must match
 * strongly (weak tags never do); a date must equal Last-Modified to the second.
 */
export function ifRangeAllows (header: string | undefined, quotedEtag: string, lastModified: Date): boolean {
  if (header === undefined) return true
  const v = header.trim()
  if (v.startsWith('W/')) return false
  if (v.startsWith('"')) return v === quotedEtag
  const t = Date.parse(v)
  if (Number.isNaN(t)) return false
  return Math.floor(t / 1000) === Math.floor(lastModified.getTime() / 1000)
}
