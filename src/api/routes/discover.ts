// GET /api/discover: TMDB's trending and popular movies and shows, for browsing in the UI,
// each marked with its library id when already added. 503 without a TMDB key (like search).
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Library } from '../../library/index.ts'
import { errorResponses } from '../schemas/common.ts'
import { DiscoverPageSchema, DiscoverQuery } from '../schemas/discover.ts'

export async function discoverRoutes (app: FastifyInstance, deps: { library: Library }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  r.get('/discover', {
    schema: {
      description: 'A page of TMDB\'s trending (this week) or popular movies or shows. 503 not_configured without a TMDB key.',
      querystring: DiscoverQuery,
      response: { 200: DiscoverPageSchema, ...errorResponses }
    }
  }, async (req) => {
    return await deps.library.search.discover(req.query.list, req.query.type, req.query.page ?? 1)
  })
}
