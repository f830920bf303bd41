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

export async function magnetOf (body: { magnet_uri?: string | undefined, release_id?: string | undefined }, releases: Pick<ReleaseSearch, 'resolveRelease'>): Promise<string> {
  if ((body.magnet_uri === undefined) === (body.release_id === undefined)) {
    throw new InvalidInputError('body: give magnet_uri or release_id (one of them)')
  }
  if (body.magnet_uri !== undefined) return body.magnet_uri
  return (await releases.resolveRelease(body.release_id!)).magnetUri
}
