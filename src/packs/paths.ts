// Path helpers: torrents use '/' between folders, a few Windows-made ones use '\'.

export interface SplitPath {
  /** Folder names, outermost first (the torrent's own folder included). */
  folders: string[]
  /** The file name with its extension. */
  fileName: string
  /** The file name without its extension. */
  base: string
  /** Lowercased extension without the dot, '' when none. */
  ext: string
}

export function splitPath (path: string): SplitPath {
  const parts = path.split(/[/\\]+/).filter((p) => p !== '')
  const fileName = parts.pop() ?? ''
  const dot = fileName.lastIndexOf('.')
  const hasExt = dot > 0 && /^[a-z0-9]{1,5}$/i.test(fileName.slice(dot + 1))
  return {
    folders: parts,
    fileName,
    base: hasExt ? fileName.slice(0, dot) : fileName,
    ext: hasExt ? fileName.slice(dot + 1).toLowerCase() : ''
  }
}

/** The folder a file sits in, as one key ('' for the torrent root). */
export function folderKey (path: string): string {
  return splitPath(path).folders.join('/')
}

/** "1.2 GB" style sizes for reasons a person reads. */
export function formatSize (bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB']
  let n = bytes
  let i = 0
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000
    i++
  }
  return `${i === 0 ? String(n) : n.toFixed(n < 10 ? 1 : 0)} ${units[i] ?? 'B'}`
}
