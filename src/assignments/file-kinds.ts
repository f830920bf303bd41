// What each file of a torrent is, for a file picker: the classifications the season-pack
// identifier and the subtitle matcher already use (packs/filters.ts), not new ones. A
// 'sample' is a video that is not a feature or an episode: a sample or an extra by its name
// or folder (an SxxEyy in the name outweighs words like "interview"), or a tiny cut next to a
// real video. Videos are what assign accepts (file-choice.ts: .iso and .vob included).
import { extraReason, sampleReason, tinyVideos } from '../packs/filters.ts'
import { hasEpisodeMarker, readName } from '../packs/name-patterns.ts'
import { splitPath } from '../packs/paths.ts'
import { isSubtitleFile } from '../subtitles/in-torrent.ts'
import type { TorrentFileInfo } from '../torrent/types.ts'
import { isVideo } from './file-choice.ts'

export type FileKind = 'video' | 'subtitle' | 'sample' | 'other'

/** The kind of every file, in file order. */
export function fileKinds (files: readonly TorrentFileInfo[]): FileKind[] {
  const tiny = tinyVideos(files.filter((f) => isVideo(f.path)))
  return files.map((f) => {
    if (isSubtitleFile(f.path)) return 'subtitle'
    if (!isVideo(f.path)) return 'other'
    const notFeature = sampleReason(f.path) !== null ||
      extraReason(f.path, hasEpisodeMarker(readName(splitPath(f.path).base))) !== null ||
      tiny.has(f.index)
    return notFeature ? 'sample' : 'video'
  })
}
