// POST/DELETE /api/movies/:id/assign and /api/episodes/:id/assign (by magnet or by release id).
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { AssignmentService } from '../../assignments/service.ts'
import type { ItemType } from '../../assignments/types.ts'
import { toAssignmentJson } from '../../assignments/mapper.ts'
import { AssignmentSchema } from '../schemas/assignment.ts'
import { ErrorBody as ErrorResponse, IdParams as Params } from '../schemas/common.ts'
import { NotFoundError } from '../../errors.ts'
import type { ReleaseSearch } from '../../releases/search.ts'
import { TorrentRefFields, withMagnet } from './release-ref.ts'

const Body = Type.Object({
  ...TorrentRefFields,
  file_path: Type.Optional(Type.String({ maxLength: 4096 })),
  resolution: Type.Optional(Type.Union([Type.String({ maxLength: 32 }), Type.Null()])),
  source: Type.Optional(Type.Union([Type.String({ maxLength: 64 }), Type.Null()]))
}, { additionalProperties: false })
const Query = Type.Object({ remove_torrent: Type.Optional(Type.Boolean({ default: false })) })
const errors = { 400: ErrorResponse, 404: ErrorResponse, 422: ErrorResponse, 503: ErrorResponse, 504: ErrorResponse }

export async function assignmentRoutes (app: FastifyInstance, deps: { assignments: AssignmentService, releaseSearch: ReleaseSearch }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  for (const [segment, itemType] of [['movies', 'movie'], ['episodes', 'episode']] as Array<[string, ItemType]>) {
    r.post(`/${segment}/:id/assign`, {
      schema: { params: Params, body: Body, response: { 201: AssignmentSchema, ...errors } }
    }, async (req, reply) => {
      const a = await deps.assignments.assign(itemType, req.params.id, await withMagnet(req.body, deps.releaseSearch))
      return await reply.code(201).send(toAssignmentJson(a))
    })

    r.get(`/${segment}/:id/assign`, {
      schema: { params: Params, response: { 200: AssignmentSchema, 404: ErrorResponse } }
    }, async (req) => {
      const a = deps.assignments.active(itemType, req.params.id)
      if (a === null) throw new NotFoundError(`${itemType} ${req.params.id} has no torrent assigned`)
      return toAssignmentJson(a)
    })

    r.delete(`/${segment}/:id/assign`, {
      schema: {
        params: Params,
        querystring: Query,
        response: { 200: Type.Object({ assignment: AssignmentSchema, torrent_removed: Type.Boolean() }), ...errors }
      }
    }, async (req) => {
      const res = await deps.assignments.unassign(itemType, req.params.id, req.query.remove_torrent === true)
      return { assignment: toAssignmentJson(res.assignment), torrent_removed: res.torrentRemoved }
    })
  }
}
