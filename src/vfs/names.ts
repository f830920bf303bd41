// Name rules for the published tree (SPEC stage 1): every name is safe on Windows, macOS
// and Linux clients, NFC-normalised, never empty, and unique within its folder.

/** Longest base name (UTF-8 bytes, extension excluded); Linux/macOS refuse names over 255 bytes. */
const MAX_BASE_BYTES = 200

/**
 * Makes one path segment out of free text (a title, an episode name).
 * `:` becomes ` -` ("Alien: Romulus" -> "Alien - Romulus"), `/` `\` `|` become `-`, `"` becomes `'`,
 * `< > ? *` and control characters go, whitespace runs collapse, leading spaces and trailing
 * dots/spaces are trimmed (Windows drops them silently, so two names would collide).
 */
export function sanitizeName (raw: string, fallback = 'Untitled'): string {
  let s = raw.normalize('NFC')
  s = s.replace(/[\t\n\r\v\f]/g, ' ')
  // C0, DEL and C1 controls carry no meaning in a title and break some clients' parsers
  s = s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '')
  // not allowed in XML 1.0: a PROPFIND answer with them is unparseable for every client
  s = s.replace(/[\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
  s = s.replace(/:/g, ' -')
  s = s.replace(/[/\\|]/g, '-')
  s = s.replace(/"/g, "'")
  s = s.replace(/[<>?*]/g, '')
  s = s.replace(/\s+/g, ' ')
  // "Alien : Romulus" gave "Alien  - Romulus" before collapsing; " -" runs can also repeat
  s = s.replace(/ - -/g, ' -')
  s = truncateUtf8(s, MAX_BASE_BYTES)
  s = s.replace(/^ +/, '').replace(/[. ]+$/, '')
  // "._x" is what macOS AppleDouble probes look like; WebDAV answers those 404 unseen
  s = s.replace(/^\._/, '_')
  // the fallback is the caller's own safe text ("Movie 12"), never user input
  if (s === '') return fallback
  return s
}

/** Cuts a string to at most `max` UTF-8 bytes without splitting a code point. */
function truncateUtf8 (s: string, max: number): string {
  if (Buffer.byteLength(s, 'utf8') <= max) return s
  let out = ''
  let bytes = 0
  for (const ch of s) {
    const n = Buffer.byteLength(ch, 'utf8')
    if (bytes + n > max) break
    out += ch
    bytes += n
  }
  return out
}

/** Lowercased extension of the last path segment ('' when none); only [a-z0-9], at most 10 chars. */
export function extensionOf (filePath: string): string {
  const base = filePath.split(/[/\\]/).pop() ?? ''
  const dot = base.lastIndexOf('.')
  if (dot <= 0) return ''
  const ext = base.slice(dot + 1).toLowerCase()
  return /^[a-z0-9]{1,10}$/.test(ext) ? ext : ''
}

/** Key two names collide on: Finder and Windows clients compare names case-insensitively. */
export function nameKey (name: string): string {
  return name.normalize('NFC').toLowerCase()
}

export interface NameRequest {
  /** stable id deciding who keeps the plain name (lowest id wins) */
  id: number
  /** sanitised base name (without extension) */
  base: string
  /** lowercased extension without the dot, '' for folders / no extension */
  ext: string
}

/**
 * Makes names unique within one folder: in id order, the first keeps its name and later
 * duplicates get " (2)", " (3)", ... before the extension, skipping any name that some other
 * entry carries naturally, so the result does not depend on the order of the input.
 * Returns id -> final name.
 */
export function uniqueNames (requests: NameRequest[]): Map<number, string> {
  const full = (base: string, ext: string): string => ext === '' ? base : `${base}.${ext}`
  const sorted = [...requests].sort((a, b) => a.id - b.id)
  const natural = new Set(sorted.map((r) => nameKey(full(r.base, r.ext))))
  const taken = new Set<string>()
  const out = new Map<number, string>()
  for (const r of sorted) {
    let name = full(r.base, r.ext)
    if (taken.has(nameKey(name))) {
      for (let n = 2; ; n++) {
        const candidate = full(`${r.base} (${n})`, r.ext)
        const key = nameKey(candidate)
        if (!taken.has(key) && !natural.has(key)) { name = candidate; break }
      }
    }
    taken.add(nameKey(name))
    out.set(r.id, name)
  }
  return out
}
