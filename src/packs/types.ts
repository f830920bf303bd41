// Shapes of the season-pack identifier (issue 12, item 1). The identifier is pure: it reads a
// torrent's file list and the show's episode list and says which file is which episode.
import type { Quality } from '../releases/quality.ts'

/** One file of the torrent, in torrent order (its position is the file index the engine uses). */
export interface PackFile {
  path: string
  length: number
}

/** What the identifier needs to know about the show: its seasons and their episodes. */
export interface ShowLayout {
  seasons: Array<{
    seasonNumber: number
    episodes: Array<{ episodeNumber: number, airDate: string | null }>
  }>
}

export interface IdentifyOptions {
  /** Only this season is wanted; it is also the season of names that carry none. */
  season?: number
}

export interface EpisodeRef {
  season: number
  episode: number
}

/**
 * high: the name (or the name plus a season folder) says it outright and the show has it.
 * medium: a reading that is usually right (a bare number, an absolute number, the season taken
 * from the request). low: the show does not have that episode, or the name contradicts itself.
 */
export type Confidence = 'high' | 'medium' | 'low'

export interface FileMatch {
  path: string
  fileIndex: number
  /** Several for a multi-episode file (S01E01E02), in episode order. */
  episodes: EpisodeRef[]
  confidence: Confidence
  reason: string
  quality: Quality
}

export interface IgnoredFile {
  path: string
  fileIndex: number
  reason: string
}

export interface Identification {
  matches: FileMatch[]
  ignored: IgnoredFile[]
}

/** Matches the assign endpoint may store without asking: low ones need a person to look. */
export function isConfident (match: Pick<FileMatch, 'confidence'>): boolean {
  return match.confidence !== 'low'
}
