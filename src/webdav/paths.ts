// Request paths in, hrefs out. Clients encode paths in many ways (raw parentheses, %28,
// NFD from macOS, doubled or trailing slashes); all of them must reach the same entry, and
// hrefs must come back in one strict form that every client parses.

export interface DavPath {
  /** decoded segments as the client sent them (used as the href prefix: rclone needs it) */
  sent: string[]
  /** '/'-separated VFS path: decoded, NFC, no empty segments; '/' for the root */
  vfsPath: string
}

/**
 * Decodes the path part of a request URL below `prefix` ('/dav'). Returns null when the
 * percent-encoding is broken (answered 400) or the URL is not below the prefix.
 */
export function decodeDavPath (rawUrl: string, prefix: string): DavPath | null {
  const q = rawUrl.indexOf('?')
  const pathPart = q < 0 ? rawUrl : rawUrl.slice(0, q)
  const prefixSegments = prefix.split('/').filter((s) => s !== '')
  let segments: string[]
  try {
    segments = pathPart.split('/').filter((s) => s !== '').map((s) => decodeURIComponent(s))
  } catch {
    return null
  }
  for (const p of prefixSegments) {
    if (segments.shift() !== p) return null
  }
  // a decoded '/' (%2F) can never match a sanitised name; keep it inside its segment
  const nfc = segments.map((s) => s.normalize('NFC'))
  return { sent: segments, vfsPath: '/' + nfc.join('/') }
}

/** Percent-encodes one segment, including the sub-delimiters encodeURIComponent leaves: ! ' ( ) *. */
export function encodeSegment (segment: string): string {
  return encodeURIComponent(segment).replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase())
}

/** Absolute href: prefix + encoded segments, with a trailing '/' for collections. */
export function hrefFor (prefix: string, segments: string[], isDir: boolean): string {
  const base = prefix.replace(/\/+$/, '')
  const path = segments.map(encodeSegment).join('/')
  if (path === '') return `${base}/`
  return `${base}/${path}${isDir ? '/' : ''}`
}

// Files that macOS, Windows and desktop indexers probe for on every folder. They never
// exist here; answering at once keeps the probes from reaching the VFS.
const NOISE = new Set([
  '.ds_store', '.spotlight-v100', '.metadata_never_index', '.metadata_never_index_unless_rootfs',
  '.metadata_direct_scope_only', '.trashes', '.fseventsd', '.temporaryitems', '.volumeicon.icns',
  '.localized', '.hidden', '.directory', 'desktop.ini', 'thumbs.db', 'ehthumbs.db', 'autorun.inf',
  '$recycle.bin', '.apdisk', 'icon\r'
])

/** True when any segment is a known OS/indexer probe (`._*` AppleDouble files included). */
export function isNoisePath (segments: string[]): boolean {
  return segments.some((s) => s.startsWith('._') || NOISE.has(s.toLowerCase()))
}
