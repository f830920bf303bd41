// TorrentFile (stage document step 2.6): the RandomAccessReader behind an assigned file.
// Opening is free: the torrent is looked up (or loaded from persisted metadata, or joined)
// on the first read. Every read is bounded by read_timeout and marks the torrent active.
// Each open gets its own reader, so concurrent handles keep independent read-ahead windows.
// With a streaming layer (stage 3) that reader comes from it: it may be the parked reader of
// a handle closed a moment ago, its window follows the read rate, and reads are measured.
import { NotFoundError, TimeoutError } from '../errors.ts'
import { findFile } from '../streaming/torrent-files.ts'
import type { ReadOptions, Torrent, TorrentFileInfo, TorrentService } from '../torrent/types.ts'
import type { RandomAccessReader, TreeAssignment } from './types.ts'

/** What a handle reads through: an engine FileReader, or a streaming-layer handle around one. */
export interface HandleReader {
  read (offset: number, length: number, opts: ReadOptions): Promise<Buffer>
  /** no read-ahead at or past `end` (see RandomAccessReader.limit) */
  limit? (end: number): void
  close (): void
}

/** The streaming layer (src/streaming/file-streams.ts) as TorrentFile sees it. */
export interface StreamAttacher {
  /** The reader for a handle whose first read is at `offset`. */
  attach (a: TreeAssignment, torrent: Torrent, file: TorrentFileInfo, offset: number): HandleReader
}

export interface TorrentFileOptions {
  /** seconds a single read may wait for pieces */
  readTimeout: number
  /** the stage 3 streaming layer; without it each handle opens a plain engine reader */
  streams?: StreamAttacher
}

export class TorrentFile implements RandomAccessReader {
  readonly size: number
  private readonly torrents: TorrentService
  private readonly assignment: TreeAssignment
  private readonly readTimeoutMs: number
  private readonly streams: StreamAttacher | undefined
  private reader: Promise<HandleReader> | undefined
  /** where the file sits in the torrent's pieces, once the torrent is known */
  private pieces: { pieceLength: number, fileOffset: number } | undefined
  /** limit() before the reader existed: applied when it opens */
  private until = Infinity
  private closed = false

  constructor (torrents: TorrentService, assignment: TreeAssignment, opts: TorrentFileOptions) {
    this.torrents = torrents
    this.assignment = assignment
    this.size = assignment.fileSize
    this.readTimeoutMs = opts.readTimeout * 1000
    this.streams = opts.streams
  }

  async read (offset: number, length: number, signal?: AbortSignal): Promise<Buffer> {
    return await this.readUpTo(offset, length, false, signal)
  }

  async readSome (offset: number, maxLength: number, signal?: AbortSignal): Promise<Buffer> {
    return await this.readUpTo(offset, maxLength, true, signal)
  }

  private async readUpTo (offset: number, length: number, cutAtPiece: boolean, signal?: AbortSignal): Promise<Buffer> {
    if (this.closed) throw new NotFoundError('file handle is closed')
    let end = Math.min(this.size, offset + length)
    if (offset >= end) return Buffer.alloc(0)
    // one deadline for opening (joining the torrent) and reading
    const deadline = Date.now() + this.readTimeoutMs
    const reader = await withDeadline(this.openReader(offset), deadline, signal)
    if (cutAtPiece) end = this.pieceCut(offset, end)
    return await reader.read(offset, end - offset, signal === undefined ? { deadline } : { deadline, signal })
  }

  limit (end: number): void {
    this.until = end
    this.reader?.then((r) => { r.limit?.(end) }, () => {})
  }

  /** The last piece boundary in (offset, end], else end (file offsets). */
  private pieceCut (offset: number, end: number): number {
    if (this.pieces === undefined) return end
    const { pieceLength, fileOffset } = this.pieces
    const boundary = Math.floor((fileOffset + end) / pieceLength) * pieceLength - fileOffset
    return boundary > offset ? boundary : end
  }

  async close (): Promise<void> {
    if (this.closed) return
    this.closed = true
    const pending = this.reader
    this.reader = undefined
    if (pending !== undefined) {
      try { (await pending).close() } catch { /* the open itself failed: nothing to release */ }
    }
  }

  private async openReader (offset: number): Promise<HandleReader> {
    if (this.reader === undefined) {
      this.reader = this.connect(offset)
      // A failed open (timeout, no metadata) is retried by the next read, not cached.
      this.reader.catch(() => { this.reader = undefined })
    }
    return await this.reader
  }

  private async connect (offset: number): Promise<HandleReader> {
    const a = this.assignment
    const torrent = this.torrents.getTorrent(a.infoHash) ?? await this.torrents.getOrAddTorrent(a.infoHash, a.magnetUri)
    const file = findFile(torrent.info, a)
    if (this.closed) throw new NotFoundError('file handle is closed')
    this.pieces = { pieceLength: torrent.info.pieceLength, fileOffset: file.offset }
    const reader: HandleReader = this.streams?.attach(a, torrent, file, offset) ?? torrent.openReader(file.index)
    if (this.until !== Infinity) reader.limit?.(this.until)
    return reader
  }
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
