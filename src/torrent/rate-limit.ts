// A token bucket in bytes/s (0 = unlimited). `take` answers how long to wait before `bytes`
// may go; callers schedule themselves (no timers live here).

export class TokenBucket {
  private tokens: number
  private last = Date.now()

  constructor (readonly rate: number, private readonly burst = Math.max(rate, 256 * 1024)) {
    this.tokens = this.burst
  }

  get unlimited (): boolean { return this.rate <= 0 }

  private refill (): void {
    const now = Date.now()
    this.tokens = Math.min(this.burst, this.tokens + (now - this.last) * this.rate / 1000)
    this.last = now
  }

  /** Whole bytes available now (Infinity when unlimited). */
  available (): number {
    if (this.unlimited) return Infinity
    this.refill()
    return Math.max(0, Math.floor(this.tokens))
  }

  /** Spends `bytes` (may go negative: the debt delays later takers). */
  consume (bytes: number): void {
    if (!this.unlimited) this.tokens -= bytes
  }

  /** Takes `bytes` when available and returns 0, else returns the ms to wait (nothing taken). */
  take (bytes: number): number {
    if (this.unlimited) return 0
    this.refill()
    if (this.tokens >= bytes || this.tokens >= this.burst) {
      this.tokens -= bytes
      return 0
    }
    return Math.ceil((bytes - this.tokens) * 1000 / this.rate)
  }
}

/** Bytes/s over a sliding window of `slots` ticks (exactly 0 once nothing moved for a window). */
export class RateMeter {
  private readonly slots: number[]
  private i = 0
  private current = 0

  constructor (private readonly tickMs: number, slots = 6) { this.slots = new Array<number>(slots).fill(0) }

  add (bytes: number): void { this.current += bytes }

  /** Closes the current tick. */
  tick (): void {
    this.slots[this.i] = this.current
    this.i = (this.i + 1) % this.slots.length
    this.current = 0
  }

  get rate (): number {
    let sum = 0
    for (const s of this.slots) sum += s
    return sum * 1000 / (this.tickMs * this.slots.length)
  }
}
