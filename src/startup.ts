// Start-up as named steps. Each step that opens something (the database, the torrent
// engine, the streaming layer) registers how to close it; when a later step fails, what was
// opened is closed again in reverse order, so a failed start (a torrent port in use, a
// read-only cache folder) leaves no database open and no socket listening, and the error
// says which step failed, with the original error as its cause.

/** A start-up step failed; `step` names it, `cause` is what it threw. */
export class StartupError extends Error {
  constructor (readonly step: string, cause: unknown) {
    super(`start-up failed at "${step}": ${cause instanceof Error ? cause.message : String(cause)}`, { cause })
    this.name = 'StartupError'
  }
}

type Closer = () => unknown

export class Startup {
  private readonly closers: Array<{ step: string, close: Closer }> = []

  /**
   * Runs `open`; `close` (if given) undoes it should a later step fail. A failure of this
   * step closes what earlier steps opened and throws a StartupError naming it.
   */
  async step<T> (name: string, open: () => T | Promise<T>, close?: (value: T) => unknown): Promise<T> {
    let value: T
    try {
      value = await open()
    } catch (err) {
      await this.undo()
      throw new StartupError(name, err)
    }
    if (close !== undefined) this.closers.push({ step: name, close: () => close(value) })
    return value
  }

  /** Start-up succeeded: from now on the app's own close() owns everything. */
  done (): void { this.closers.length = 0 }

  /** Closes what was opened, newest first; a close that fails does not stop the others. */
  private async undo (): Promise<void> {
    for (const { close } of this.closers.splice(0).reverse()) {
      try { await close() } catch {}
    }
  }
}
