// An LRU order over keys (a Map keeps insertion order; touching re-inserts). Sizes are tracked
// so the owner can evict until a byte budget fits. Pinned keys are skipped by `victims`.

export class Lru<K> {
  private readonly sizes = new Map<K, number>()
  private total = 0

  get bytes (): number { return this.total }
  get size (): number { return this.sizes.size }

  has (key: K): boolean { return this.sizes.has(key) }

  /** Adds or refreshes `key` as the most recently used. */
  touch (key: K, size?: number): void {
    const old = this.sizes.get(key)
    if (old !== undefined) {
      this.sizes.delete(key)
      this.total -= old
    }
    const s = size ?? old ?? 0
    this.sizes.set(key, s)
    this.total += s
  }

  delete (key: K): boolean {
    const old = this.sizes.get(key)
    if (old === undefined) return false
    this.sizes.delete(key)
    this.total -= old
    return true
  }

  /**
   * Least recently used keys, oldest first, that are not pinned, whose removal brings the
   * total down to `budget` bytes (or as close as unpinned keys allow).
   */
  victims (budget: number, pinned: (key: K) => boolean): K[] {
    const out: K[] = []
    let total = this.total
    if (total <= budget) return out
    for (const [key, size] of this.sizes) {
      if (total <= budget) break
      if (pinned(key)) continue
      out.push(key)
      total -= size
    }
    return out
  }

  keys (): IterableIterator<K> { return this.sizes.keys() }
}
