// Plex: a partial scan of one folder. Plex scans a path only inside a library section, by the
// section's id, so each attempt first lists the sections (GET /library/sections, JSON with
// Accept: application/json) and then asks every section holding the folder to scan it
// (GET /library/sections/{key}/refresh?path=...). Plex answers the refresh 200 with no body and
// scans in the background. The token goes as X-Plex-Token, as Plex's own clients send it.
import type { MediaServerClient, MediaServerSettings, RefreshTarget } from './types.ts'
import { endpoint, failure, MediaServerError, send, type HttpContext } from './http.ts'
import { pathWithin } from './paths.ts'

export interface PlexSection {
  /** the section id ("key" in Plex's answer) */
  key: string
  title: string
  /** the section's folders, as Plex sees them */
  locations: string[]
}

/**
 * The sections of a /library/sections answer:
 * {"MediaContainer":{"size":2,"Directory":[{"key":"1","type":"movie","title":"Movies",
 *   "Location":[{"id":1,"path":"/mnt/momoshtrem/Movies"}], ...}]}}
 * (no "Directory" when there are none); null when the body is not that.
 */
export function parseSections (body: string): PlexSection[] | null {
  let json: unknown
  try { json = JSON.parse(body) } catch { return null }
  const container = (json as { MediaContainer?: unknown } | null)?.MediaContainer
  if (container === null || typeof container !== 'object') return null
  const dirs = (container as { Directory?: unknown }).Directory ?? []
  if (!Array.isArray(dirs)) return null
  return dirs.flatMap((d: unknown): PlexSection[] => {
    const dir = d as { key?: unknown, title?: unknown, Location?: unknown }
    if (typeof dir?.key !== 'string' && typeof dir?.key !== 'number') return []
    const locations = Array.isArray(dir.Location)
      ? dir.Location.flatMap((l: { path?: unknown } | null) => typeof l?.path === 'string' ? [l.path] : [])
      : []
    return [{ key: String(dir.key), title: typeof dir.title === 'string' ? dir.title : '', locations }]
  })
}

/** Sections with a folder that holds `path` (usually one; a folder can be in two libraries). */
export function sectionsContaining (sections: readonly PlexSection[], path: string): PlexSection[] {
  return sections.filter((s) => s.locations.some((l) => pathWithin(l, path)))
}

/** The partial-scan URL: the path percent-encoded as a URI component (a space is %20, never '+'). */
export function plexRefreshUrl (baseUrl: string, sectionKey: string, path: string, token: string): URL {
  return endpoint(baseUrl, `/library/sections/${encodeURIComponent(sectionKey)}/refresh`, [['path', path], ['X-Plex-Token', token]])
}

const HEADERS = { accept: 'application/json' }

export class PlexClient implements MediaServerClient {
  private readonly http: HttpContext
  constructor (private readonly settings: Pick<MediaServerSettings, 'url' | 'token'>, http: Omit<HttpContext, 'server'>) {
    this.http = { ...http, server: 'Plex' }
  }

  async refresh (target: RefreshTarget, signal: AbortSignal): Promise<void> {
    // Plex skips a path it cannot find, so a folder that is gone is scanned from the nearest
    // folder still there: that scan notices the missing one and removes its items
    const path = target.nearestExisting
    const listed = await send(this.http, endpoint(this.settings.url, '/library/sections', [['X-Plex-Token', this.settings.token]]), { headers: HEADERS }, signal)
    if (listed.status < 200 || listed.status > 299) throw failure(this.http, 'listing its libraries', listed)
    const sections = parseSections(listed.body)
    if (sections === null) {
      throw new MediaServerError('Plex answered /library/sections with something that is not its JSON list of libraries: is the URL that of a Plex server?', { retryable: false })
    }
    const matching = sectionsContaining(sections, path)
    if (matching.length === 0) {
      const known = sections.flatMap((s) => s.locations).join(', ')
      throw new MediaServerError(`no Plex library has a folder holding ${path} (its folders: ${known === '' ? 'none' : known}); ` +
        'add the mounted Movies and TV Shows folders to libraries, or correct library_path', { retryable: false })
    }
    // a retry scans every section again: a partial scan is idempotent
    for (const section of matching) {
      const answer = await send(this.http, plexRefreshUrl(this.settings.url, section.key, path, this.settings.token), { headers: HEADERS }, signal)
      if (answer.status < 200 || answer.status > 299) throw failure(this.http, `asking library "${section.title}" to scan`, answer)
    }
  }
}
