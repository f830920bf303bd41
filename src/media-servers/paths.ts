// Where a change is: the item's folder in the published tree (named as vfs/tree.ts names it),
// and that folder on a media server's disk (under the path where the server mounts the tree).
// Pure: no I/O.
import type { TreeMovie, TreeShow } from '../library/tree-model.ts'
import { MOVIES, TV_SHOWS, pad2, titled } from '../vfs/tree.ts'

/**
 * A movie's folder: /Movies/<Title (Year)>. Two movies whose names collide are told apart in the
 * tree with " (2)"; that needs the whole library, so here the plain name stands for both.
 */
export function movieFolder (movie: Pick<TreeMovie, 'id' | 'title' | 'year'>): string {
  return `/${MOVIES}/${titled(movie.title, movie.year, `Movie ${movie.id}`)}`
}

/** A season's folder, where its episodes' files are: /TV Shows/<Title (Year)>/Season NN. */
export function seasonFolder (show: Pick<TreeShow, 'id' | 'title' | 'year'>, seasonNumber: number): string {
  return `/${TV_SHOWS}/${titled(show.title, show.year, `Show ${show.id}`)}/Season ${pad2(seasonNumber)}`
}

/**
 * A folder of the published tree in one spelling ('/Movies/X', NFC, no trailing or doubled '/'),
 * or null when `path` is not one: relative, '.' or '..' segments, or the root itself (a change
 * is always inside /Movies or /TV Shows).
 */
export function normaliseFolder (path: string): string | null {
  if (!path.startsWith('/')) return null
  const segments = path.normalize('NFC').split('/').filter((s) => s !== '')
  if (segments.length === 0 || segments.some((s) => s === '.' || s === '..')) return null
  return `/${segments.join('/')}`
}

/** The folder above `folder`; null for a top-level folder (/Movies and /TV Shows always exist). */
export function parentFolder (folder: string): string | null {
  const cut = folder.lastIndexOf('/')
  return cut <= 0 ? null : folder.slice(0, cut)
}

const WINDOWS_PATH = /^[A-Za-z]:([\\/]|$)|^\\\\/

/** A server on Windows gives paths like "M:\" or "\\nas\share": they take backslashes and ignore case. */
function isWindowsPath (p: string): boolean {
  return WINDOWS_PATH.test(p) || (p.includes('\\') && !p.includes('/'))
}

/**
 * `folder` (a normalised WebDAV folder) as the server sees it under `libraryPath`, with the
 * server's own separator: ('/mnt/momoshtrem/', '/Movies/X') -> '/mnt/momoshtrem/Movies/X',
 * ('M:\', '/Movies/X') -> 'M:\Movies\X'. Names never hold '/' or '\' (sanitizeName), so
 * segments map one to one.
 */
export function serverPath (libraryPath: string, folder: string): string {
  const sep = isWindowsPath(libraryPath) ? '\\' : '/'
  const base = libraryPath.replace(/[\\/]+$/, '')
  const segments = folder.split('/').filter((s) => s !== '')
  return [base, ...segments].join(sep)
}

function comparable (p: string, windows: boolean): string {
  const s = p.normalize('NFC').replace(/\\/g, '/').replace(/\/+$/, '')
  return windows ? s.toLowerCase() : s
}

/** Whether `path` is `location` or inside it, segment by segment ('/mnt/m' does not hold '/mnt/mo/x'). */
export function pathWithin (location: string, path: string): boolean {
  const windows = isWindowsPath(location) || isWindowsPath(path)
  const loc = comparable(location, windows)
  const p = comparable(path, windows)
  return loc === '' || p === loc || p.startsWith(`${loc}/`)
}
