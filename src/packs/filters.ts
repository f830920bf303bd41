// Which files of a pack are not episodes at all: non-videos, samples and extras. These are
// decided before any episode number is read, so a sample named like its episode
// (show.s01e02.sample.mkv) never competes with the real one.
import { folderKey, formatSize, splitPath } from './paths.ts'

/** Extensions players stream; subtitles, .nfo, images and archives are left to other code. */
export const VIDEO_EXTENSIONS: ReadonlySet<string> = new Set([
  'mkv', 'mp4', 'avi', 'm4v', 'mov', 'ts', 'm2ts', 'webm', 'wmv', 'mpg'
])

/** A folder that holds only samples. */
const SAMPLE_FOLDER = /^samples?$/i
/** "sample" as its own word: show.s01e02.sample.mkv, sample-grp.mkv, grp-sample.mkv. */
const SAMPLE_WORD = /(?<![a-z])sample(?![a-z])/i

/** Folders that hold extras (Plex and Jellyfin names plus what packs use). */
const EXTRAS_FOLDER = /^(?:extras?|featurettes?|trailers?|behind[ ._-]?the[ ._-]?scenes|deleted[ ._-]?scenes|interviews|bonus(?:[ ._-]features)?|shorts|making[ ._-]of|bts|nc ?op ?ed|creditless)$/i

/**
 * Words that make a file an extra whatever else its name says: no episode is called
 * "featurette" or "NCOP" (an anime opening without credits).
 */
const EXTRAS_STRONG = /(?<![a-z])(featurettes?|behind[ ._-]?the[ ._-]?scenes|deleted[ ._-]?scenes?|making[ ._-]of|bloopers|gag[ ._-]reel|nc(?:op|ed)\d*|creditless)(?![a-z])/i

/**
 * Words that mark an extra only when the name has no SxxEyy of its own: an episode may well be
 * titled "The Interview" (S01E05.The.Interview.mkv), a trailer file has no episode number.
 */
const EXTRAS_WEAK = /(?<![a-z])(trailers?|teasers?|interviews?|promo|extras?)(?![a-z])/i

/**
 * A video under this share of the biggest video in its folder, and under TINY_MAX_BYTES, is a
 * sample even when nobody named it one (some P2P packs ship a 40 MB cut next to each episode).
 */
const TINY_SHARE = 0.05
const TINY_MAX_BYTES = 200_000_000

export function isVideo (path: string): boolean {
  return VIDEO_EXTENSIONS.has(splitPath(path).ext)
}

/** Why the file is not a video, or null when it is one. */
export function nonVideoReason (path: string): string | null {
  const { ext } = splitPath(path)
  if (VIDEO_EXTENSIONS.has(ext)) return null
  return ext === '' ? 'not a video (no extension)' : `not a video (.${ext})`
}

/** Why the file is a sample by its name or folder, or null. */
export function sampleReason (path: string): string | null {
  const { folders, base } = splitPath(path)
  const folder = folders.find((f) => SAMPLE_FOLDER.test(f))
  if (folder !== undefined) return `sample (in the folder "${folder}")`
  if (SAMPLE_WORD.test(base)) return 'sample ("sample" in the name)'
  return null
}

/**
 * Why the file is an extra, or null. `hasEpisodeMarker` says the name carries an SxxEyy-style
 * number, which outweighs the weak words.
 */
export function extraReason (path: string, hasEpisodeMarker: boolean): string | null {
  const { folders, base } = splitPath(path)
  // the torrent's own folder (Extras.S01.720p) is a name, not an extras folder, so only whole
  // folder names count
  const folder = folders.find((f) => EXTRAS_FOLDER.test(f))
  if (folder !== undefined) return `extra (in the folder "${folder}")`
  const strong = EXTRAS_STRONG.exec(base)
  if (strong !== null) return `extra ("${strong[1] ?? ''}" in the name)`
  if (!hasEpisodeMarker) {
    const weak = EXTRAS_WEAK.exec(base)
    if (weak !== null) return `extra ("${weak[1] ?? ''}" in the name)`
  }
  return null
}

/**
 * Samples recognised by size alone: for each folder, videos far smaller than the folder's
 * biggest video. Returns reasons by file index.
 */
export function tinyVideos (files: ReadonlyArray<{ path: string, length: number, index: number }>): Map<number, string> {
  const biggest = new Map<string, number>()
  for (const f of files) {
    const key = folderKey(f.path)
    biggest.set(key, Math.max(biggest.get(key) ?? 0, f.length))
  }
  const out = new Map<number, string>()
  for (const f of files) {
    const max = biggest.get(folderKey(f.path)) ?? 0
    if (f.length < TINY_MAX_BYTES && f.length < max * TINY_SHARE) {
      out.set(f.index, `sample (${formatSize(f.length)} next to a ${formatSize(max)} video)`)
    }
  }
  return out
}
