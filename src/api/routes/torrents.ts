// Torrent management: list, detail (with its connected peers), files, delete.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { TorrentAdmin } from '../../assignments/torrent-admin.ts'
import type { Assignment } from '../../assignments/types.ts'
import type { Library } from '../../library/index.ts'
import type { Torrent, TorrentService } from '../../torrent/types.ts'
import type { TorrentStreaming } from '../../streaming/file-streams.ts'
import {
  TorrentDetailSchema, TorrentFileSchema, TorrentSummarySchema,
  toPeers, toStreamingDto, toTorrentFiles, toTorrentSummary
} from '../schemas/assignment.ts'
import { ErrorBody as ErrorResponse } from '../schemas/common.ts'

export const HashParams = Type.Object({ hash: Type.String({ pattern: '^[0-9a-fA-F]{40}$', description: 'info hash, 40 hex characters' }) })

export interface TorrentRouteDeps {
  torrentAdmin: TorrentAdmin
  torrents: TorrentService
  /** names the items using a torrent (and an episode's show), when given */
  library?: Pick<Library, 'movies' | 'shows'>
  /** streaming figures (read latency, stalls, layouts, pins); absent when streaming is not wired */
  streaming?: { describe (torrent: Torrent): TorrentStreaming }
}

export async function torrentRoutes (app: FastifyInstance, deps: TorrentRouteDeps): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const two = (n: number): string => String(n).padStart(2, '0')
  /** the user of a torrent in words, and an episode's show (nothing when it cannot be read) */
  const itemOf = (a: Assignment): { title?: string, show_id?: number, season?: number } => {
    try {
      if (deps.library === undefined) return {}
      if (a.itemType === 'movie') {
        const m = deps.library.movies.get(a.itemId)
        return { title: m.year === null ? m.title : `${m.title} (${m.year})` }
      }
      const e = deps.library.shows.episode(a.itemId)
      return { title: `${e.show_title} S${two(e.season_number)}E${two(e.episode_number)}`, show_id: e.show_id, season: e.season_number }
    } catch {
      return {}
    }
  }

  r.get('/torrents', { schema: { response: { 200: Type.Object({ items: Type.Array(TorrentSummarySchema), total: Type.Integer() }) } } }, async () => {
    const items = deps.torrents.listTorrents().map((s) => toTorrentSummary(s, deps.torrentAdmin.usersOf(s.infoHash).length))
    return { items, total: items.length }
  })

  r.get('/torrents/:hash', { schema: { params: HashParams, response: { 200: TorrentDetailSchema, 400: ErrorResponse, 404: ErrorResponse } } }, async (req) => {
    const hash = req.params.hash.toLowerCase()
    const torrent = deps.torrentAdmin.getTorrent(hash)
    const users = deps.torrentAdmin.usersOf(hash)
    return {
      ...toTorrentSummary(torrent.stats(), users.length),
      peers: toPeers(torrent.peers()),
      length: torrent.info.length,
      files: toTorrentFiles(torrent.info),
      used_by: users.map((a) => ({ item_type: a.itemType, item_id: a.itemId, file_path: a.filePath, ...itemOf(a) })),
      ...(deps.streaming === undefined ? {} : { streaming: toStreamingDto(deps.streaming.describe(torrent)) })
    }
  })

  r.get('/torrents/:hash/files', { schema: { params: HashParams, response: { 200: Type.Object({ items: Type.Array(TorrentFileSchema) }), 400: ErrorResponse, 404: ErrorResponse } } }, async (req) => {
    return { items: toTorrentFiles(deps.torrentAdmin.getTorrent(req.params.hash.toLowerCase()).info) }
  })

  r.delete('/torrents/:hash', {
    schema: {
      params: HashParams,
      querystring: Type.Object({ force: Type.Optional(Type.Boolean({ default: false })) }),
      response: { 200: Type.Object({ removed: Type.Literal(true), deactivated_assignments: Type.Integer() }), 400: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse }
    }
  }, async (req) => {
    const res = await deps.torrentAdmin.removeTorrent(req.params.hash.toLowerCase(), req.query.force === true)
    return { removed: true as const, deactivated_assignments: res.deactivated }
  })
}
