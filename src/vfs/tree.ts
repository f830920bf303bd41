// Pure tree building: library rows (LibraryTreeSource) -> folder and file nodes.
//   /Movies/<Title (Year)>/<Title (Year)>.<ext>
//   /TV Shows/<Title (Year)>/Season NN/<Title (Year)> - SNNEMM - <Episode name>.<ext>
// No I/O and no clock: the same rows always give the same tree (names, dates, ETags).
import { createHash } from 'node:crypto'
import type { TreeAssignment, TreeMovie, TreeSeason, TreeShow } from '../library/tree-model.ts'
import type { VfsEntry } from './types.ts'
import { extensionOf, nameKey, sanitizeName, uniqueNames } from './names.ts'
import { contentTypeFor } from './content-types.ts'

export interface DirNode {
  kind: 'dir'
  entry: VfsEntry
  /** children sorted by name */
  children: TreeNode[]
  /** exact (NFC) name -> child */
  byName: Map<string, TreeNode>
  /** nameKey (case-folded) -> child, for clients that change the case of a path */
  byKey: Map<string, TreeNode>
}

export interface FileNode {
  kind: 'file'
  entry: VfsEntry
  assignment: TreeAssignment
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
function byName (a: TreeNode, b: TreeNode): number {
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
  return {
    kind: 'dir',
    entry: { name, kind: 'dir', size: 0, created, modified },
    children: sorted,
    byName: new Map(sorted.map((c) => [c.entry.name, c])),
    byKey: new Map(sorted.map((c) => [nameKey(c.entry.name), c]))
  }
}

/** A folder dated by its children: latest change as modified, earliest as created. */
function rollupDir (name: string, children: TreeNode[]): DirNode {
  if (children.length === 0) return dir(name, FIXED_DATE, FIXED_DATE, children)
  const times = children.flatMap((c) => [c.entry.created.getTime(), c.entry.modified.getTime()])
  return dir(name, new Date(Math.min(...times)), new Date(Math.max(...times)), children)
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

function titled (title: string, year: number | null, fallback: string): string {
  const t = sanitizeName(title, fallback)
  return year === null ? t : `${t} (${year})`
}

const pad2 = (n: number): string => String(n).padStart(2, '0')

function movieFolders (movies: TreeMovie[], opts: TreeOptions): TreeNode[] {
  const shown = movies.filter((m) => opts.showEmpty || m.assignment !== null)
  const names = uniqueNames(shown.map((m) => ({ id: m.id, base: titled(m.title, m.year, `Movie ${m.id}`), ext: '' })))
  return shown.map((m) => {
    const name = names.get(m.id)!
    const children = m.assignment === null ? [] : [file(name, m.assignment)]
    return dir(name, m.createdAt, m.createdAt, children)
  })
}

function hasFiles (season: TreeSeason): boolean {
  return season.episodes.some((e) => e.assignment !== null)
}

function seasonFolder (showName: string, season: TreeSeason): DirNode {
  const assigned = season.episodes.filter((e) => e.assignment !== null)
  const bases = assigned.map((e) => {
    const episodeName = e.name === null ? '' : sanitizeName(e.name, '')
    const code = `S${pad2(season.seasonNumber)}E${pad2(e.episodeNumber)}`
    const base = `${showName} - ${code}${episodeName === '' ? '' : ` - ${episodeName}`}`
    return { id: e.id, base, ext: extensionOf(e.assignment!.filePath) }
  })
  // uniqueness on the full name (base + extension); file() adds the extension back
  const names = uniqueNames(bases)
  const files = assigned.map((e, i) => {
    const ext = bases[i]!.ext
    const full = names.get(e.id)!
    return file(ext === '' ? full : full.slice(0, -(ext.length + 1)), e.assignment!)
  })
  return dir(`Season ${pad2(season.seasonNumber)}`, season.createdAt, season.createdAt, files)
}

function showFolders (shows: TreeShow[], opts: TreeOptions): TreeNode[] {
  const shown = shows.filter((s) => opts.showEmpty || s.seasons.some(hasFiles))
  const names = uniqueNames(shown.map((s) => ({ id: s.id, base: titled(s.title, s.year, `Show ${s.id}`), ext: '' })))
  return shown.map((s) => {
    const name = names.get(s.id)!
    const seasons = s.seasons.filter((season) => opts.showEmpty || hasFiles(season))
    // two rows with the same season number must not give two folders of the same name
    const seasonNames = uniqueNames(seasons.map((season) => ({ id: season.id, base: `Season ${pad2(season.seasonNumber)}`, ext: '' })))
    const folders = seasons.map((season) => {
      const node = seasonFolder(name, season)
      const unique = seasonNames.get(season.id)!
      return unique === node.entry.name ? node : { ...node, entry: { ...node.entry, name: unique } }
    })
    return dir(name, s.createdAt, s.createdAt, folders)
  })
}

/** Builds the whole tree. The root always holds "Movies" and "TV Shows". */
export function buildTree (movies: TreeMovie[], shows: TreeShow[], opts: TreeOptions): DirNode {
  const root = rollupDir('', [rollupDir(MOVIES, movieFolders(movies, opts)), rollupDir(TV_SHOWS, showFolders(shows, opts))])
  return root
}
