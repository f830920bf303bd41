// /api/movies: add (TMDB or manual), list, get, delete. Thin: the rules live in MovieService.
import type { FastifyInstance } from 'fastify'
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Library } from '../../library/index.ts'
import { DEFAULT_LIMIT, IdParams, ListQuery, errorResponses } from '../schemas/common.ts'
import { AddBody, MoviePage, MovieSchema, parseAddBody } from '../schemas/library.ts'

export async function movieRoutes (app: FastifyInstance, deps: { library: Library }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const movies = deps.library.movies

  r.post('/movies', { schema: { body: AddBody, response: { 201: MovieSchema, ...errorResponses } } }, async (req, reply) => {
    return await reply.code(201).send(await movies.add(parseAddBody(req.body)))
  })

  r.get('/movies', { schema: { querystring: ListQuery, response: { 200: MoviePage, ...errorResponses } } }, async (req) => {
    return movies.list({ limit: req.query.limit ?? DEFAULT_LIMIT, offset: req.query.offset ?? 0, q: req.query.q?.normalize('NFC').trim() })
  })

  r.get('/movies/:id', { schema: { params: IdParams, response: { 200: MovieSchema, ...errorResponses } } }, async (req) => {
    return movies.get(req.params.id)
  })

  r.delete('/movies/:id', { schema: { params: IdParams, response: { 204: Type.Null({ description: 'deleted' }), ...errorResponses } } }, async (req, reply) => {
    movies.delete(req.params.id)
    return await reply.code(204).send(null)
  })
}
