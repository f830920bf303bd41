// The four routes movies and shows share: add (TMDB or manual), a page of titles, one title,
// delete. Thin: the rules live in the services.
import type { FastifyInstance } from 'fastify'
import { Type, type TSchema, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { AddRequest, ListOptions } from '../../library/types.ts'
import { DEFAULT_LIMIT, IdParams, ListQuery, errorResponses } from '../schemas/common.ts'
import { AddBody, parseAddBody } from '../schemas/library.ts'

interface TitleService<Added, Page, One> {
  add (req: AddRequest): Promise<Added>
  list (opts: ListOptions): Page
  get (id: number): One
  delete (id: number): void
}

/** `collection`: 'movies' or 'shows'; `schemas`: the answers of add and get (`item`) and of the list (`page`). */
export function titleRoutes<Added, Page, One> (app: FastifyInstance, collection: string, service: TitleService<Added, Page, One>, schemas: { item: TSchema, page: TSchema }): void {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const base = `/${collection}`

  r.post(base, { schema: { body: AddBody, response: { 201: schemas.item, ...errorResponses } } }, async (req, reply) => {
    return await reply.code(201).send(await service.add(parseAddBody(req.body)))
  })

  r.get(base, { schema: { querystring: ListQuery, response: { 200: schemas.page, ...errorResponses } } }, async (req) => {
    const { limit, offset, q, sort, order, state } = req.query
    return service.list({ limit: limit ?? DEFAULT_LIMIT, offset: offset ?? 0, q: q?.normalize('NFC').trim(), sort, order, state })
  })

  r.get(`${base}/:id`, { schema: { params: IdParams, response: { 200: schemas.item, ...errorResponses } } }, async (req) => {
    return service.get(req.params.id)
  })

  r.delete(`${base}/:id`, { schema: { params: IdParams, response: { 204: Type.Null({ description: 'deleted' }), ...errorResponses } } }, async (req, reply) => {
    service.delete(req.params.id)
    return await reply.code(204).send(null)
  })
}
