// Pure tree building: library rows (LibraryTreeSource) -> folder and file nodes.
//   /Movies/<Title (Year)>/<Title (Year)>.<ext>
//   /TV Shows/<Title (Year)>/Season NN/<Title (Year)> - SNNEMM - <Episode name>.<ext>
// A file backing several episodes (S01E01E02) is published once, as Plex and Jellyfin name
// multi-episode files: <Title (Year)> - S01E01-E02 - <first episode's name>.<ext>.
// Subtitles sit next to their video: <video base>.<lang>[.forced|.sdh].<ext> (subtitles/naming.ts).
// No I/O and no clock: the same rows always give the same tree (names, dates, ETags).
import { createHash } from 'node:crypto'
import type { TreeAssignment, TreeEpisode, TreeMovie, TreeSeason, TreeShow, TreeSubtitle } from '../library/tree-model.ts'
import { sidecarNames } from '../subtitles/naming.ts'
import type { VfsEntry } from './types.ts'
import { extensionOf, nameKey, sanitizeName, uniqueNames } from './names.ts'
import { contentTypeFor } from './content-types.ts'

export interface DirNode {
  kind: 'dir'
  entry: VfsEntry
  /** children sorted by name */
  children: TreeNode[]
  /**
   * Name lookups of a large folder, made on its first lookup (childNamed); TopFolder keeps its
   * own up to date. Small folders (most of the tree: a movie's, a season's) have none: two Maps
   * per folder were some 8 MiB of a 10,000-movie tree, and scanning a dozen names is as fast.
   */
  index?: ChildIndex
}

export interface ChildIndex {
  /** exact (NFC) name -> child */
  byName: Map<string, TreeNode>
  /** nameKey (case-folded) -> child, for clients that change the case of a path */
  byKey: Map<string, TreeNode>
}

/** Folders up to this many children are scanned instead of indexed. */
const SCAN_LIMIT = 32

export function indexChildren (children: readonly TreeNode[]): ChildIndex {
  return { byName: new Map(children.map((c) => [c.entry.name, c])), byKey: new Map(children.map((c) => [nameKey(c.entry.name), c])) }
}

/** The child named `segment`: the exact (NFC) name first, then case-insensitively (Windows, Finder). */
export function childNamed (node: DirNode, segment: string): TreeNode | undefined {
  const children = node.children
  if (node.index === undefined && children.length <= SCAN_LIMIT) {
    for (const c of children) if (c.entry.name === segment) return c
    const key = nameKey(segment)
    // the last match, as a Map built from the children would give
    for (let i = children.length - 1; i >= 0; i--) if (nameKey(children[i]!.entry.name) === key) return children[i]
    return undefined
  }
  node.index ??= indexChildren(children)
  return node.index.byName.get(segment) ?? node.index.byKey.get(nameKey(segment))
}

export interface FileNode {
  kind: 'file'
  entry: VfsEntry
  /** the video's assignment (for a subtitle: the assignment of the video it sits next to) */
  assignment: TreeAssignment
  /** set when the file is a subtitle: its bytes are this subtitle's, not the video's */
  subtitle?: TreeSubtitle
}

export type TreeNode = DirNode | FileNode

export interface TreeOptions {
  /** show folders of items without an assigned file (vfs.show_empty) */
  showEmpty: boolean
}

export const MOVIES = 'Movies'
export const TV_SHOWS = 'TV Shows'
/** Date of folders that have nothing to take a date from (an empty library's roots). */
const FIXED_DATE = new Date('2000-01-01T00:00:00Z')

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' })
export function byName (a: TreeNode, b: TreeNode): number {
  const c = collator.compare(a.entry.name, b.entry.name)
  if (c !== 0) return c
  return a.entry.name < b.entry.name ? -1 : a.entry.name > b.entry.name ? 1 : 0
}

/** Strong ETag (unquoted): changes only when the assigned torrent file changes. */
export function etagFor (a: TreeAssignment): string {
  return createHash('sha1').update(`${a.infoHash.toLowerCase()}:${a.fileIndex}:${a.fileSize}`).digest('hex')
}

function dir (name: string, created: Date, modified: Date, children: TreeNode[]): DirNode {
  const sorted = [...children].sort(byName)
  return { kind: 'dir', entry: { name, kind: 'dir', size: 0, created, modified }, children: sorted }
}

/** A folder dated by its children: latest change as modified, earliest as created. */
function rollupDir (name: string, children: TreeNode[]): DirNode {
  const node = dir(name, FIXED_DATE, FIXED_DATE, children)
  node.entry = rollupEntry(name, node.children)
  return node
}

/**
 * The entry of a folder dated by its children. A loop, not Math.min(...times): spreading
 * 200,000 dates of a 100,000-movie folder into arguments throws a RangeError.
 */
export function rollupEntry (name: string, children: readonly TreeNode[]): VfsEntry {
  if (children.length === 0) return { name, kind: 'dir', size: 0, created: FIXED_DATE, modified: FIXED_DATE }
  let min = Infinity
  let max = -Infinity
  for (const c of children) {
    const a = c.entry.created.getTime()
    const b = c.entry.modified.getTime()
    if (a < min) min = a
    if (b < min) min = b
    if (a > max) max = a
    if (b > max) max = b
  }
  return { name, kind: 'dir', size: 0, created: new Date(min), modified: new Date(max) }
}

function file (base: string, a: TreeAssignment): FileNode {
  const ext = extensionOf(a.filePath)
  return {
    kind: 'file',
    entry: {
      name: ext === '' ? base : `${base}.${ext}`,
      kind: 'file',
      size: a.fileSize,
      created: a.createdAt,
      modified: a.createdAt,
      etag: etagFor(a),
      contentType: contentTypeFor(ext)
    },
    assignment: a
  }
}

function subtitleEtag (s: TreeSubtitle): string {
  const src = s.source.kind === 'torrent' ? `${s.source.infoHash.toLowerCase()}:${s.source.fileIndex}` : `local:${s.source.storedName}`
  return createHash('sha1').update(`${src}:${s.size}`).digest('hex')
}

/** VobSub halves (.sub and .idx of one path in one torrent) by each other's id: they keep one base name. */
function vobSubPairs (subtitles: readonly TreeSubtitle[]): Map<number, number> {
  const stemOf = (s: TreeSubtitle): string | null => s.source.kind === 'torrent' && (s.format === 'sub' || s.format === 'idx')
    ? `${s.source.infoHash}:${s.source.filePath.slice(0, s.source.filePath.lastIndexOf('.'))}`
    : null
  const byStem = new Map<string, TreeSubtitle[]>()
  for (const s of subtitles) {
    const stem = stemOf(s)
    if (stem !== null) byStem.set(stem, [...(byStem.get(stem) ?? []), s])
  }
  const out = new Map<number, number>()
  for (const [a, b] of byStem.values()) {
    if (a !== undefined && b !== undefined && a.format !== b.format) { out.set(a.id, b.id); out.set(b.id, a.id) }
  }
  return out
}

/** The video and, next to it, its subtitles named after its (final, unique) base name. */
function videoWithSubtitles (base: string, a: TreeAssignment, subtitles: readonly TreeSubtitle[] | undefined): FileNode[] {
  const video = file(base, a)
  if (subtitles === undefined || subtitles.length === 0) return [video]
  const pairs = vobSubPairs(subtitles)
  const names = sidecarNames(base, subtitles.map((s) => {
    const pair = pairs.get(s.id)
    return { id: s.id, language: s.language, forced: s.forced, sdh: s.sdh, ext: s.format, ...(pair === undefined ? {} : { pair }) }
  }))
  return [video, ...subtitles.map((s): FileNode => ({
    kind: 'file',
    entry: {
      name: names.get(s.id)!,
      kind: 'file',
      size: s.size,
      created: s.createdAt,
      modified: s.createdAt,
      etag: subtitleEtag(s),
      contentType: contentTypeFor(s.format)
    },
    assignment: a,
    subtitle: s
  }))]
}

/** An item's folder name: the sanitised title with its year, as Plex and Jellyfin match them. */
export function titled (title: string, year: number | null, fallback: string): string {
  const t = sanitizeName(title, fallback)
  return year === null ? t : `${t} (${year})`
}

export const pad2 = (n: number): string => String(n).padStart(2, '0')

/** Whether the movie has a folder, and the name it asks for (before uniqueNames). */
export const movieShown = (m: TreeMovie, opts: TreeOptions): boolean => opts.showEmpty || m.assignment !== null
export const movieBase = (m: TreeMovie): string => titled(m.title, m.year, `Movie ${m.id}`)

/** One movie's folder under its final (unique) name. */
export function movieFolder (m: TreeMovie, name: string): DirNode {
  const children = m.assignment === null ? [] : videoWithSubtitles(name, m.assignment, m.subtitles)
  return dir(name, m.createdAt, m.createdAt, children)
}

function movieFolders (movies: TreeMovie[], opts: TreeOptions): TreeNode[] {
  const shown = movies.filter((m) => movieShown(m, opts))
  const names = uniqueNames(shown.map((m) => ({ id: m.id, base: movieBase(m), ext: '' })))
  return shown.map((m) => movieFolder(m, names.get(m.id)!))
}

function hasFiles (season: TreeSeason): boolean {
  return season.episodes.some((e) => e.assignment !== null)
}

/** Assigned episodes grouped by the file backing them (a multi-episode file backs several), in episode order. */
function byFile (episodes: readonly TreeEpisode[]): TreeEpisode[][] {
  const groups = new Map<string, TreeEpisode[]>()
  for (const e of [...episodes].sort((x, y) => x.episodeNumber - y.episodeNumber)) {
    if (e.assignment === null) continue
    const key = `${e.assignment.infoHash}:${e.assignment.fileIndex}`
    const group = groups.get(key)
    if (group === undefined) groups.set(key, [e])
    else group.push(e)
  }
  return [...groups.values()]
}

function episodeCode (season: number, group: readonly TreeEpisode[]): string {
  const first = group[0]!.episodeNumber
  const last = group[group.length - 1]!.episodeNumber
  return `S${pad2(season)}E${pad2(first)}${last === first ? '' : `-E${pad2(last)}`}`
}

function seasonFolder (showName: string, season: TreeSeason): DirNode {
  const groups = byFile(season.episodes)
  const bases = groups.map((group) => {
    const first = group[0]!
    const episodeName = first.name === null ? '' : sanitizeName(first.name, '')
    const base = `${showName} - ${episodeCode(season.seasonNumber, group)}${episodeName === '' ? '' : ` - ${episodeName}`}`
    return { id: first.id, base, ext: extensionOf(first.assignment!.filePath) }
  })
  // uniqueness on the full name (base + extension); file() adds the extension back
  const names = uniqueNames(bases)
  const files = groups.flatMap((group, i) => {
    const first = group[0]!
    const ext = bases[i]!.ext
    const full = names.get(first.id)!
    return videoWithSubtitles(ext === '' ? full : full.slice(0, -(ext.length + 1)), first.assignment!, first.subtitles)
  })
  return dir(`Season ${pad2(season.seasonNumber)}`, season.createdAt, season.createdAt, files)
}

export const showShown = (s: TreeShow, opts: TreeOptions): boolean => opts.showEmpty || s.seasons.some(hasFiles)
export const showBase = (s: TreeShow): string => titled(s.title, s.year, `Show ${s.id}`)

function showFolders (shows: TreeShow[], opts: TreeOptions): TreeNode[] {
  const shown = shows.filter((s) => showShown(s, opts))
  const names = uniqueNames(shown.map((s) => ({ id: s.id, base: showBase(s), ext: '' })))
  return shown.map((s) => showFolder(s, names.get(s.id)!, opts))
}

/** One show's folder (its seasons, their files) under its final (unique) name. */
export function showFolder (s: TreeShow, name: string, opts: TreeOptions): DirNode {
  const seasons = s.seasons.filter((season) => opts.showEmpty || hasFiles(season))
  // two rows with the same season number must not give two folders of the same name
  const seasonNames = uniqueNames(seasons.map((season) => ({ id: season.id, base: `Season ${pad2(season.seasonNumber)}`, ext: '' })))
  const folders = seasons.map((season) => {
    const node = seasonFolder(name, season)
    const unique = seasonNames.get(season.id)!
    return unique === node.entry.name ? node : { ...node, entry: { ...node.entry, name: unique } }
  })
  return dir(name, s.createdAt, s.createdAt, folders)
}

/** Builds the whole tree. The root always holds "Movies" and "TV Shows". */
export function buildTree (movies: TreeMovie[], shows: TreeShow[], opts: TreeOptions): DirNode {
  return rootOf(rollupDir(MOVIES, movieFolders(movies, opts)), rollupDir(TV_SHOWS, showFolders(shows, opts)))
}

/** The root over the two top folders (dated by them). */
export function rootOf (movies: DirNode, shows: DirNode): DirNode {
  return rollupDir('', [movies, shows])
}
