// Plain-text table and number formatting for the bench report.

export type Cell = string | number | null

export function fmtMs (ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '-'
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms)} ms`
}

export function fmtX (x: number | null): string {
  return x === null || !Number.isFinite(x) ? '-' : `${x.toFixed(2)}x`
}

export function fmtMiB (bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 2 : 1)} MiB`
}

export function renderTable (header: string[], rows: Cell[][]): string {
  const text = rows.map((r) => r.map((c) => c === null ? '-' : String(c)))
  // section rows ('-- ...') span the whole line and do not widen the first column
  const body = text.filter((r) => !r[0]!.startsWith('--'))
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)))
  const line = (cells: string[]): string => cells.map((c, i) => i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)).join(' | ').trimEnd()
  const sep = widths.map((w) => '-'.repeat(w)).join('-|-')
  return [line(header), sep, ...text.map((r) => r[0]!.startsWith('--') ? r[0]! : line(r))].join('\n')
}


export function median (xs: number[]): number {
  if (xs.length === 0) return NaN
  const s = [...xs].sort((a, b) => a - b)
  const m = Math.floor(s.length / 2)
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}
