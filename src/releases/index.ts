// Finding releases, built from the configuration: the Torznab indexers, the search and its
// ranking, the live swarm health check (sharing the engine's peer id, port and DHT node), and
// auto-assign on top of the assignment services.
import type { Config } from '../config/schema.ts'
import type { Logger } from '../logger.ts'
import type { Library } from '../library/index.ts'
import type { AssignmentService } from '../assignments/service.ts'
import type { PackAssignService } from '../assignments/pack-assign.ts'
import type { AssignmentRepository } from '../assignments/repository.ts'
import type { TorrentService } from '../torrent/types.ts'
import type { ReleaseItems } from '../api/routes/releases.ts'
import { IndexerRegistry } from '../indexers/registry.ts'
import { AutoAssigner } from './auto-assign.ts'
import { SwarmHealth } from './health.ts'
import { libraryItems } from './library-items.ts'
import { ReleaseSearch } from './search.ts'

export interface Releases {
  indexers: IndexerRegistry
  releaseSearch: ReleaseSearch
  health: SwarmHealth
  autoAssign: AutoAssigner
  items: ReleaseItems
  close (): Promise<void>
}

export interface ReleasesDeps {
  library: Library
  torrents: TorrentService
  assignments: AssignmentService
  packs: PackAssignService
  repo: Pick<AssignmentRepository, 'showEpisodes'>
  logger: Logger
  fetch?: typeof fetch | undefined
}

/** Swarms probed at once, connections per swarm, and the peers after which a probe may end. */
const HEALTH_CONCURRENCY = 4
const HEALTH_PEERS = 16
const HEALTH_ENOUGH = 8

export function createReleases (config: Readonly<Config>, deps: ReleasesDeps): Releases {
  const indexers = new IndexerRegistry(config.indexers.map((i) => ({
    name: i.name, url: i.url, apiKey: i.api_key, categories: [...i.categories], timeoutMs: i.timeout * 1000
  })), deps.fetch === undefined ? {} : { fetch: deps.fetch })
  const releaseSearch = new ReleaseSearch({ indexers, prefs: config.releases, logger: deps.logger })
  const identity = deps.torrents.swarmIdentity()
  const health = new SwarmHealth({
    timeoutMs: config.releases.health_timeout * 1000,
    cacheTtlMs: config.releases.health_cache * 1000,
    maxConcurrent: HEALTH_CONCURRENCY,
    maxPeersPerSwarm: HEALTH_PEERS,
    enoughPeers: HEALTH_ENOUGH,
    trackers: config.torrent.trackers,
    maxTrackers: config.torrent.max_trackers,
    dht: identity.dht,
    encryption: config.torrent.encryption,
    peerId: identity.peerId,
    port: identity.port
  }, deps.logger.child({ part: 'health' }))
  const items = libraryItems(deps.library)
  const autoAssign = new AutoAssigner({
    search: releaseSearch,
    health,
    assignments: deps.assignments,
    packs: deps.packs,
    items,
    episodes: (showId) => deps.repo.showEpisodes(showId),
    logger: deps.logger
  })
  return { indexers, releaseSearch, health, autoAssign, items, close: async () => { await health.close() } }
}
