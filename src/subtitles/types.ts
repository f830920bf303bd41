// A subtitle of a movie or an episode, wherever it came from: a file inside the assigned
// torrent (streamed from the swarm like the video) or a download from OpenSubtitles (a file
// under the data folder). The tree publishes both next to the video; the API lists both.
import type { ItemType } from '../assignments/types.ts'
import type { SubtitleExt } from './in-torrent.ts'

/** The subtitle formats published (the ones in-torrent.ts finds; downloads are one of them). */
export type SubtitleFormat = SubtitleExt

/** Where the subtitle's bytes are. */
export type SubtitleSource =
  | { kind: 'torrent', assignmentId: number, infoHash: string, magnetUri: string, fileIndex: number, filePath: string }
  | { kind: 'local', storedName: string }

export interface Subtitle {
  id: number
  itemType: ItemType
  itemId: number
  origin: 'torrent' | 'opensubtitles'
  /** ISO 639-1 ('en'), or null when the name says no language */
  language: string | null
  forced: boolean
  sdh: boolean
  format: SubtitleFormat
  size: number
  /** OpenSubtitles: the file id and the release the subtitle was made for */
  externalId: string | null
  release: string | null
  createdAt: Date
  source: SubtitleSource
}

/** A subtitle as the published tree needs it (the item it sits next to is the caller's). */
export type TreeSubtitle = Pick<Subtitle, 'id' | 'language' | 'forced' | 'sdh' | 'format' | 'size' | 'createdAt' | 'source'>

/** A subtitle found inside a torrent, before it is stored. */
export interface FoundSubtitle {
  fileIndex: number
  path: string
  length: number
  format: SubtitleFormat
  language: string | null
  forced: boolean
  sdh: boolean
}

/** A downloaded subtitle, before it is stored. */
export interface DownloadedSubtitle {
  storedName: string
  externalId: string
  release: string | null
  language: string | null
  forced: boolean
  sdh: boolean
  format: SubtitleFormat
  size: number
}
