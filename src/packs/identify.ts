// Season-pack identifier (issue 12, item 1): says, for every file of a torrent, which episode(s)
// of the show it holds, or why it was left out. Pure: the torrent's file list and the show's
// episode list in, a plan out; the assign endpoint decides what to store.
import { parseQuality, type Quality } from '../releases/quality.ts'
import { extraReason, nonVideoReason, sampleReason, tinyVideos } from './filters.ts'
import { episodeLabel, hasEpisodeMarker, readName } from './name-patterns.ts'
import { splitPath } from './paths.ts'
import { resolveClaim } from './resolve.ts'
import { seasonOfFolders, seasonOfSegment } from './season-hints.ts'
import { indexShow } from './show-index.ts'
import type { FileMatch, IdentifyOptions, Identification, IgnoredFile, PackFile, ShowLayout } from './types.ts'

export type { FileMatch, IdentifyOptions, Identification, IgnoredFile, PackFile, ShowLayout } from './types.ts'
export { isConfident } from './types.ts'

export function identifyFiles (files: PackFile[], show: ShowLayout, opts: IdentifyOptions = {}): Identification {
  const index = indexShow(show)
  const ignored: IgnoredFile[] = []
  const candidates: FileMatch[] = []
  const videos = files
    .map((f, i) => ({ ...f, index: i }))
    .filter((f) => nonVideoReason(f.path) === null)
  const tiny = tinyVideos(videos)

  files.forEach((file, fileIndex) => {
    const ignore = (reason: string): void => { ignored.push({ path: file.path, fileIndex, reason }) }
    const { folders, base, fileName } = splitPath(file.path)
    const early = nonVideoReason(file.path) ?? sampleReason(file.path)
    if (early !== null) return ignore(early)
    const claim = readName(base)
    const extra = extraReason(file.path, hasEpisodeMarker(claim))
    if (extra !== null) return ignore(extra)
    const small = tiny.get(fileIndex)
    if (small !== undefined) return ignore(small)
    if (claim === null) return ignore('no episode number in the name')

    // "[Group] Show S2 - 05.mkv" names its season without an episode marker; that beats folders
    const nameSeason = claim.kind === 'explicit' ? null : seasonOfSegment(base)
    const hint = nameSeason !== null ? { season: nameSeason, source: 'the name' } : seasonOfFolders(folders)
    const resolved = resolveClaim(claim, { index, hint, requested: opts.season })
    if (typeof resolved === 'string') return ignore(resolved)

    const first = resolved.episodes[0]
    if (opts.season !== undefined && first !== undefined && first.season !== opts.season) {
      return ignore(`${episodeLabel(first.season, resolved.episodes.map((e) => e.episode))} is not in the requested season ${opts.season}`)
    }
    candidates.push({ path: file.path, fileIndex, ...resolved, quality: qualityOf(fileName, folders) })
  })

  const { kept, dropped } = dropDuplicates(candidates, files)
  ignored.push(...dropped)
  kept.sort((a, b) => compareEpisodes(a, b) || a.fileIndex - b.fileIndex)
  ignored.sort((a, b) => a.fileIndex - b.fileIndex)
  return { matches: kept, ignored }
}

/**
 * Quality tags from the file name; each tag the name lacks is taken from the nearest folder
 * that has it (05 - Title.mkv inside Show.S02.1080p.BluRay.x264-GRP).
 */
function qualityOf (fileName: string, folders: string[]): Quality {
  const quality = parseQuality(fileName)
  for (let i = folders.length - 1; i >= 0; i--) {
    const outer = parseQuality(folders[i] ?? '')
    quality.resolution ??= outer.resolution
    quality.source ??= outer.source
    quality.codec ??= outer.codec
    quality.hdr ??= outer.hdr
    quality.audio ??= outer.audio
  }
  return quality
}

const CONFIDENCE_RANK = { high: 2, medium: 1, low: 0 } as const
const resolutionRank = (q: Quality): number => Number.parseInt(q.resolution ?? '0', 10) || 0

/** Better first: surer match, then higher resolution, then the bigger file. */
function compareCandidates (a: FileMatch, b: FileMatch, files: PackFile[]): number {
  return CONFIDENCE_RANK[b.confidence] - CONFIDENCE_RANK[a.confidence] ||
    resolutionRank(b.quality) - resolutionRank(a.quality) ||
    (files[b.fileIndex]?.length ?? 0) - (files[a.fileIndex]?.length ?? 0) ||
    a.fileIndex - b.fileIndex
}

function compareEpisodes (a: FileMatch, b: FileMatch): number {
  const x = a.episodes[0]
  const y = b.episodes[0]
  if (x === undefined || y === undefined) return 0
  return x.season - y.season || x.episode - y.episode
}

/**
 * Two files claiming one episode (a repack next to the original, a 720p and a 1080p copy):
 * the better one keeps it, the other is reported with the winner's path. A multi-episode file
 * is kept only when none of its episodes is taken, so every episode has exactly one file.
 */
function dropDuplicates (candidates: FileMatch[], files: PackFile[]): { kept: FileMatch[], dropped: IgnoredFile[] } {
  const owner = new Map<string, FileMatch>()
  const kept: FileMatch[] = []
  const dropped: IgnoredFile[] = []
  for (const c of [...candidates].sort((a, b) => compareCandidates(a, b, files))) {
    const keys = c.episodes.map((e) => episodeLabel(e.season, [e.episode]))
    const takenKey = keys.find((k) => owner.has(k))
    const winner = takenKey === undefined ? undefined : owner.get(takenKey)
    if (takenKey !== undefined && winner !== undefined) {
      dropped.push({ path: c.path, fileIndex: c.fileIndex, reason: `duplicate: ${takenKey} is taken by "${winner.path}" (${whyBetter(winner, c, files)})` })
      continue
    }
    for (const k of keys) owner.set(k, c)
    kept.push(c)
  }
  return { kept, dropped }
}

function whyBetter (winner: FileMatch, loser: FileMatch, files: PackFile[]): string {
  if (winner.confidence !== loser.confidence) return `a ${winner.confidence}-confidence match`
  if (resolutionRank(winner.quality) !== resolutionRank(loser.quality)) return `${winner.quality.resolution ?? '?'} over ${loser.quality.resolution ?? 'unknown'}`
  if ((files[winner.fileIndex]?.length ?? 0) !== (files[loser.fileIndex]?.length ?? 0)) return 'bigger'
  return 'listed first'
}
