// POST /api/torrents: a torrent's files for the UI's file picker, before anything is assigned.
// The torrent joins its swarm for the metadata (or is found loaded); one loaded only for this
// is removed after torrent.inspect_timeout unless something was assigned from it meanwhile
// (assignments/inspections.ts).
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { parseTorrentRef } from '../../assignments/magnet.ts'
import type { TorrentInspections } from '../../assignments/inspections.ts'
import type { ReleaseSearch } from '../../releases/search.ts'
import { TorrentFileSchema, toTorrentFiles } from '../schemas/assignment.ts'
import { errorResponses } from '../schemas/common.ts'
import { TorrentRefFields, withMagnet } from './release-ref.ts'

const Body = Type.Object(TorrentRefFields, { additionalProperties: false })

const InspectionSchema = Type.Object({
  info_hash: Type.String(),
  name: Type.String(),
  length: Type.Integer({ description: 'total bytes' }),
  piece_length: Type.Integer(),
  piece_count: Type.Integer(),
  files: Type.Array(TorrentFileSchema)
})

export async function torrentInspectRoutes (app: FastifyInstance, deps: { inspections: TorrentInspections, releaseSearch: Pick<ReleaseSearch, 'resolveRelease'> }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  r.post('/torrents', {
    schema: {
      description: 'Loads a torrent (magnet_uri, or the release_id of a search) and lists its files with their kind, waiting for ' +
        'its metadata up to torrent.add_timeout (504 add_timeout). A torrent loaded only for this is removed after ' +
        'torrent.inspect_timeout (default 10 minutes; inspecting it again restarts the wait) unless one of its files was assigned by then.',
      body: Body,
      response: { 200: InspectionSchema, ...errorResponses }
    }
  }, async (req) => {
    const { magnet_uri: magnet } = await withMagnet(req.body, deps.releaseSearch)
    const torrent = await deps.inspections.inspect(parseTorrentRef(magnet))
    const info = torrent.info
    return { info_hash: info.infoHash, name: info.name, length: info.length, piece_length: info.pieceLength, piece_count: info.pieceCount, files: toTorrentFiles(info) }
  })
}
