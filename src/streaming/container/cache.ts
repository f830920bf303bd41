// Remembers layouts so the next open of a file is instant: an in-memory LRU, optionally
// saved as one JSON file. Keys are the caller's (layoutKey: infoHash:fileIndex:size), so a
// different file or size never hits a stale entry.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { PlaybackLayout } from './types.ts'

export interface LayoutCacheOptions {
  /** entries kept; the least recently used goes first */
  max: number
  /** JSON file for load()/save(); none keeps the cache in memory only */
  path?: string
}

export function layoutKey (infoHash: string, fileIndex: number, size: number): string {
  return `${infoHash.toLowerCase()}:${fileIndex}:${size}`
}

export class LayoutCache {
  private readonly entries = new Map<string, PlaybackLayout>()
  private readonly pending = new Map<string, Promise<PlaybackLayout>>()
  private readonly max: number
  private readonly path: string | undefined

  constructor (opts: LayoutCacheOptions) {
    if (!Number.isInteger(opts.max) || opts.max < 1) throw new RangeError('LayoutCache max must be a positive integer')
    this.max = opts.max
    this.path = opts.path
  }

  get size (): number { return this.entries.size }

  get (key: string): PlaybackLayout | undefined {
    const v = this.entries.get(key)
    if (v !== undefined) { // refresh its place in the LRU order
      this.entries.delete(key)
      this.entries.set(key, v)
    }
    return v
  }

  set (key: string, layout: PlaybackLayout): void {
    this.entries.delete(key)
    this.entries.set(key, layout)
    while (this.entries.size > this.max) {
      const oldest = this.entries.keys().next().value
      if (oldest === undefined) break
      this.entries.delete(oldest)
    }
  }

  delete (key: string): boolean { return this.entries.delete(key) }

  /**
   * The cached layout, or the result of `locate` (stored on success). Concurrent calls for one
   * key share a single probe: a player's probe-and-reopen must not probe twice.
   */
  async getOrLocate (key: string, locate: () => Promise<PlaybackLayout>): Promise<PlaybackLayout> {
    const hit = this.get(key)
    if (hit !== undefined) return hit
    let p = this.pending.get(key)
    if (p === undefined) {
      p = locate().then((layout) => { this.set(key, layout); return layout })
        .finally(() => this.pending.delete(key))
      this.pending.set(key, p)
    }
    return await p
  }

  /** Loads the JSON file; a missing or unreadable file leaves the cache as it is. Returns entries loaded. */
  async load (): Promise<number> {
    if (this.path === undefined) return 0
    let parsed: unknown
    try {
      parsed = JSON.parse(await readFile(this.path, 'utf8'))
    } catch {
      return 0 // a cache is disposable: a corrupt file only costs a re-probe
    }
    if (typeof parsed !== 'object' || parsed === null || (parsed as { version?: unknown }).version !== 1) return 0
    const list = (parsed as { entries?: unknown }).entries
    if (!Array.isArray(list)) return 0
    let n = 0
    for (const e of list) {
      if (Array.isArray(e) && typeof e[0] === 'string' && isLayout(e[1])) { this.set(e[0], e[1]); n++ }
    }
    return n
  }

  /** Writes the JSON file atomically (temp file + rename), least recently used first. */
  async save (): Promise<void> {
    if (this.path === undefined) return
    await mkdir(dirname(this.path), { recursive: true })
    const tmp = `${this.path}.${process.pid}.tmp`
    await writeFile(tmp, JSON.stringify({ version: 1, entries: [...this.entries] }))
    await rename(tmp, this.path)
  }
}

/** Enough of a shape check that a hand-edited or old file cannot feed nonsense to callers. */
function isLayout (v: unknown): v is PlaybackLayout {
  if (typeof v !== 'object' || v === null) return false
  const l = v as Partial<PlaybackLayout>
  return (l.format === 'mkv' || l.format === 'mp4' || l.format === 'unknown') &&
    (l.mediaOffset === null || Number.isSafeInteger(l.mediaOffset)) &&
    Array.isArray(l.ranges) &&
    l.ranges.every((r) => typeof r === 'object' && r !== null && Number.isSafeInteger(r.offset) && Number.isSafeInteger(r.length) && typeof r.reason === 'string') &&
    typeof l.details === 'object' && l.details !== null
}
