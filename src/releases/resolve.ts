// A release found by a search to what an assign needs: a magnet and its info hash. A release
// with a magnet is that; one with only download links gets its .torrent (or the magnet its link
// redirects to) from the indexer, each link in turn, bounded by that indexer's timeout.
import { UpstreamError } from '../errors.ts'
import { IndexerError, toDomainError } from '../indexers/errors.ts'
import type { IndexerRegistry } from '../indexers/registry.ts'
import { magnetOf } from '../indexers/torrent-link.ts'
import type { Candidate } from './merge.ts'

export interface ResolvedRelease {
  magnetUri: string
  /** 40 lower-case hex characters */
  infoHash: string
  /** the release name as the indexer gave it */
  name: string
}

export async function resolveCandidate (c: Candidate, registry: IndexerRegistry): Promise<ResolvedRelease> {
  const { release } = c
  if (release.magnetUri !== null && release.infoHash !== null) {
    return { magnetUri: release.magnetUri, infoHash: release.infoHash, name: release.name }
  }
  const failures: Error[] = []
  for (const link of c.links) {
    try {
      const got = await registry.track(link.indexer, registry.client(link.indexer).resolveLink(link.url))
      // an indexer that merged under a hash must hand out that torrent, not another
      if (release.infoHash !== null && got.infoHash !== release.infoHash) {
        failures.push(new IndexerError(link.indexer, 'malformed_response', `indexer "${link.indexer}" sent torrent ${got.infoHash} for release ${release.infoHash}`))
        continue
      }
      return { magnetUri: got.magnetUri, infoHash: got.infoHash, name: release.name }
    } catch (err) {
      if (!(err instanceof Error)) throw err
      failures.push(err)
    }
  }
  // the hash alone still finds the swarm through the DHT
  if (release.infoHash !== null) {
    return { magnetUri: magnetOf(release.infoHash, release.name, []), infoHash: release.infoHash, name: release.name }
  }
  const only = failures[0]
  if (failures.length === 1 && only instanceof IndexerError) throw toDomainError(only)
  if (failures.length === 0) throw new UpstreamError(`release "${release.name}" has no magnet and no download link`)
  throw new UpstreamError(`could not fetch release "${release.name}": ${failures.map((f) => f.message).join('; ')}`)
}
