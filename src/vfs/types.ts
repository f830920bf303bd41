// The one interface every front end (WebDAV today) reads the library through.
// Paths are '/'-separated, absolute, already percent-decoded and NFC-normalised by the
// caller; '/' is the root. No member touches a torrent except RandomAccessReader.read.

/**
 * Never mutated once made: a change gives a new entry object (WebDAV keeps each entry's
 * rendered PROPFIND response by object, webdav/multistatus.ts).
 */
export interface VfsEntry {
  /** last path segment ('' for the root) */
  name: string
  kind: 'dir' | 'file'
  /** exact byte size for files, 0 for folders */
  size: number
  /** stable: the assignment's (file) or the item's (folder) creation time, never "now" */
  modified: Date
  created: Date
  /** strong ETag without quotes, stable across restarts (files only) */
  etag?: string
  /** MIME type (files only) */
  contentType?: string
}

/** An open file: random access reads until closed. Reads on one reader may run concurrently. */
export interface RandomAccessReader {
  readonly size: number
  /**
   * Returns exactly `length` bytes at `offset` (clamped to the end of the file), or rejects
   * with a DomainError (read_timeout, not_found, ...). `signal` abandons the read at once.
   */
  read (offset: number, length: number, signal?: AbortSignal): Promise<Buffer>
  /**
   * Like read, but may return fewer bytes (at least one, unless at the end of the file): the
   * read ends where the source can deliver soonest (a torrent piece boundary), so a streamed
   * response does not hold back a piece's bytes until the next piece is in as well.
   */
  readSome? (offset: number, maxLength: number, signal?: AbortSignal): Promise<Buffer>
  /**
   * The caller will read nothing at or past `end` on this handle (a bounded Range request), so
   * the source need not fetch ahead beyond it. A hint: reads past it still work.
   */
  limit? (end: number): void
  /**
   * The caller is done with `chunk`, a buffer this reader returned (a response's socket took
   * its bytes): its memory may be reused at once, so nothing may read it afterwards. A hint:
   * without it, such memory comes back once the buffer is garbage.
   */
  recycle? (chunk: Buffer): void
  /** Releases the reader; pending reads reject. Safe to call twice. */
  close (): Promise<void>
}

export interface Vfs {
  /** The entry at `path`, or null when nothing is there. */
  stat (path: string): Promise<VfsEntry | null>
  /** Children of the folder at `path`, sorted by name; NotFoundError when it is not a folder. */
  readDir (path: string): Promise<VfsEntry[]>
  /** Opens the file at `path` lazily (no torrent work until the first read); NotFoundError otherwise. */
  open (path: string): Promise<RandomAccessReader>
}
