// The composition root: builds the whole object graph from one validated Config.
// main.ts (the process) and the tests both go through createApp, with overrides in tests.
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Config } from './config/schema.ts'
import { createLogger, type Logger } from './logger.ts'
import { openDatabase } from './db/open.ts'
import { migrate } from './db/migrate.ts'
import { Startup } from './startup.ts'
import { registerBasicAuth } from './http/auth.ts'
import { registerRequestLogging } from './http/request-log.ts'
import { registerHostCheck } from './http/host-check.ts'
import { clientErrorHandler, frameworkErrors, registerErrorHandling } from './http/errors.ts'
import { limitConnections, timeoutOptions } from './http/server-options.ts'
import { lazySerializers } from './http/lazy-serializers.ts'
import { TmdbClient } from './tmdb/client.ts'
import { createLibrary } from './library/index.ts'
import { createTorrentService } from './torrent/service.ts'
import { LibraryVfs } from './vfs/library-vfs.ts'
import { AssignmentRepository } from './assignments/repository.ts'
import { AssignmentEvents } from './assignments/events.ts'
import { AssignmentService } from './assignments/service.ts'
import { PackAssignService } from './assignments/pack-assign.ts'
import { SubtitleRepository } from './subtitles/repository.ts'
import { createSubtitles } from './subtitles/index.ts'
import { createReleases } from './releases/index.ts'
import { MediaServerNotifier } from './media-servers/index.ts'
import { libraryFolderOf } from './media-servers/folder-of.ts'
import { RefreshScheduler } from './library/refresh-scheduler.ts'
import { libraryRefresher } from './library/refresh-source.ts'
import { EpisodeCalendar } from './library/episode-calendar.ts'
import { CalendarRepository } from './library/calendar-repository.ts'
import { TorrentAdmin } from './assignments/torrent-admin.ts'
import { TorrentInspections } from './assignments/inspections.ts'
import { registerApi } from './api/index.ts'
import { createImages } from './images/index.ts'
import { registerWebdav } from './webdav/index.ts'
import { registerWebUi } from './web/index.ts'
import { AppMetrics } from './metrics/app-metrics.ts'
import { countHttpResponses, registerMetricsRoute } from './metrics/routes.ts'
import { FileStreams } from './streaming/file-streams.ts'
import { streamingSettings } from './streaming/prioritiser.ts'

export interface AppOptions {
  logger?: Logger
  /** replaces global fetch for TMDB calls (never needed in tests: they run a fake TMDB server) */
  fetch?: typeof fetch
}

export interface App {
  config: Readonly<Config>
  server: FastifyInstance
  logger: Logger
  /** Starts listening; resolves with the base URL (http://host:port). */
  listen (): Promise<string>
  /** Stops the listener, torrents, timers and the database; safe to call twice. */
  close (): Promise<void>
}

export async function createApp (config: Readonly<Config>, opts: AppOptions = {}): Promise<App> {
  const logger = opts.logger ?? createLogger(config.logging.level)
  const startedAt = new Date()

  // each step that opens something says how to close it, should a later step fail
  const startup = new Startup()
  const db = await startup.step('open the database', () => openDatabase(config.database.path), (d) => { d.close() })
  await startup.step('migrate the database', () => {
    const applied = migrate(db)
    if (applied.length > 0) logger.info({ applied }, 'database migrated')
  })
  await startup.step('create the torrent folders', () => {
    mkdirSync(config.torrent.metadata_folder, { recursive: true })
    mkdirSync(config.torrent.cache_folder, { recursive: true })
  })

  const tmdb = new TmdbClient(config.tmdb, logger.child({ component: 'tmdb' }), opts.fetch)
  const images = createImages(config, { tmdb, logger: logger.child({ component: 'images' }), fetch: opts.fetch })
  // assigned/unassigned, published by the assignment service and by deletes in the library
  const assignmentEvents = new AssignmentEvents()
  const subtitleRepo = new SubtitleRepository(db)
  const library = createLibrary({ db, tmdb, logger: logger.child({ component: 'library' }), assignmentEvents, subtitles: subtitleRepo })
  const torrents = await startup.step('start the torrent engine', async () => await createTorrentService(config.torrent, logger.child({ component: 'torrent' })), async (t) => { await t.close() })
  const assignmentRepo = new AssignmentRepository(db, library.changed)
  const assignments = new AssignmentService(assignmentRepo, torrents, logger.child({ component: 'assignments' }), assignmentEvents)
  const packs = new PackAssignService(assignmentRepo, assignments.claims, assignmentEvents, logger.child({ component: 'packs' }))
  const releases = createReleases(config, { library, torrents, assignments, packs, repo: assignmentRepo, logger: logger.child({ component: 'releases' }), fetch: opts.fetch })
  const torrentAdmin = new TorrentAdmin(assignmentRepo, torrents, assignmentEvents)
  // torrents loaded only to list their files go again unless assigned within inspect_timeout
  const inspections = new TorrentInspections({
    torrents,
    users: (hash) => assignmentRepo.activeByHash(hash).length,
    busy: (hash) => assignments.claims.busy(hash),
    file: join(config.torrent.metadata_folder, 'inspected.json'),
    ttlMs: config.torrent.inspect_timeout * 1000,
    log: logger.child({ component: 'inspections' })
  })
  await startup.step('schedule inspected torrents', async () => { await inspections.start() }, async () => { await inspections.close() })
  // every handle's reads go through the streaming layer (priorities, layouts, pins, warm-up)
  const metrics: AppMetrics = await startup.step('start the metrics', () => new AppMetrics(torrents, { pinnedBytes: () => streams.pins.bytes, processMetrics: true }), (m) => { m.close() })
  const streams: FileStreams = new FileStreams({
    torrents,
    library: library.treeSource,
    settings: streamingSettings(config.streaming),
    graceMs: config.streaming.handle_grace * 1000,
    nextEpisodeAt: config.streaming.next_episode_at,
    warmOnAssign: config.streaming.warm_on_assign,
    readTimeoutMs: config.torrent.read_timeout * 1000,
    layoutPath: join(config.torrent.metadata_folder, 'layouts.json'),
    metrics,
    logger: logger.child({ component: 'streaming' })
  })
  await startup.step('start the streaming layer', async () => { await streams.start() }, async () => { await streams.close() })
  const subtitles = createSubtitles(config, { repo: subtitleRepo, torrents, assignments: assignmentRepo, logger: logger.child({ component: 'subtitles' }), fetch: opts.fetch })
  await startup.step('scan torrents for subtitles', () => { subtitles.start() }, async () => { await subtitles.close() })
  // an assigned file is warmed and pinned at once (warm_on_assign); an unassigned one loses its
  // pins; its torrent's subtitles are found and pinned, and missing languages downloaded
  assignmentEvents.subscribe({ assigned: (a) => { streams.assigned(a) }, unassigned: (a) => { streams.unassigned(a) } })
  assignmentEvents.subscribe(subtitles.listener)
  // Plex/Jellyfin/Emby scan the item's folder at once instead of at their next full scan
  const mediaServers = new MediaServerNotifier(config.media_servers.map((m) => ({ type: m.type, url: m.url, token: m.token, libraryPath: m.library_path })), {
    logger: logger.child({ component: 'media-servers' }),
    ...(opts.fetch === undefined ? {} : { fetch: opts.fetch }),
    exists: async (folder) => (await vfs.stat(folder))?.kind === 'dir'
  })
  assignmentEvents.subscribe(mediaServers.listener(libraryFolderOf(library)))
  // new seasons and episodes of the library's shows, from TMDB, staggered over the interval
  const refresh = new RefreshScheduler(libraryRefresher(library.shows, tmdb), { intervalMs: config.library.refresh_interval * 1000, logger: logger.child({ component: 'refresh' }) })
  await startup.step('schedule show refreshes', () => { refresh.start() }, async () => { await refresh.close() })
  const calendar = new EpisodeCalendar(new CalendarRepository(db))
  // opening is lazy: a handle touches the torrent on its first read, never while listing
  const vfs = new LibraryVfs(library.treeSource, { showEmpty: config.vfs.show_empty, openSubtitle: subtitles.open }, async (assignment) => streams.open(assignment))

  const server = await startup.step('set up the HTTP server', () => Fastify({
    loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger,
    // request-log.ts writes one line per response at a level fitting its status
    logController: new LogController({ disableRequestLogging: true }),
    // players keep connections open between range requests; streams may run for hours, which
    // the request timeouts allow: they bound receiving a request, not sending the response
    keepAliveTimeout: 75_000,
    ...timeoutOptions(config.server),
    bodyLimit: 1024 * 1024,
    // the WebDAV handler matches paths itself (encoding variants, NFC, trailing slash)
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true },
    // Fastify's and Node's own errors in the error format (http/errors.ts)
    frameworkErrors,
    clientErrorHandler,
    schemaController: { compilersFactory: { buildSerializer: lazySerializers() } }
  }), async (srv) => { await srv.close() })
  limitConnections(server.server, config.server.max_connections)
  registerRequestLogging(server)
  countHttpResponses(server, metrics)
  registerErrorHandling(server, logger.child({ component: 'http' }))
  // before auth: a rebound name gets 421 whatever credentials the page has
  registerHostCheck(server, { host: config.server.host, publicHosts: config.server.public_hosts })
  if (config.auth.username !== '') {
    registerBasicAuth(server, { username: config.auth.username, password: config.auth.password })
  }
  // after the auth hook: /metrics asks for the same credentials as everything else
  registerMetricsRoute(server, metrics.registry)
  await startup.step('register the routes', async () => { await registerRoutes() })
  startup.done()

  async function registerRoutes (): Promise<void> {
    await server.register(async (scope) => {
      await registerApi(scope, {
        library,
        torrents,
        assignments,
        packs,
        subtitles: subtitles.service,
        ...releases,
        vfs,
        calendar,
        mediaServers,
        refresh,
        torrentAdmin,
        tmdbConfigured: tmdb.configured,
        basicAuth: config.auth.username !== '',
        startedAt,
        logger: logger.child({ component: 'api' }),
        streaming: streams,
        images,
        inspections
      })
    }, { prefix: '/api' })
    await server.register(async (scope) => {
      await registerWebdav(scope, { vfs, logger: logger.child({ component: 'webdav' }), prefix: '/dav' })
    })
    await server.register(async (scope) => { await registerWebUi(scope) })
    await server.ready()
  }

  let closed: Promise<void> | undefined
  const close = async (): Promise<void> => {
    closed ??= (async () => {
      await server.close()
      metrics.close()
      await subtitles.close()
      await mediaServers.close()
      await refresh.close()
      await releases.close()
      await inspections.close()
      await streams.close()
      await torrents.close()
      db.close()
    })()
    return await closed
  }

  return {
    config,
    server,
    logger,
    async listen () {
      return await server.listen({ host: config.server.host, port: config.server.port })
    },
    close
  }
}
