// Time, as the streaming layer sees it. Its decisions depend on it (a handle is a probe for its
// first moments, windows follow the read rate, state outlives the last close by handle_grace),
// so it comes in as one object: production runs on the process clock, tests move a fake one
// forward instead of sleeping through real timers.

export interface Clock {
  /** monotonic time in ms */
  now (): number
  /** runs `fn` after `ms`; returns the handle for clearTimeout (callers unref it: no grace keeps the process alive) */
  setTimeout (fn: () => void, ms: number): unknown
  clearTimeout (handle: unknown): void
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => { clearTimeout(h as NodeJS.Timeout) }
}
