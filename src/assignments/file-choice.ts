// The file inside a torrent that an assignment points at. At assign: the one the user named,
// or, when none was named, the single main video (samples, trailers and extras excluded; for
// an episode in a season pack, the file whose name carries its SxxEyy). Later, when it is
// read: the stored file, found again in the loaded torrent (assignedFile).
import { NotFoundError, UnprocessableError } from '../errors.ts'
import type { TorrentFileInfo, TorrentInfo } from '../torrent/types.ts'
import type { AssignedFile } from './types.ts'

const VIDEO = new Set(['mkv', 'mp4', 'm4v', 'avi', 'mov', 'wmv', 'ts', 'm2ts', 'mts', 'webm', 'mpg', 'mpeg', 'flv', 'ogv', 'vob', 'divx', 'iso'])
/** Folder or file names that mark a file as something other than the feature itself. */
const EXTRA = /(^|[\s._\-[(/])(sample|trailer|teaser|extras?|featurettes?|behind[\s._-]the[\s._-]scenes|deleted[\s._-]scenes|interviews?|bonus)([\s._\-\])/]|$)/i

export function isVideo (path: string): boolean {
  const dot = path.lastIndexOf('.')
  return dot >= 0 && VIDEO.has(path.slice(dot + 1).toLowerCase())
}

export function isExtra (path: string): boolean {
  return EXTRA.test(path)
}

function listing (files: TorrentFileInfo[]): Array<{ path: string, size: number }> {
  return files.map((f) => ({ path: f.path, size: f.length }))
}

function samePath (a: string, b: string): boolean {
  return a.normalize('NFC').replace(/\\/g, '/') === b.normalize('NFC').replace(/\\/g, '/')
}

/**
 * The file at `filePath`, its full path or its path without the torrent's folder name,
 * whatever the Unicode normalisation of either; undefined when there is none.
 */
function fileAt (files: TorrentFileInfo[], filePath: string, torrentName: string): TorrentFileInfo | undefined {
  const wanted = filePath.trim().replace(/^\/+/, '')
  return files.find((f) => samePath(f.path, wanted)) ?? files.find((f) => samePath(f.path, `${torrentName}/${wanted}`))
}

/** The file the user named (422 with the listing when it is not in the torrent). */
export function findFile (files: TorrentFileInfo[], filePath: string, torrentName: string): TorrentFileInfo {
  const found = fileAt(files, filePath, torrentName)
  if (found === undefined) {
    throw new UnprocessableError(`file_path: "${filePath}" is not in the torrent; choose one of the listed files`, { files: listing(files) })
  }
  return found
}

/**
 * The assigned file in the loaded torrent: its stored index when the path still matches, else
 * the file at its path; 404 unless the size is what was assigned (a different torrent's file).
 */
export function assignedFile (info: TorrentInfo, a: Omit<AssignedFile, 'id' | 'magnetUri' | 'createdAt'>): TorrentFileInfo {
  const byIndex = info.files[a.fileIndex]
  const file = byIndex !== undefined && byIndex.path === a.filePath ? byIndex : fileAt(info.files, a.filePath, info.name)
  if (file === undefined || file.length !== a.fileSize) {
    throw new NotFoundError(`torrent ${a.infoHash} has no file ${a.filePath} of ${a.fileSize} bytes`)
  }
  return file
}

/** Does the file name carry season/episode numbers SxxEyy (or 1x02)? */
export function matchesEpisode (path: string, season: number, episode: number): boolean {
  const name = path.slice(path.lastIndexOf('/') + 1)
  const re = /(?:s(\d{1,2})[\s._-]*e(\d{1,3})|(?:^|[^\d])(\d{1,2})x(\d{2,3})(?!\d))/gi
  for (const m of name.matchAll(re)) {
    const s = Number(m[1] ?? m[3])
    const e = Number(m[2] ?? m[4])
    if (s === season && e === episode) return true
  }
  return false
}

export interface EpisodeHint { season: number, episode: number }

/** Chooses automatically, or throws 422 with the candidates to choose from. */
export function chooseFile (files: TorrentFileInfo[], episode?: EpisodeHint): TorrentFileInfo {
  const videos = files.filter((f) => isVideo(f.path))
  const main = videos.filter((f) => !isExtra(f.path))
  if (episode !== undefined && main.length > 1) {
    const matching = main.filter((f) => matchesEpisode(f.path, episode.season, episode.episode))
    if (matching.length === 1) return matching[0]!
  }
  if (main.length === 1) return main[0]!
  if (videos.length === 0) {
    throw new UnprocessableError('the torrent has no video file; pass file_path to choose one of its files', { files: listing(files) })
  }
  throw new UnprocessableError(
    `the torrent has ${main.length === 0 ? 'only sample or extra' : main.length} video files; pass file_path to choose one`,
    { candidates: listing(main.length > 0 ? main : videos), files: listing(files) })
}
