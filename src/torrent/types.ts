// The narrow engine interface. Everything outside src/torrent/ sees only these types; only
// files inside src/torrent/ import BitTorrent packages.

export interface TorrentFileInfo {
  /** position in the info dictionary's file list */
  index: number
  /** '/'-separated path inside the torrent, including the torrent's folder name for multi-file torrents */
  path: string
  length: number
  /** byte offset of the file inside the torrent's concatenated data */
  offset: number
}

export interface TorrentInfo {
  /** 40 lowercase hex characters */
  infoHash: string
  name: string
  /** total bytes */
  length: number
  pieceLength: number
  pieceCount: number
  files: TorrentFileInfo[]
}

/**
 * metadata: waiting for the info dictionary; active: transferring (or ready to);
 * idle: nobody read it for idle_timeout, zero bytes move; paused: loaded with start_paused
 * and not read since.
 */
export type TorrentState = 'metadata' | 'active' | 'idle' | 'paused'

export interface TorrentStats {
  infoHash: string
  name: string | null
  state: TorrentState
  /** verified pieces held in the cache / pieceCount (0 before metadata) */
  progress: number
  pieceCount: number
  pieceLength: number
  piecesCached: number
  /** connected peers */
  peers: number
  /** connected peers that have every piece */
  seeders: number
  /** peers known (connected or not), remembered for instant resume */
  knownPeers: number
  /** bytes/s over the last few seconds */
  downloadRate: number
  uploadRate: number
  /** payload bytes since the torrent was loaded */
  downloaded: number
  uploaded: number
  /** bytes this torrent holds in the piece cache */
  cacheBytes: number
  addedAt: Date
  lastActivity: Date | null
}

export interface ReadOptions {
  /** absolute time (ms since epoch) after which the read rejects with read_timeout */
  deadline?: number
  /** abandons the read at once; its pieces lose their urgency */
  signal?: AbortSignal
}

/** One reader of one file: the engine keeps a read-ahead window per reader. */
export interface FileReader {
  readonly file: TorrentFileInfo
  /**
   * Exactly `length` bytes at `offset` within the file (clamped to the file's end), or a
   * DomainError: read_timeout at the deadline, closed on shutdown/removal.
   */
  read (offset: number, length: number, opts?: ReadOptions): Promise<Buffer>
  /** Drops this reader's window; pending reads reject. */
  close (): void
}

export interface Torrent {
  readonly info: TorrentInfo
  /** Opens a reader on file `fileIndex` (RangeError for a bad index). Marks activity. */
  openReader (fileIndex: number): FileReader
  /** One-shot read without a read-ahead window (probes). */
  read (fileIndex: number, offset: number, length: number, opts?: ReadOptions): Promise<Buffer>
  stats (): TorrentStats
}

export interface TorrentService {
  /**
   * Loads the torrent from persisted metadata, or joins the swarm and waits for metadata up
   * to add_timeout (TimeoutError 'add_timeout'; the torrent is then not kept).
   */
  addTorrent (infoHash: string, magnetUri: string): Promise<Torrent>
  getTorrent (infoHash: string): Torrent | undefined
  /** Concurrent callers for the same hash share one add. */
  getOrAddTorrent (infoHash: string, magnetUri: string): Promise<Torrent>
  /** Disconnects, deletes cached pieces and persisted metadata. No-op when unknown. */
  removeTorrent (infoHash: string): Promise<void>
  listTorrents (): TorrentStats[]
  /** Bytes in the piece cache across all torrents, and the budget. */
  cacheUsage (): { used: number, limit: number }
  /** Ends every timer, socket and file handle. */
  close (): Promise<void>
}
