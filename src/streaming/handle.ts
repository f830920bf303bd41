// One open file (one WebDAV GET, one player handle): the RandomAccessReader the VFS hands to
// WebDAV. Opening is free: the torrent is looked up (or loaded from persisted metadata, or
// joined) on the first read, which also joins the file's shared state (layout, opening
// prefetch, parked readers) and takes its engine reader. Every read is bounded by
// read_timeout, timed for the latency figures and stall log, feeds the reader's read-ahead
// controller and reports playback progress (next-episode warm-up). Closing parks the engine
// reader in the file's state instead of dropping it, for a reopen within handle_grace.
import { NotFoundError, TimeoutError } from '../errors.ts'
import { assignedFile } from '../assignments/file-choice.ts'
import type { TreeAssignment } from '../library/tree-model.ts'
import type { AppMetrics } from '../metrics/app-metrics.ts'
import type { ReadOptions, Torrent, TorrentFileInfo, TorrentService } from '../torrent/types.ts'
import { giveBack } from '../torrent/piece-pool.ts'
import type { RandomAccessReader } from '../vfs/types.ts'
import type { FileState, ParkedReader } from './file-state.ts'
import type { GraceHandle } from './probe-grace.ts'
import type { ReadaheadController } from './prioritiser.ts'

/** A handle's hold on its file's state: the state, its grace, and the handle's engine reader. */
export interface Attachment {
  state: FileState
  grace: GraceHandle<FileState>
  parked: ParkedReader
}

/** What a handle needs from the streaming layer (FileStreams). */
export interface HandleHost {
  torrents: Pick<TorrentService, 'getTorrent' | 'getOrAddTorrent'>
  metrics: AppMetrics
  /** torrent.read_timeout in ms: one deadline for joining the torrent and reading */
  readTimeoutMs: number
  /** Joins (or creates) the file's state for a handle whose first read is at `offset`. */
  attach (a: TreeAssignment, torrent: Torrent, file: TorrentFileInfo, offset: number): Attachment
  /** after every delivered read: playback got this far */
  progressed (state: FileState, ctl: ReadaheadController): void
}

export class StreamHandle implements RandomAccessReader {
  readonly size: number
  private attaching: Promise<Attachment> | undefined
  private attached: Attachment | undefined
  /** which attach of the file this is (FileState.attached counts them) */
  private seq = 0
  /** limit() before the first read: applied when the reader is taken */
  private until = Infinity
  private closed = false

  constructor (private readonly host: HandleHost, private readonly assignment: TreeAssignment) {
    this.size = assignment.fileSize
  }

  async read (offset: number, length: number, signal?: AbortSignal): Promise<Buffer> {
    return await this.readUpTo(offset, length, false, signal)
  }

  async readSome (offset: number, maxLength: number, signal?: AbortSignal): Promise<Buffer> {
    return await this.readUpTo(offset, maxLength, true, signal)
  }

  limit (end: number): void {
    this.until = end
    if (!this.closed) this.attached?.parked.reader.limit(end)
  }

  /** A chunk readSome returned is done with: a view of piece memory goes back to its piece. */
  recycle (chunk: Buffer): void { giveBack(chunk) }

  /** Parks the reader in the file's state and releases this handle's hold on it. Idempotent. */
  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    const a = this.attached
    if (a === undefined) return
    // the limit was this handle's request; a reopen that adopts the reader brings its own
    a.parked.reader.limit(Infinity)
    a.state.park(a.parked)
    a.grace.release()
  }

  private async readUpTo (offset: number, length: number, cutAtPiece: boolean, signal?: AbortSignal): Promise<Buffer> {
    if (this.closed) throw new NotFoundError('file handle is closed')
    let end = Math.min(this.size, offset + length)
    if (offset >= end) return Buffer.alloc(0)
    const deadline = Date.now() + this.host.readTimeoutMs
    const a = this.attached ?? await withDeadline(this.attach(offset), deadline, signal)
    if (cutAtPiece) end = pieceCut(a.state.torrent.info.pieceLength, a.state.file.offset, offset, end)
    // readSome is the streamed response's (webdav/stream.ts), which keeps each chunk object as
    // it was given and recycles it once written: it may be a view of the engine's piece memory
    // (ReadOptions.shared)
    const opts: ReadOptions = { deadline, shared: cutAtPiece }
    if (signal !== undefined) opts.signal = signal
    return await this.timedRead(a, offset, end - offset, opts)
  }

  private async attach (offset: number): Promise<Attachment> {
    if (this.attaching === undefined) {
      this.attaching = this.connect(offset)
      // a failed open (read_timeout, no metadata) is retried by the next read, not cached
      this.attaching.catch(() => { this.attaching = undefined })
    }
    return await this.attaching
  }

  private async connect (offset: number): Promise<Attachment> {
    const a = this.assignment
    const torrents = this.host.torrents
    const torrent = torrents.getTorrent(a.infoHash) ?? await torrents.getOrAddTorrent(a.infoHash, a.magnetUri)
    const file = assignedFile(torrent.info, a)
    if (this.closed) throw new NotFoundError('file handle is closed')
    const attached = this.host.attach(a, torrent, file, offset)
    this.seq = ++attached.state.attached
    if (this.until !== Infinity) attached.parked.reader.limit(this.until)
    this.attached = attached
    return attached
  }

  private async timedRead (a: Attachment, offset: number, length: number, opts: ReadOptions): Promise<Buffer> {
    const { torrent, file } = a.state
    const done = this.host.metrics.startRead(torrent.info.infoHash, file.index)
    // the first piece of the read: a stall is almost always the piece at the read position
    const pieceIndex = Math.floor((file.offset + offset) / torrent.info.pieceLength)
    const peers = (): number => torrent.stats().peers
    let buf: Buffer
    try {
      buf = await a.parked.reader.read(offset, length, this.superseded(a) ? { ...opts, priority: 'deferred' } : opts)
    } catch (err) {
      done({ result: opts.signal?.aborted === true ? 'aborted' : 'error', bytes: 0, pieceIndex, peers })
      throw err
    }
    done({ result: 'ok', bytes: buf.length, pieceIndex, peers })
    if (!this.closed) {
      a.parked.ctl.onRead(offset, buf.length)
      this.host.progressed(a.state, a.parked.ctl)
    }
    return buf
  }

  /**
   * A probe (opened moments ago) after which the player opened another handle on the file: its
   * reads are most likely the server filling socket buffers for a request the player has moved
   * on from (ffmpeg -ss keeps its header and first-cluster requests open while it opens the
   * one at the seek target), so they wait behind everything the newest handle needs.
   */
  private superseded (a: Attachment): boolean {
    return this.seq !== a.state.attached && a.parked.ctl.probing
  }
}

/**
 * The last torrent piece boundary in (offset, end], else end (file offsets): a streamed
 * response sends a piece's bytes as soon as that piece is in, not with the next one.
 */
function pieceCut (pieceLength: number, fileOffset: number, offset: number, end: number): number {
  const boundary = Math.floor((fileOffset + end) / pieceLength) * pieceLength - fileOffset
  return boundary > offset ? boundary : end
}

/** Rejects with read_timeout at `deadline` (or on abort) if `p` has not settled. */
async function withDeadline<T> (p: Promise<T>, deadline: number, signal?: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  let onAbort: (() => void) | undefined
  try {
    return await Promise.race([
      p,
      new Promise<never>((_resolve, reject) => {
        timer = setTimeout(() => { reject(new TimeoutError('read_timeout', 'the torrent did not become readable within read_timeout')) }, Math.max(0, deadline - Date.now()))
        if (signal !== undefined) {
          onAbort = () => { reject(signal.reason instanceof Error ? signal.reason : new Error('aborted')) }
          if (signal.aborted) onAbort()
          else signal.addEventListener('abort', onAbort, { once: true })
        }
      })
    ])
  } finally {
    clearTimeout(timer)
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort)
  }
}
