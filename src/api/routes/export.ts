// GET /api/export.m3u[?show=ID[&season=N]]: the library (or one show, or one season) as an
// extended M3U playlist of absolute WebDAV URLs, for TV apps and players that do not speak
// WebDAV. URLs are built from the address the request came to (its Host, already checked by
// the host policy) and never carry credentials: players that need them are given them apart.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { Library } from '../../library/index.ts'
import type { LibraryVfs } from '../../vfs/library-vfs.ts'
import { NotFoundError } from '../../errors.ts'
import { errorResponses } from '../schemas/common.ts'

const Query = Type.Object({
  show: Type.Optional(Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'only this show' })),
  season: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'only this season of the show' }))
}, { additionalProperties: false })

/** The 200 answer is text, not JSON: its schema is keyed by its media type (for the OpenAPI document). */
const Playlist = { description: 'an extended M3U playlist', content: { 'audio/x-mpegurl': { schema: Type.String() } } }

/** The assignment ids a show (or one of its seasons) plays. */
function showAssignments (library: Library, showId: number, season: number | undefined): Set<number> {
  const show = library.shows.get(showId)
  const seasons = show.seasons.filter((s) => season === undefined || s.season_number === season)
  if (season !== undefined && seasons.length === 0) throw new NotFoundError(`show ${showId} has no season ${season}`)
  return new Set(seasons.flatMap((s) => s.episodes.flatMap((e) => e.assignment === null ? [] : [e.assignment.id])))
}

const extinfTitle = (name: string): string => name.replace(/\.[^.]+$/, '').replace(/[\r\n,]/g, ' ')

export async function exportRoutes (app: FastifyInstance, deps: { library: Library, vfs: Pick<LibraryVfs, 'videoFiles'> }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  r.get('/export.m3u', { schema: { querystring: Query, response: { 200: Playlist, ...errorResponses } } }, async (req, reply) => {
    const { show, season } = req.query
    if (season !== undefined && show === undefined) throw new NotFoundError('season needs show: /api/export.m3u?show=ID&season=N')
    const allowed = show === undefined ? null : showAssignments(deps.library, show, season)
    const base = `${req.protocol}://${req.headers.host ?? `${req.hostname}`}/dav/`
    const lines = ['#EXTM3U']
    for (const f of deps.vfs.videoFiles()) {
      if (allowed !== null && !allowed.has(f.assignment.id)) continue
      lines.push(`#EXTINF:-1,${extinfTitle(f.entry.name)}`, base + f.path.map(encodeURIComponent).join('/'))
    }
    const name = show === undefined ? 'momoshtrem' : `momoshtrem-show-${show}${season === undefined ? '' : `-s${season}`}`
    return await reply
      .type('audio/x-mpegurl; charset=utf-8')
      .header('content-disposition', `inline; filename="${name}.m3u"`)
      .send(lines.join('\n') + '\n')
  })
}
