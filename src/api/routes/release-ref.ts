// An assign names its torrent by a magnet (or an info hash) or by the id of a release from a
// search; the release is resolved to its magnet here (a .torrent-only release is fetched from
// its indexer, bounded), so the assignment domain only ever sees magnets.
import { Type } from '@fastify/type-provider-typebox'
import { InvalidInputError } from '../../errors.ts'
import type { ReleaseSearch } from '../../releases/search.ts'

export const TorrentRefFields = {
  magnet_uri: Type.Optional(Type.String({ minLength: 1, maxLength: 65536, description: 'magnet link or 40-character info hash' })),
  release_id: Type.Optional(Type.String({ minLength: 1, maxLength: 64, description: 'a release id from a search, in place of magnet_uri' }))
}

/**
 * The assign input with its torrent as a magnet: `magnet_uri` as given, or the magnet of the
 * release `release_id` names; exactly one of them (400 otherwise).
 */
export async function withMagnet<B extends { magnet_uri?: string | undefined, release_id?: string | undefined }> (
  body: B, releases: Pick<ReleaseSearch, 'resolveRelease'>
): Promise<Omit<B, 'magnet_uri' | 'release_id'> & { magnet_uri: string }> {
  const { magnet_uri: magnet, release_id: releaseId, ...rest } = body
  if ((magnet === undefined) === (releaseId === undefined)) {
    throw new InvalidInputError('body: give magnet_uri or release_id (one of them)')
  }
  return { ...rest, magnet_uri: magnet ?? (await releases.resolveRelease(releaseId!)).magnetUri }
}
