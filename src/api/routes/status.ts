// GET /api/search (TMDB passthrough for the UI) and GET /api/status (health).
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { InvalidInputError } from '../../errors.ts'
import type { Library } from '../../library/index.ts'
import type { TorrentService } from '../../torrent/types.ts'
import type { SubtitleService } from '../../subtitles/service.ts'
import type { MediaServerNotifier } from '../../media-servers/index.ts'
import type { RefreshScheduler } from '../../library/refresh-scheduler.ts'
import { version } from '../../version.ts'
import { errorResponses } from '../schemas/common.ts'
import { SearchQuery, SearchResultsSchema, StatusSchema } from '../schemas/status.ts'

export async function searchRoutes (app: FastifyInstance, deps: { library: Library }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  r.get('/search', { schema: { querystring: SearchQuery, response: { 200: SearchResultsSchema, ...errorResponses } } }, async (req) => {
    const q = req.query.q.trim()
    if (q === '') throw new InvalidInputError('querystring/q: must not be blank')
    return await deps.library.search.search(req.query.type, q, req.query.page ?? 1)
  })
}

export interface StatusDeps {
  library: Library
  torrents: TorrentService
  subtitles: SubtitleService
  mediaServers: Pick<MediaServerNotifier, 'status'>
  refresh: Pick<RefreshScheduler, 'status'>
  tmdbConfigured: boolean
  startedAt: Date
}

export async function statusRoutes (app: FastifyInstance, deps: StatusDeps): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  r.get('/status', { schema: { response: { 200: StatusSchema, ...errorResponses } } }, async () => {
    const cache = deps.torrents.cacheUsage()
    return {
      status: 'ok' as const,
      version,
      started_at: deps.startedAt.toISOString(),
      uptime_seconds: Math.round((Date.now() - deps.startedAt.getTime()) / 100) / 10,
      tmdb_configured: deps.tmdbConfigured,
      counts: deps.library.counts(),
      cache: { used_bytes: cache.used, limit_bytes: cache.limit },
      torrents: { loaded: deps.torrents.listTorrents().length },
      subtitles: {
        opensubtitles_configured: deps.subtitles.configured,
        languages: [...deps.subtitles.languages],
        last_error: deps.subtitles.lastError === null ? null : { message: deps.subtitles.lastError.message, at: deps.subtitles.lastError.at.toISOString() }
      },
      media_servers: deps.mediaServers.status().map((m) => ({ name: m.name, type: m.type, url: m.url, last_ok: m.lastOk, last_error: m.lastError, pending: m.pending })),
      show_refresh: deps.refresh.status()
    }
  })
}
