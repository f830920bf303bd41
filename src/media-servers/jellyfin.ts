// Jellyfin and Emby (Jellyfin is Emby's fork; both keep Emby's endpoint): POST
// /Library/Media/Updated {"Updates":[{"Path":...,"UpdateType":...}]}, answered 204. The server's
// library monitor then rescans the item holding that path, walking up to the nearest folder it
// knows when the path is gone, so a deleted folder is reported as itself.
//
// The token: Jellyfin reads `Authorization: MediaBrowser Token="..."` in every version since
// 10.x; the legacy X-Emby-Token header is ignored when the server's EnableLegacyAuthorization is
// off (the default from 12.0). Emby documents X-Emby-Token for API keys.
import type { MediaServerClient, MediaServerSettings, MediaServerType, RefreshTarget } from './types.ts'
import { endpoint, failure, send, type HttpContext } from './http.ts'

export type UpdateType = 'Created' | 'Modified' | 'Deleted'

export interface MediaUpdatedBody {
  Updates: Array<{ Path: string, UpdateType: UpdateType }>
}

/**
 * The body for one folder. Jellyfin ignores UpdateType (it rescans whatever is at the path),
 * so it only tells a folder still there ("Modified") from one that is gone ("Deleted").
 */
export function mediaUpdatedBody (target: RefreshTarget): MediaUpdatedBody {
  return { Updates: [{ Path: target.path, UpdateType: target.exists ? 'Modified' : 'Deleted' }] }
}

export function authHeaders (type: Exclude<MediaServerType, 'plex'>, token: string): Record<string, string> {
  return type === 'jellyfin' ? { authorization: `MediaBrowser Token="${token}"` } : { 'x-emby-token': token }
}

export class JellyfinClient implements MediaServerClient {
  private readonly http: HttpContext
  constructor (
    private readonly settings: Pick<MediaServerSettings, 'url' | 'token'> & { type: 'jellyfin' | 'emby' },
    http: Omit<HttpContext, 'server'>
  ) {
    this.http = { ...http, server: settings.type === 'jellyfin' ? 'Jellyfin' : 'Emby' }
  }

  async refresh (target: RefreshTarget, signal: AbortSignal): Promise<void> {
    const answer = await send(this.http, endpoint(this.settings.url, '/Library/Media/Updated'), {
      method: 'POST',
      headers: { ...authHeaders(this.settings.type, this.settings.token), 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(mediaUpdatedBody(target))
    }, signal)
    if (answer.status < 200 || answer.status > 299) throw failure(this.http, 'reporting the changed folder', answer)
  }
}
