// The LibraryVFS: the published tree, built from library rows (never from torrents) and
// brought up to date as soon as the library's version changes, so API changes show at once:
// only the changed movies' and shows' folders are redrawn when the source says which changed
// (the tree_changes log), the whole tree otherwise.
import { NotFoundError } from '../errors.ts'
import type { LibraryTreeSource, TreeAssignment, TreeMovie, TreeShow, TreeSubtitle } from '../library/tree-model.ts'
import type { RandomAccessReader, Vfs, VfsEntry } from './types.ts'
import { MOVIES, TV_SHOWS, childNamed, movieBase, movieFolder, movieShown, rootOf, showBase, showFolder, showShown, type DirNode, type TreeNode, type TreeOptions } from './tree.ts'
import { TopFolder } from './top-folder.ts'
import { collectWhenQuiet, markBusy } from '../idle-collect.ts'

/**
 * Opens the torrent file behind an assignment. Called by `open()` only (listing never calls
 * it); it must be lazy: no torrent work until the reader's first `read`. `entry` is the
 * published entry (size, name, content type) of the file being opened.
 */
export type OpenFile = (assignment: TreeAssignment, entry: VfsEntry) => Promise<RandomAccessReader>

/** Opens a subtitle published next to a video (from its torrent or from the data folder). */
export type OpenSubtitle = (subtitle: TreeSubtitle, entry: VfsEntry) => Promise<RandomAccessReader>

/** Splits a decoded path into NFC segments; ignores empty segments (trailing or doubled '/'). */
export function pathSegments (path: string): string[] {
  return path.normalize('NFC').split('/').filter((s) => s !== '')
}

export class LibraryVfs implements Vfs {
  private readonly source: LibraryTreeSource
  private readonly opts: TreeOptions
  private readonly openFile: OpenFile | undefined
  private readonly openSubtitle: OpenSubtitle | undefined
  private cached: { version: number, seq: number, movies: TopFolder<TreeMovie>, shows: TopFolder<TreeShow>, root: DirNode } | undefined

  constructor (source: LibraryTreeSource, opts: { showEmpty: boolean, openSubtitle?: OpenSubtitle }, openFile?: OpenFile) {
    this.source = source
    this.opts = { showEmpty: opts.showEmpty }
    this.openFile = openFile
    this.openSubtitle = opts.openSubtitle
  }

  /** The tree for the library's current version (built at most once per version). */
  private root (): DirNode {
    const version = this.source.version()
    const cached = this.cached
    if (cached?.version === version) return cached.root
    const src = this.source
    const changes = cached === undefined ? null : src.changesSince?.(cached.seq) ?? null
    if (cached === undefined || changes === null || src.movie === undefined || src.show === undefined) {
      const seq = src.head?.() ?? 0
      const opts = this.opts
      // an unchanged item's row is read again only by an update (which needs movie/show)
      const movies = new TopFolder<TreeMovie>(MOVIES, { shown: (m) => movieShown(m, opts), base: movieBase, folder: movieFolder, load: (id) => src.movie?.(id) ?? null }, src.movies())
      const shows = new TopFolder<TreeShow>(TV_SHOWS, { shown: (s) => showShown(s, opts), base: showBase, folder: (s, name) => showFolder(s, name, opts), load: (id) => src.show?.(id) ?? null }, src.shows())
      this.cached = { version: src.version(), seq, movies, shows, root: rootOf(movies.node, shows.node) }
      // the rows read for it are garbage now, the young generation at its largest
      collectWhenQuiet(true)
      return this.cached.root
    }
    const { movie, show } = src
    if (changes.movies.length > 0) cached.movies.update(new Map(changes.movies.map((id) => [id, movie(id)])))
    if (changes.shows.length > 0) cached.shows.update(new Map(changes.shows.map((id) => [id, show(id)])))
    cached.seq = changes.seq
    // reading the log pruned it, which moved the version once more: take the moved one
    cached.version = src.version()
    cached.root = rootOf(cached.movies.node, cached.shows.node)
    // little garbage, but a burst of changes can grow the young generation again
    collectWhenQuiet(false)
    return cached.root
  }

  /** The node at `path`: exact NFC name first, then case-insensitively (Windows/Finder). */
  private lookup (path: string): TreeNode | null {
    markBusy()
    let node: TreeNode = this.root()
    for (const segment of pathSegments(path)) {
      if (node.kind !== 'dir') return null
      const next = childNamed(node, segment)
      if (next === undefined) return null
      node = next
    }
    return node
  }

  /**
   * Every video file of the tree with its path ('/'-separated, from the root) and the assignment
   * behind it, in tree order; subtitles left out. For playlists of the library.
   */
  videoFiles (): Array<{ path: string[], entry: VfsEntry, assignment: TreeAssignment }> {
    const out: Array<{ path: string[], entry: VfsEntry, assignment: TreeAssignment }> = []
    const walk = (node: TreeNode, path: string[]): void => {
      if (node.kind === 'file') { if (node.subtitle === undefined) out.push({ path, entry: node.entry, assignment: node.assignment }); return }
      for (const child of node.children) walk(child, [...path, child.entry.name])
    }
    walk(this.root(), [])
    return out
  }

  async stat (path: string): Promise<VfsEntry | null> {
    return this.lookup(path)?.entry ?? null
  }

  async readDir (path: string): Promise<VfsEntry[]> {
    const node = this.lookup(path)
    if (node?.kind !== 'dir') throw new NotFoundError(`no folder at ${path}`)
    return node.children.map((c) => c.entry)
  }

  async open (path: string): Promise<RandomAccessReader> {
    const node = this.lookup(path)
    if (node?.kind !== 'file') throw new NotFoundError(`no file at ${path}`)
    if (node.subtitle !== undefined) {
      if (this.openSubtitle === undefined) throw new NotFoundError('subtitles not available')
      return await this.openSubtitle(node.subtitle, node.entry)
    }
    if (this.openFile === undefined) throw new NotFoundError('streaming not available')
    return await this.openFile(node.assignment, node.entry)
  }
}
