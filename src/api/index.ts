// The REST API under /api: TypeBox validation, one error handler, and the route modules.
// A route module is `async (app, deps) => void`; adding one is one line in `registerApi`.
import type { FastifyInstance } from 'fastify'
import type { Library } from '../library/index.ts'
import type { Logger } from '../logger.ts'
import type { TorrentService } from '../torrent/types.ts'
import type { AssignmentService } from '../assignments/service.ts'
import type { PackAssignService } from '../assignments/pack-assign.ts'
import type { SubtitleService } from '../subtitles/service.ts'
import type { IndexerRegistry } from '../indexers/registry.ts'
import type { ReleaseSearch } from '../releases/search.ts'
import type { SwarmHealth } from '../releases/health.ts'
import type { AutoAssigner } from '../releases/auto-assign.ts'
import { registerReleaseRoutes, type ReleaseItems } from './routes/releases.ts'
import { autoAssignRoutes } from './routes/auto-assign.ts'
import { exportRoutes } from './routes/export.ts'
import { calendarRoutes } from './routes/calendar.ts'
import type { EpisodeCalendar } from '../library/episode-calendar.ts'
import type { MediaServerNotifier } from '../media-servers/index.ts'
import type { RefreshScheduler } from '../library/refresh-scheduler.ts'
import type { LibraryVfs } from '../vfs/library-vfs.ts'
import type { TorrentAdmin } from '../assignments/torrent-admin.ts'
import type { TorrentRouteDeps } from './routes/torrents.ts'
import { apiValidatorCompiler } from './validation.ts'
import { registerOpenApi } from './openapi.ts'
import { movieRoutes } from './routes/movies.ts'
import { showRoutes } from './routes/shows.ts'
import { searchRoutes, statusRoutes } from './routes/status.ts'
import { assignmentRoutes } from './routes/assignments.ts'
import { packAssignRoutes } from './routes/pack-assign.ts'
import { subtitleRoutes } from './routes/subtitles.ts'
import { torrentRoutes } from './routes/torrents.ts'
import { imageRoutes } from './routes/images.ts'
import { discoverRoutes } from './routes/discover.ts'
import { torrentInspectRoutes } from './routes/torrent-inspect.ts'
import { torrentPieceRoutes } from './routes/torrent-pieces.ts'
import type { TorrentInspections } from '../assignments/inspections.ts'
import type { ImageService } from '../images/service.ts'

export interface ApiDeps {
  library: Library
  torrents: TorrentService
  assignments: AssignmentService
  /** season packs assigned to a show in one call */
  packs: PackAssignService
  /** subtitles from torrents and OpenSubtitles */
  subtitles: SubtitleService
  /** Torznab indexers, release search and ranking, live swarm health, auto-assign */
  indexers: IndexerRegistry
  releaseSearch: ReleaseSearch
  health: SwarmHealth
  autoAssign: AutoAssigner
  items: ReleaseItems
  /** the published tree, for playlists */
  vfs: Pick<LibraryVfs, 'videoFiles'>
  /** upcoming and recent episodes */
  calendar: EpisodeCalendar
  /** /api/status: media-server refreshes and the scheduled show refresh */
  mediaServers: Pick<MediaServerNotifier, 'status'>
  refresh: Pick<RefreshScheduler, 'status'>
  /** loaded torrents with their users, guarded removal */
  torrentAdmin: TorrentAdmin
  tmdbConfigured: boolean
  /** HTTP Basic is required (auth configured): the OpenAPI document declares it */
  basicAuth?: boolean
  startedAt: Date
  logger: Logger
  /** streaming figures for the torrent detail */
  streaming?: TorrentRouteDeps['streaming']
  /** TMDB images through the server, cached on disk */
  images: ImageService
  /** torrents loaded to list their files (POST /api/torrents), removed later unless assigned */
  inspections: TorrentInspections
}

/** Registers every /api route on `app` (a scope prefixed with /api by app.ts). */
export async function registerApi (app: FastifyInstance, deps: ApiDeps): Promise<void> {
  app.setValidatorCompiler(apiValidatorCompiler)
  // every body here is JSON: a text/plain one is a 415, not a string that fails validation
  app.removeContentTypeParser('text/plain')
  // before the routes: the document is built from the routes added after it
  await registerOpenApi(app, { basicAuth: deps.basicAuth === true })

  await statusRoutes(app, deps)
  await movieRoutes(app, deps)
  await showRoutes(app, deps)
  await searchRoutes(app, deps)
  await assignmentRoutes(app, deps)
  await packAssignRoutes(app, deps)
  await subtitleRoutes(app, deps)
  await registerReleaseRoutes(app, { search: deps.releaseSearch, indexers: deps.indexers, items: deps.items })
  await autoAssignRoutes(app, deps)
  await exportRoutes(app, deps)
  await calendarRoutes(app, deps)
  await torrentRoutes(app, deps)
  await imageRoutes(app, deps)
  await discoverRoutes(app, deps)
  await torrentInspectRoutes(app, deps)
  await torrentPieceRoutes(app, deps)
}
