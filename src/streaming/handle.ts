// One open handle (one WebDAV GET) on a file: reads go to its engine FileReader, each read is
// timed for the latency figures and stall log, feeds the reader's read-ahead controller, and
// reports playback progress (next-episode warm-up). Closing parks the reader in the file's
// state instead of dropping it, for a reopen within handle_grace.
import type { AppMetrics } from '../metrics/app-metrics.ts'
import type { ReadOptions } from '../torrent/types.ts'
import type { FileState, ParkedReader } from './file-state.ts'
import type { GraceHandle } from './probe-grace.ts'
import { BEHIND_EVERY_WINDOW, type ReadaheadController } from './prioritiser.ts'

export interface HandleHooks {
  metrics: AppMetrics
  /** after every delivered read: playback got this far */
  progressed (state: FileState, ctl: ReadaheadController): void
}


export class StreamHandle {
  private closed = false
  /** which attach of the file this is (FileState.attached counts them) */
  private readonly seq: number

  constructor (
    private readonly hooks: HandleHooks,
    readonly state: FileState,
    private readonly grace: GraceHandle<FileState>,
    private readonly p: ParkedReader
  ) {
    this.seq = ++state.attached
  }

  async read (offset: number, length: number, opts: ReadOptions): Promise<Buffer> {
    const { torrent, file } = this.state
    const done = this.hooks.metrics.startRead(torrent.info.infoHash, file.index)
    // the first piece of the read: a stall is almost always the piece at the read position
    const pieceIndex = Math.floor((file.offset + offset) / torrent.info.pieceLength)
    const peers = (): number => torrent.stats().peers
    let buf: Buffer
    try {
      buf = await this.p.reader.read(offset, length, this.superseded() ? { ...opts, priority: 'readahead', rank: BEHIND_EVERY_WINDOW } : opts)
    } catch (err) {
      done({ result: opts.signal?.aborted === true ? 'aborted' : 'error', bytes: 0, pieceIndex, peers })
      throw err
    }
    done({ result: 'ok', bytes: buf.length, pieceIndex, peers })
    if (!this.closed) {
      this.p.ctl.onRead(offset, buf.length)
      this.hooks.progressed(this.state, this.p.ctl)
    }
    return buf
  }

  limit (end: number): void {
    if (!this.closed) this.p.reader.limit?.(end)
  }

  /**
   * A probe (opened moments ago) after which the player opened another handle on the file: its
   * reads are most likely the server filling socket buffers for a request the player has moved
   * on from (ffmpeg -ss keeps its header and first-cluster requests open while it opens the
   * one at the seek target), so they wait behind everything the newest handle needs.
   */
  private superseded (): boolean {
    return this.seq !== this.state.attached && this.p.ctl.probing
  }

  /** Parks the reader in the file's state and releases this handle's hold on it. Idempotent. */
  close (): void {
    if (this.closed) return
    this.closed = true
    // the limit was this handle's request; a reopen that adopts the reader brings its own
    this.p.reader.limit?.(Infinity)
    this.state.park(this.p)
    this.grace.release()
  }
}
