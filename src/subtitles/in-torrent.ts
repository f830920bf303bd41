// Which subtitle files of a torrent go with which of its videos (issue 12, item 3). Pure: the
// torrent's file list and the videos being published in, subtitles per video out. A subtitle is
// only placed when its name, its folder or the torrent's shape says so outright; the rest come
// back as `unmatched` with the reason, because a subtitle of the wrong episode is worse than none.
import { extraReason, isVideo, sampleReason, tinyVideos } from '../packs/filters.ts'
import { episodeLabel, hasEpisodeMarker, readName } from '../packs/name-patterns.ts'
import { folderKey, splitPath } from '../packs/paths.ts'
import { isSubsFolder, readSubtitleTags } from './language.ts'

export type SubtitleExt = 'srt' | 'ass' | 'ssa' | 'vtt' | 'sub' | 'idx'
const SUBTITLE_EXTS: ReadonlySet<string> = new Set(['srt', 'ass', 'ssa', 'vtt', 'sub', 'idx'])

/** Is the file a subtitle (by its extension, as the matcher reads it)? */
export function isSubtitleFile (path: string): boolean {
  return SUBTITLE_EXTS.has(splitPath(path).ext)
}

/**
 * Smallest subtitle kept. The shortest SRT cue ("1", a timing line, one character) is 33 bytes
 * and forced subtitles with a single short cue are real, so the bar sits just below that;
 * anything smaller is an empty or placeholder file.
 */
export const MIN_SUBTITLE_BYTES = 32

export interface TorrentSubtitle {
  fileIndex: number
  path: string
  length: number
  /** 'sub' is VobSub when `pair` names its .idx, MicroDVD text otherwise. */
  ext: SubtitleExt
  language: string | null
  forced: boolean
  sdh: boolean
  /** The other file of a VobSub pair (the .idx of a .sub and the reverse); null otherwise. */
  pair: number | null
  /** Why it belongs to this video, for a person reading the plan. */
  reason: string
}

export interface UnmatchedSubtitle {
  fileIndex: number
  path: string
  reason: string
}

export interface SubtitleMatches {
  /** Every requested video's file index, with its subtitles in file order (maybe none). */
  byVideo: Map<number, TorrentSubtitle[]>
  unmatched: UnmatchedSubtitle[]
}

interface Video { fileIndex: number, path: string, base: string, folder: string, code: Code | null }
interface Code { season: number, episodes: number[] }
/** One subtitle, or a VobSub pair placed together. */
interface Unit { files: number[], path: string }
type Placement = { video: Video, reason: string } | { reason: string }

export function matchSubtitles (
  files: ReadonlyArray<{ path: string, length: number }>,
  videos: ReadonlyArray<{ fileIndex: number, path: string }>
): SubtitleMatches {
  const byVideo = new Map<number, TorrentSubtitle[]>(videos.map((v) => [v.fileIndex, []]))
  const unmatched: UnmatchedSubtitle[] = []
  const leave = (unit: Unit, reason: string): void => {
    for (const i of unit.files) unmatched.push({ fileIndex: i, path: files[i]?.path ?? '', reason })
  }
  const universe = torrentVideos(files, videos)
  const { units, orphans } = subtitleUnits(files)
  for (const i of orphans) unmatched.push({ fileIndex: i, path: files[i]?.path ?? '', reason: 'VobSub .idx without its .sub' })

  for (const unit of units) {
    const small = unit.files.find((i) => (files[i]?.length ?? 0) < MIN_SUBTITLE_BYTES)
    if (small !== undefined) { leave(unit, `under ${MIN_SUBTITLE_BYTES} bytes`); continue }
    const sample = sampleReason(unit.path)
    if (sample !== null) { leave(unit, sample); continue }
    const placed = place(unit.path, universe)
    if (!('video' in placed)) { leave(unit, placed.reason); continue }
    const list = byVideo.get(placed.video.fileIndex)
    if (list === undefined) { leave(unit, `belongs to ${placed.video.path}, which is not being published`); continue }
    const tags = readSubtitleTags(unit.path, splitPath(placed.video.path).base)
    for (const i of unit.files) {
      const file = files[i]
      if (file === undefined) continue
      const pair = unit.files.find((j) => j !== i) ?? null
      list.push({ fileIndex: i, path: file.path, length: file.length, ext: splitPath(file.path).ext as SubtitleExt, ...tags, pair, reason: placed.reason })
    }
  }
  for (const list of byVideo.values()) list.sort((a, b) => a.fileIndex - b.fileIndex)
  unmatched.sort((a, b) => a.fileIndex - b.fileIndex)
  return { byVideo, unmatched }
}

/**
 * The videos a subtitle could belong to: every real video of the torrent (samples, extras and
 * size-only samples left out) plus those being published. Subtitles are placed against all of
 * them, so one of an episode nobody assigned is never handed to the episode that was.
 */
function torrentVideos (files: ReadonlyArray<{ path: string, length: number }>, requested: ReadonlyArray<{ fileIndex: number, path: string }>): Video[] {
  const all = files.map((f, index) => ({ ...f, index })).filter((f) => isVideo(f.path))
  const tiny = tinyVideos(all)
  const kept = all.filter((f) => sampleReason(f.path) === null && !tiny.has(f.index) &&
    extraReason(f.path, hasEpisodeMarker(readName(splitPath(f.path).base))) === null)
  const paths = new Map<number, string>(kept.map((f) => [f.index, f.path]))
  for (const v of requested) paths.set(v.fileIndex, v.path)
  return [...paths].map(([fileIndex, path]) => {
    const { base, folders } = splitPath(path)
    return { fileIndex, path, base: fold(base), folder: folderKey(path), code: codeOf(base, folders) }
  })
}

/** Subtitle files, a .sub and the .idx beside it (same folder and name) as one unit. */
function subtitleUnits (files: ReadonlyArray<{ path: string }>): { units: Unit[], orphans: number[] } {
  const key = (path: string): string => fold(`${folderKey(path)}/${splitPath(path).base}`)
  const subs = new Map<string, number>()
  files.forEach((f, i) => { if (splitPath(f.path).ext === 'sub') subs.set(key(f.path), i) })
  const paired = new Set<number>()
  const units: Unit[] = []
  const orphans: number[] = []
  files.forEach((f, i) => {
    const ext = splitPath(f.path).ext
    if (ext !== 'idx') return
    const sub = subs.get(key(f.path))
    if (sub === undefined) { orphans.push(i); return }
    paired.add(sub)
    units.push({ files: [Math.min(i, sub), Math.max(i, sub)], path: f.path })
  })
  files.forEach((f, i) => {
    const ext = splitPath(f.path).ext
    if (SUBTITLE_EXTS.has(ext) && ext !== 'idx' && !paired.has(i)) units.push({ files: [i], path: f.path })
  })
  return { units, orphans }
}

/** The rules, surest first; the first that names videos decides. */
function place (path: string, videos: Video[]): Placement {
  const { folders, base } = splitPath(path)
  const name = fold(base)
  const code = codeOf(base, folders)
  // a subtitle naming S01E03 never goes to S01E02, whatever else matches
  const fits = (v: Video): boolean => code === null || v.code === null || sameCode(code, v.code)
  const candidates = videos.filter(fits)

  // the subtitle's name is the video's plus tags; or the video's is the subtitle's plus tags
  // ("[Group] Show - 01.ass" beside "[Group] Show - 01 [1080p].mkv")
  const longer = candidates.filter((v) => startsWithName(name, v.base))
  if (longer.length > 0) return pick(longestBase(longer), folders, 'same name as the video')
  const shorter = candidates.filter((v) => startsWithName(v.base, name))
  if (shorter.length > 0) return pick(shorter, folders, 'the video\'s name starts with the subtitle\'s')
  // a featurette's subtitle is nobody's, even under a torrent folder named after the movie
  const extra = extraReason(path, hasEpisodeMarker(readName(base)))
  if (extra !== null) return { reason: extra }
  const byFolder = candidates.filter((v) => folders.some((f) => fold(f) === v.base))
  if (byFolder.length > 0) return pick(byFolder, folders, 'in a folder named after the video')
  if (code !== null && videos.some((v) => v.code !== null)) {
    const same = videos.filter((v) => v.code !== null && sameCode(code, v.code))
    if (same.length === 0) return { reason: `names ${label(code)}, which no video of the torrent is` }
    return pick(same, folders, `same episode code ${label(code)}`)
  }
  const subs = folders.findIndex(isSubsFolder)
  const owner = subs >= 0 ? folders.slice(0, subs).join('/') : folders.join('/')
  const beside = candidates.filter((v) => v.folder === owner)
  if (beside.length === 1 && beside[0] !== undefined) {
    return { video: beside[0], reason: subs >= 0 ? `in the "${folders[subs] ?? ''}" folder beside the video` : 'the only video in its folder' }
  }
  if (videos.length === 1 && candidates[0] !== undefined) return { video: candidates[0], reason: 'the only video in the torrent' }
  if (videos.length === 0) return { reason: 'the torrent has no video' }
  return { reason: `no name, folder or episode code ties it to one of the ${videos.length} videos` }
}

/** One video, or the ones nearest the subtitle in the folder tree; several left is no answer. */
function pick (videos: Video[], folders: string[], reason: string): Placement {
  const depth = (v: Video): number => {
    const theirs = v.folder === '' ? [] : v.folder.split('/')
    let n = 0
    while (n < theirs.length && n < folders.length && theirs[n] === folders[n]) n++
    return n
  }
  const best = Math.max(...videos.map(depth))
  const nearest = videos.filter((v) => depth(v) === best)
  if (nearest.length === 1 && nearest[0] !== undefined) return { video: nearest[0], reason }
  return { reason: `${reason}, but fits ${nearest.length} videos: ${nearest.map((v) => v.path).join(', ')}` }
}

/** For "Show.S01E02" and "Show.S01E02.Extended", the subtitle Show.S01E02.Extended.en.srt is the latter's. */
function longestBase (videos: Video[]): Video[] {
  const longest = Math.max(...videos.map((v) => v.base.length))
  return videos.filter((v) => v.base.length === longest)
}

/** `name` is `prefix` followed by nothing or by a separator: "movie.en" and "movie", not "movie2". */
function startsWithName (name: string, prefix: string): boolean {
  return prefix !== '' && name.startsWith(prefix) && (name.length === prefix.length || /^[ ._\-[(]/.test(name.slice(prefix.length)))
}

/** An S01E02-style code from the name, else from the nearest folder that has one. */
function codeOf (base: string, folders: string[]): Code | null {
  for (const name of [base, ...[...folders].reverse()]) {
    const claim = readName(name)
    if (claim?.kind === 'explicit') return { season: claim.season, episodes: claim.episodes }
  }
  return null
}

const sameCode = (sub: Code, video: Code): boolean =>
  sub.season === video.season && sub.episodes.every((e) => video.episodes.includes(e))
const label = (c: Code): string => episodeLabel(c.season, c.episodes)
const fold = (s: string): string => s.normalize('NFC').toLowerCase()
