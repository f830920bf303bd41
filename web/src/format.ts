// Numbers as people read them.

export function bytes (n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–'
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB']
  let v = n
  let i = 0
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++ }
  return `${i === 0 ? v : v.toFixed(v < 10 ? 2 : v < 100 ? 1 : 0)} ${units[i]}`
}

export function rate (n: number): string {
  return n < 1 ? '0 B/s' : `${bytes(n)}/s`
}

/** '1 movie', '2 movies' */
export function count (n: number, one: string, many = one + 's'): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`
}

export function percent (fraction: number): string {
  const p = fraction * 100
  if (p > 0 && p < 0.1) return '<0.1%'
  return `${p >= 99.95 || p === 0 ? p.toFixed(0) : p.toFixed(1)}%`
}

export function duration (seconds: number): string {
  const s = Math.floor(seconds)
  const d = Math.floor(s / 86400)
  const h = Math.floor((s % 86400) / 3600)
  const m = Math.floor((s % 3600) / 60)
  if (d > 0) return `${d} d ${h} h`
  if (h > 0) return `${h} h ${m} min`
  if (m > 0) return `${m} min ${s % 60} s`
  return `${s} s`
}

export function date (iso: string | null | undefined): string {
  if (iso === null || iso === undefined || iso === '') return '–'
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return iso
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: iso.length > 10 ? 'short' : undefined })
}

export function ms (v: number | null | undefined): string {
  if (v === null || v === undefined) return '–'
  return v < 10 ? `${v.toFixed(1)} ms` : `${Math.round(v)} ms`
}

export const pad2 = (n: number): string => String(n).padStart(2, '0')
export const episodeCode = (season: number, episode: number): string => `S${pad2(season)}E${pad2(episode)}`

/** The last part of a path inside a torrent. */
export const baseName = (path: string): string => path.slice(path.lastIndexOf('/') + 1)

/** Quality words from a release or a file name (resolution, source), for badges. */
export function qualityOf (q: { resolution: string | null, source: string | null, codec?: string | null, hdr?: string | null }): string[] {
  return [q.resolution, q.source, q.codec ?? null, q.hdr ?? null].filter((x): x is string => x !== null && x !== '')
}
