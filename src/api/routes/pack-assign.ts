// POST /api/shows/:id/assign: a season pack (or a complete-series pack) for a whole show or
// one season, in one call. 200 with the plan for a dry run, 201 when something was stored,
// 200 when the plan stored nothing (every episode kept, missing or left for review).
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import type { PackAssignService } from '../../assignments/pack-assign.ts'
import { ErrorBody, IdParams } from '../schemas/common.ts'
import type { ReleaseSearch } from '../../releases/search.ts'
import { withMagnet } from './release-ref.ts'
import { PackAssignBody, PackAssignSchema, toPackJson } from '../schemas/pack.ts'

export async function packAssignRoutes (app: FastifyInstance, deps: { packs: PackAssignService, releaseSearch: ReleaseSearch }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  r.post('/shows/:id/assign', {
    schema: {
      params: IdParams,
      body: PackAssignBody,
      response: { 200: PackAssignSchema, 201: PackAssignSchema, 400: ErrorBody, 404: ErrorBody, 422: ErrorBody, 503: ErrorBody, 504: ErrorBody }
    }
  }, async (req, reply) => {
    const result = await deps.packs.assign(req.params.id, await withMagnet(req.body, deps.releaseSearch))
    return await reply.code(result.stored.size > 0 ? 201 : 200).send(toPackJson(result))
  })
}
