// Subtitles of a movie or an episode:
//   GET    /api/{movies|episodes}/:id/subtitles                 stored ones (torrent + downloaded)
//   GET    /api/{movies|episodes}/:id/subtitles/search?languages=en,de   OpenSubtitles, best per language
//   POST   /api/{movies|episodes}/:id/subtitles {file_id} | {languages?}  download one, or the best per language
//   DELETE /api/subtitles/:id                                   a downloaded one (409 for a torrent's own)
// OpenSubtitles not configured: 503; its rate limit or quota: 429 with Retry-After.
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { ItemType } from '../../assignments/types.ts'
import type { SubtitleService } from '../../subtitles/service.ts'
import { ErrorBody, IdParams, errorResponses } from '../schemas/common.ts'
import { SearchSchema, SubtitleSchema, toSearchJson, toSubtitleJson } from '../schemas/subtitles.ts'

const Language = Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?$', description: 'ISO 639-1, optionally with a region (pt-BR)' })
const SearchQuery = Type.Object({
  languages: Type.Optional(Type.String({ pattern: '^[a-z]{2}(-[A-Z]{2})?(,[a-z]{2}(-[A-Z]{2})?){0,19}$', description: 'comma-separated; default subtitles.languages' }))
}, { additionalProperties: false })
const DownloadBody = Type.Union([
  Type.Object({ file_id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) }, { additionalProperties: false }),
  Type.Object({ languages: Type.Optional(Type.Array(Language, { minItems: 1, maxItems: 20 })) }, { additionalProperties: false })
])
const List = Type.Object({ items: Type.Array(SubtitleSchema) })
const errors = { ...errorResponses, 429: ErrorBody }

export async function subtitleRoutes (app: FastifyInstance, deps: { subtitles: SubtitleService }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const service = deps.subtitles
  for (const [segment, itemType] of [['movies', 'movie'], ['episodes', 'episode']] as Array<[string, ItemType]>) {
    r.get(`/${segment}/:id/subtitles`, { schema: { params: IdParams, response: { 200: List, 404: ErrorBody } } }, async (req) => {
      return { items: service.list(itemType, req.params.id).map(toSubtitleJson) }
    })

    r.get(`/${segment}/:id/subtitles/search`, { schema: { params: IdParams, querystring: SearchQuery, response: { 200: SearchSchema, ...errors } } }, async (req) => {
      const languages = req.query.languages?.split(',')
      return toSearchJson(await service.search(itemType, req.params.id, languages))
    })

    r.post(`/${segment}/:id/subtitles`, { schema: { params: IdParams, body: DownloadBody, response: { 201: List, 200: List, ...errors } } }, async (req, reply) => {
      const body = req.body
      const stored = 'file_id' in body
        ? [await service.download(itemType, req.params.id, body.file_id)]
        : await service.downloadBest(itemType, req.params.id, body.languages)
      return await reply.code(stored.length > 0 ? 201 : 200).send({ items: stored.map(toSubtitleJson) })
    })
  }

  r.delete('/subtitles/:id', { schema: { params: IdParams, response: { 200: Type.Object({ deleted: SubtitleSchema }), 404: ErrorBody, 409: ErrorBody } } }, async (req) => {
    return { deleted: toSubtitleJson(await service.delete(req.params.id)) }
  })
}
