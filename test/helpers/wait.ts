// Bounded waits: every wait in the engine tests ends, with a message naming what it waited for.

export class WaitTimeout extends Error {
  constructor (what: string, ms: number) {
    super(`timed out after ${ms} ms waiting for ${what}`)
    this.name = 'WaitTimeout'
  }
}

/** Resolves/rejects like `p`, or rejects with WaitTimeout after `ms`. */
export async function withTimeout<T> (p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new WaitTimeout(what, ms)), ms)
  })
  try {
    return await Promise.race([p, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Polls `check` every `intervalMs` until it returns a truthy value, at most `ms`. */
export async function waitFor<T> (check: () => T | Promise<T>, ms: number, what: string, intervalMs = 50): Promise<NonNullable<T>> {
  const end = Date.now() + ms
  for (;;) {
    const v = await check()
    if (v !== undefined && v !== null && v !== false) return v as NonNullable<T>
    if (Date.now() >= end) throw new WaitTimeout(what, ms)
    await sleep(intervalMs)
  }
}

export async function sleep (ms: number): Promise<void> {
  await new Promise((resolve) => setTimeout(resolve, ms))
}

/** Measures how long `p` takes to settle; returns the value or the error with the elapsed time. */
export async function timed<T> (fn: () => Promise<T>): Promise<{ ms: number, value?: T, error?: unknown }> {
  const t0 = performance.now()
  try {
    const value = await fn()
    return { ms: performance.now() - t0, value }
  } catch (error) {
    return { ms: performance.now() - t0, error }
  }
}
