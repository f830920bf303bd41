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
  /** of `downloaded`, bytes that did not end up in a verified piece (duplicates, orphans never completed, failed hashes) */
  wasted: number
  uploaded: number
  /** bytes this torrent holds in the piece cache */
  cacheBytes: number
  addedAt: Date
  lastActivity: Date | null
  /**
   * Engine ticks this torrent has had (one every 500 ms: rates, pipelines, chokes, a scheduler
   * pass). Something that did not happen within a few ticks had its chances to: tests wait on
   * this rather than on the clock.
   */
  ticks: number
}

export interface ReadOptions {
  /** absolute time (ms since epoch) after which the read rejects with read_timeout */
  deadline?: number
  /** abandons the read at once; its pieces lose their urgency */
  signal?: AbortSignal
  /**
   * How the missing pieces are wanted: 'urgent' (default: the caller is blocked, earliest
   * deadline first) or 'deferred' for a read the caller expects nobody to wait for (a response
   * the player has probably abandoned, a layout probe on assign): it still completes, behind
   * every reader's window.
   */
  priority?: 'urgent' | 'deferred'
  /**
   * The result may be a view of the engine's piece memory, which is reused once the caller
   * gives that Buffer object back (giveBack in piece-pool.ts) or it is garbage: the caller
   * keeps the object itself (not a subarray of it) for as long as it uses the bytes (a
   * streamed response's chunk). Otherwise a read inside one piece is a copy (PiecePool).
   */
  shared?: boolean
}

/**
 * Why a piece is wanted, most pressing first: `urgent` (a read is blocked on it: requested from
 * every peer that has it, duplicated near the deadline), `readahead` (a reader's window, nearest
 * first), `deferred` (a read nobody waits for yet), `background` (prefetch: head/tail of files,
 * next episode). Pieces outside every class are never downloaded.
 */
export type WantClass = 'urgent' | 'readahead' | 'deferred' | 'background'

/** The classes a prefetch handle can hold its range at. */
export type PiecePriority = Exclude<WantClass, 'deferred'>

export interface ReaderOptions {
  /** this reader's read-ahead window in bytes until setReadahead (default: max(2 MiB, 2 pieces)) */
  readaheadBytes?: number
}

/** A byte range of one file kept wanted at one priority (and pinned in the cache) until released. */
export interface PrefetchHandle {
  release (): void
}

/** One reader of one file: the engine keeps a read-ahead window per reader. */
export interface FileReader {
  readonly file: TorrentFileInfo
  /**
   * Sets this reader's read-ahead window: the bytes after the end of its last read, fetched at
   * `readahead` priority and pinned in the cache (0 turns read-ahead off). The engine does not
   * size windows itself: the caller knows how fast its player consumes (the streaming layer's
   * ReadaheadController). The engine only caps the window at the reader's share of the cache.
   * `shallow`: the caller may stop reading soon (a player's probe): each peer gets a block of
   * the window only while nothing else is queued at it, as for a reader whose last read did not
   * continue the one before (what a peer has queued, the next read waits behind).
   */
  setReadahead (bytes: number, opts?: { shallow?: boolean }): void
  /**
   * The caller reads on up to `end` (a byte offset in the file) and no further for now, as with
   * a bounded HTTP Range: the window covers what is left of it (up to a few MiB, even when the
   * window is smaller) and stops there instead of spending the swarm's bandwidth on bytes
   * nobody asked for while the asked ones still arrive. Infinity lifts the limit.
   */
  limit (end: number): void
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
  openReader (fileIndex: number, opts?: ReaderOptions): FileReader
  /** One-shot read without a read-ahead window (probes). */
  read (fileIndex: number, offset: number, length: number, opts?: ReadOptions): Promise<Buffer>
  stats (): TorrentStats
  /**
   * Keeps [offset, offset+length) of file `fileIndex` wanted at `priority` (default
   * 'background') and pinned in the cache until the handle is released: the hook for a
   * prioritiser (container index at the head/tail of a file, the next episode). Marks activity
   * (wakes an idle torrent) unless `opts.wake` is false: then the range is pinned and wanted,
   * but fetched only once something else wakes the torrent (pins at startup must not join
   * the swarm).
   */
  prefetch (fileIndex: number, offset: number, length: number, priority?: PiecePriority, opts?: PrefetchOptions): PrefetchHandle
  /**
   * One character per piece, for a piece map: '0' missing, '1' cached (verified, in memory or
   * on disk), '2' cached and pinned (kept from eviction: a prefetch handle such as the
   * streaming layer's pins, a reader's window, a pending read), '3' being fetched (blocks
   * requested from peers). Read-only: looking marks no activity.
   */
  pieceMap (): string
  /** The connected peers (handshake done), for a peer list. Read-only, like pieceMap. */
  peers (): PeerInfo[]
}

export interface PeerInfo {
  /** ip:port of the connection */
  address: string
  /** its client software (extended handshake 'v', else the peer id prefix), null when unknown */
  client: string | null
  /** piece payload bytes/s over the last few seconds, from it and to it */
  downloadRate: number
  uploadRate: number
  /** it has every piece */
  seeder: boolean
}

export interface PrefetchOptions {
  /** default true; false keeps an idle or paused torrent asleep */
  wake?: boolean
}

export interface TorrentService {
  getTorrent (infoHash: string): Torrent | undefined
  /**
   * The loaded torrent, or one loaded from persisted metadata, or one that joins the swarm
   * and waits for metadata up to add_timeout (TimeoutError 'add_timeout'; the torrent is then
   * not kept). Concurrent callers for the same hash share one add.
   */
  getOrAddTorrent (infoHash: string, magnetUri: string): Promise<Torrent>
  /** Disconnects, deletes cached pieces and persisted metadata. No-op when unknown. */
  removeTorrent (infoHash: string): Promise<void>
  listTorrents (): TorrentStats[]
  /** Bytes in the piece cache across all torrents, and the budget. */
  cacheUsage (): { used: number, limit: number }
  /**
   * Piece memory since start (PiecePool): pieces allocated and taken again from the free list;
   * views lent out of the engine that came back given back by their holder or collected; reads
   * of held pieces from memory and pieces read back from disk (HotPieces); piece files written
   * direct and through the page cache (DirectWrites).
   */
  poolCounters? (): PoolCounters
  /**
   * What a side probe of a swarm (the release health check) shares with the engine: its peer id
   * (so the engine is not counted as a peer), the port it announces, its DHT node (null when off).
   */
  swarmIdentity (): { peerId: Buffer, port: number, dht: import('bittorrent-dht').Client | null }
  /** Ends every timer, socket and file handle. */
  close (): Promise<void>
}

/**
 * The piece pool's totals (PiecePool's counters), and the hot set's reads of held pieces from
 * memory and pieces read back whole from disk (HotPieces), for /metrics and the benches.
 */
export interface PoolCounters {
  allocated: number
  reused: number
  givenBack: number
  collected: number
  hits: number
  readBacks: number
  /** pieces of memory handed out and not back yet, and the bytes of all the pool's slabs */
  inUse: number
  slabBytes: number
  /** piece files written past the page cache, and through it (direct-writes.ts) */
  directWrites: number
  bufferedWrites: number
}
