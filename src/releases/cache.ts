// A bounded map whose entries expire: the releases of recent searches, by id, so an assign can
// name a release instead of pasting its magnet. Oldest entries go first when it is full.

export class ExpiringCache<V> {
  private readonly entries = new Map<string, { value: V, expires: number }>()

  constructor (private readonly maxEntries: number, readonly ttlMs: number, private readonly now: () => number = Date.now) {}

  get (key: string): V | undefined {
    const e = this.entries.get(key)
    if (e === undefined) return undefined
    if (e.expires <= this.now()) {
      this.entries.delete(key)
      return undefined
    }
    return e.value
  }

  /** Stores (or refreshes) `key`; a refreshed key moves to the young end. */
  set (key: string, value: V): void {
    this.entries.delete(key)
    this.entries.set(key, { value, expires: this.now() + this.ttlMs })
    // Map keeps insertion order: the first keys are the oldest
    for (const old of this.entries.keys()) {
      if (this.entries.size <= this.maxEntries) break
      this.entries.delete(old)
    }
  }

  get size (): number { return this.entries.size }
}
