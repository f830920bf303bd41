// Shapes shared by the container probes. A layout says which byte ranges of a file a player
// reads before it can play (header, index), so the engine can fetch exactly those first.

export type ContainerFormat = 'mkv' | 'mp4' | 'unknown'

/**
 * Why a range is wanted. 'header'/'moov'/'cues'/... were parsed from the file; 'head' and
 * 'tail' are estimates (headerBytes / footerBytes) used when the layout is not known.
 */
export type RangeReason =
  | 'header' | 'info' | 'tracks' | 'cues' | 'tags' | 'chapters' | 'attachments'
  | 'index' | 'moov' | 'head' | 'tail'

export interface PlaybackRange {
  offset: number
  /** always > 0; offset + length <= file size */
  length: number
  /** the reason of the first (lowest offset) part of a merged range */
  reason: RangeReason
  /** every reason merged into this range, in offset order, without duplicates */
  reasons: RangeReason[]
}

/** Random access to the file: exactly `length` bytes at `offset` (shorter only at EOF). */
export type ReadAt = (offset: number, length: number) => Promise<Buffer>

export interface LocateOptions {
  /** head estimate when the format is unknown (streaming.header_bytes) */
  headerBytes: number
  /** tail estimate when the index position is unknown (streaming.footer_bytes) */
  footerBytes: number
  /** size of the first read; default 64 KiB */
  probeBytes?: number
  /** hard cap on read calls per probe; default 32 */
  maxReads?: number
}

export interface Span { offset: number, size: number }

export interface MkvDetails {
  docType: string
  /** absolute offset of the first byte of the Segment's data; SeekHead positions are relative to it */
  segmentDataOffset: number
  /** null when the Segment has the "unknown size" marker (live/streamed muxing) */
  segmentSize: number | null
  firstClusterOffset: number | null
  cuesOffset: number | null
  cuesSize: number | null
  /** level-1 elements found, absolute offsets of their ID byte, sizes including the header */
  elements: Partial<Record<'seekHead' | 'info' | 'tracks' | 'cues' | 'tags' | 'chapters' | 'attachments', Span>>
  /** the file ends before the Segment or an indexed element does */
  truncated: boolean
}

export interface Mp4Atom { type: string, offset: number, size: number }

export interface Mp4Details {
  majorBrand: string | null
  moovOffset: number | null
  moovSize: number | null
  mdatOffset: number | null
  mdatSize: number | null
  /** moov before mdat: the player can start without a tail read */
  faststart: boolean
  /** moof atoms seen (fragmented MP4) */
  fragmented: boolean
  /** an atom runs past EOF */
  truncated: boolean
  /** top-level atoms walked, in file order (capped) */
  atoms: Mp4Atom[]
}

interface LayoutBase {
  ranges: PlaybackRange[]
  /**
   * Where the media data starts (first Cluster, first byte inside mdat or the first moof):
   * a player starting playback reads from here right after the header. null when unknown.
   */
  mediaOffset: number | null
  /** read calls and bytes the probe cost (for metrics and tests) */
  reads: number
  bytesRead: number
}

export type PlaybackLayout =
  | LayoutBase & { format: 'mkv', details: MkvDetails }
  | LayoutBase & { format: 'mp4', details: Mp4Details }
  | LayoutBase & { format: 'unknown', details: { why: string } }
