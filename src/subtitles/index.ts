// The subtitles feature, built from the configuration: the torrent scanner, the OpenSubtitles
// client (when a key is set) and the service, the assignment listener that drives both, and the
// opener the published tree uses for subtitle files.
import type { Config } from '../config/schema.ts'
import type { Logger } from '../logger.ts'
import type { AssignmentListener } from '../assignments/events.ts'
import type { AssignmentRepository } from '../assignments/repository.ts'
import type { TorrentService } from '../torrent/types.ts'
import type { OpenSubtitle } from '../vfs/library-vfs.ts'
import { OpenSubtitlesClient } from './opensubtitles/client.ts'
import { openSubtitleReader } from './readers.ts'
import type { SubtitleRepository } from './repository.ts'
import { SubtitleService } from './service.ts'
import { TorrentSubtitleScanner } from './torrent-scan.ts'

export interface Subtitles {
  service: SubtitleService
  listener: AssignmentListener
  open: OpenSubtitle
  /** scans assignments made before the scanner existed and pins every torrent subtitle; sweeps orphaned downloads */
  start (): void
  close (): Promise<void>
}

export interface SubtitlesDeps {
  repo: SubtitleRepository
  torrents: TorrentService
  assignments: Pick<AssignmentRepository, 'getActive'>
  logger: Logger
  fetch?: typeof fetch | undefined
}

export function createSubtitles (config: Readonly<Config>, deps: SubtitlesDeps): Subtitles {
  const os = config.subtitles.opensubtitles
  const client = os.api_key.trim() === ''
    ? null
    : new OpenSubtitlesClient({
      apiKey: os.api_key,
      username: os.username,
      password: os.password,
      baseUrl: os.base_url,
      userAgent: os.user_agent,
      timeoutMs: os.timeout * 1000
    }, deps.logger, deps.fetch)
  const readTimeoutMs = config.torrent.read_timeout * 1000
  const scanner = new TorrentSubtitleScanner({ repo: deps.repo, torrents: deps.torrents, logger: deps.logger })
  const service = new SubtitleService({
    repo: deps.repo,
    client,
    activeAssignment: (type, id) => deps.assignments.getActive(type, id),
    torrents: deps.torrents,
    folder: config.subtitles.folder,
    languages: config.subtitles.languages,
    readTimeoutMs,
    logger: deps.logger
  })
  return {
    service,
    listener: {
      // the scan first: a language the torrent brings is not downloaded again
      assigned: (a) => { scanner.assigned(a); service.assigned(a) },
      unassigned: (a) => { scanner.unassigned(a) }
    },
    open: async (subtitle) => openSubtitleReader({ torrents: deps.torrents, folder: config.subtitles.folder, readTimeoutMs }, subtitle),
    start () {
      scanner.start()
      const swept = service.sweep()
      if (swept > 0) deps.logger.info({ swept }, 'downloaded subtitles without a library entry removed')
    },
    async close () {
      scanner.close()
      await service.close()
    }
  }
}
