// Idle mode (step 2.8). Every read and openReader marks its torrent active; a timer (unref'd,
// every idle_check_interval s, stopped by stop()) hands torrents nobody read for idle_timeout s
// to `onIdle`, which closes their wires and stops their announces (zero bytes either way).
// Resuming is the session's job: its next read dials remembered peers at once.

export class ActivityManager {
  private readonly last = new Map<string, number>()
  private timer: NodeJS.Timeout | undefined

  constructor (
    private readonly opts: { enabled: boolean, timeoutMs: number, intervalMs: number },
    private readonly onIdle: (infoHash: string) => void
  ) {}

  start (): void {
    if (!this.opts.enabled || this.timer !== undefined) return
    this.timer = setInterval(() => { this.check() }, this.opts.intervalMs)
    this.timer.unref()
  }

  stop (): void {
    clearInterval(this.timer)
    this.timer = undefined
  }

  markActive (infoHash: string): void { this.last.set(infoHash, Date.now()) }

  lastActivity (infoHash: string): Date | null {
    const t = this.last.get(infoHash)
    return t === undefined ? null : new Date(t)
  }

  forget (infoHash: string): void { this.last.delete(infoHash) }

  /** Torrents not marked for timeoutMs go idle (only those that were ever marked or added). */
  check (now = Date.now()): void {
    for (const [hash, t] of this.last) {
      if (now - t >= this.opts.timeoutMs) this.onIdle(hash)
    }
  }
}
