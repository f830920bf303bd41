// Releases: what indexers found (merged by info hash), the preferences that rank them, and the
// ranked answer with the reasons for each score.
import type { SearchQuery } from '../indexers/types.ts'
import type { ReleaseName } from './release-name.ts'

/** The library item a search is for (the indexers' query type: movie, episode, season, show). */
export type ReleaseQuery = SearchQuery

/** A release found by one or more indexers; one per info hash when the hash is known. */
export interface Release {
  /** the info hash, or "r" + a short hash of indexer and guid while the hash is unknown */
  id: string
  /** the release name as the indexer gave it */
  name: string
  /** 40 lower-case hex characters, when known */
  infoHash: string | null
  /** a magnet: URI when an indexer gave one (never a download URL: those may carry API keys) */
  magnetUri: string | null
  size: number | null
  /** the highest count any indexer reported */
  seeders: number | null
  peers: number | null
  /** every indexer that had it, in answer order */
  indexers: string[]
  publishedAt: string | null
  categories: number[]
  imdbId: number | null
  tmdbId: number | null
  tvdbId: number | null
  /** downloadvolumefactor 0 on a private tracker */
  freeleech: boolean
}

/**
 * Ranking preferences, in the shape of the `releases:` config section so the composition root
 * passes it as is. Lists are in order of preference; tags are read like release names
 * ("WEB" is WEB-DL, "h265" is x265, "4K" is 2160p).
 */
export interface ReleasePrefs {
  prefer: { resolutions: string[], sources: string[], codecs: string[] }
  /** fewer (reported) seeders drops a release; unknown counts are kept */
  min_seeders: number
  /** GiB (1024^3 bytes, as indexers show sizes); 0 = no limit */
  max_size_gb: number
  /** whole tokens; a quality tag (CAM, TS, 480p, x265) is compared with the parsed tag */
  exclude: string[]
}

export const DEFAULT_RELEASE_PREFS: Readonly<ReleasePrefs> = Object.freeze({
  // streaming from a swarm: 1080p plays everywhere at a bitrate swarms sustain
  prefer: { resolutions: ['1080p', '2160p', '720p'], sources: ['WEB-DL', 'BluRay', 'WEBRip', 'HDTV'], codecs: ['x264', 'x265'] },
  min_seeders: 1,
  max_size_gb: 0,
  exclude: ['CAM', 'TS', 'TC', 'SCR']
})

/** 'pack' covers a season or more; for season and show searches packs rank apart from episodes. */
export type ReleaseGroup = 'movie' | 'episode' | 'pack'

export interface RankedRelease extends Release {
  parsed: ReleaseName
  group: ReleaseGroup
  /** 1-based, within its group */
  rank: number
  score: number
  /** each part of the score: "1080p: preferred #1 (+40)", "42 seeders (+16)" */
  reasons: string[]
}

export interface DroppedRelease {
  id: string
  name: string
  indexers: string[]
  /** why it is not offered: "season 3, not season 2", "excluded: CAM (source)" */
  reason: string
}

export interface Ranking {
  /** by group (the query's own first), then by score */
  releases: RankedRelease[]
  dropped: DroppedRelease[]
}
