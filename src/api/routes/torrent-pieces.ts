// GET /api/torrents/:hash/pieces: the piece map of a loaded torrent, one character per piece,
// for the UI to draw what is cached, pinned and on its way.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { TorrentAdmin } from '../../assignments/torrent-admin.ts'
import { errorResponses } from '../schemas/common.ts'
import { HashParams } from './torrents.ts'

const PieceMapSchema = Type.Object({
  piece_count: Type.Integer(),
  piece_length: Type.Integer(),
  map: Type.String({
    pattern: '^[0-3]*$',
    description: "one character per piece: '0' missing, '1' cached (verified, in memory or on disk), " +
      "'2' cached and pinned (kept from eviction: the streaming layer's pins of assigned files, open readers' windows), '3' being fetched"
  })
})

export async function torrentPieceRoutes (app: FastifyInstance, deps: { torrentAdmin: TorrentAdmin }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  r.get('/torrents/:hash/pieces', {
    schema: { description: 'The piece map of a loaded torrent (404 when it is not loaded).', params: HashParams, response: { 200: PieceMapSchema, ...errorResponses } }
  }, async (req) => {
    const torrent = deps.torrentAdmin.getTorrent(req.params.hash.toLowerCase())
    return { piece_count: torrent.info.pieceCount, piece_length: torrent.info.pieceLength, map: torrent.pieceMap() }
  })
}
