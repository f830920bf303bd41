// Schemas shared by the REST routes: the error body, id params, list paging.
import { Type, type TSchema } from '@fastify/type-provider-typebox'

/** {"error": {"code", "message", "details"?}} — every non-2xx answer of /api. */
export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown()))
  })
})

/** Response schemas for the error statuses a route may answer. */
export const errorResponses = {
  400: ErrorBody,
  401: ErrorBody,
  404: ErrorBody,
  409: ErrorBody,
  422: ErrorBody,
  500: ErrorBody,
  502: ErrorBody,
  503: ErrorBody,
  504: ErrorBody
}

/**
 * ':id' of every route. In the URL an id is plain decimal digits without sign or leading
 * zero (validation.ts refuses "+1", "01", "1e0", " 1" with a 400 before this schema runs).
 */
export const IdParams = Type.Object({
  id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'library id' })
})

export const DEFAULT_LIMIT = 50
export const ListQuery = Type.Object({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: `page size (default ${DEFAULT_LIMIT})` })),
  offset: Type.Optional(Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER })),
  q: Type.Optional(Type.String({ maxLength: 200, description: 'case-insensitive substring of the title' })),
  sort: Type.Optional(Type.Union([Type.Literal('title'), Type.Literal('year'), Type.Literal('added')], { description: 'title (default; then year), year (undated last), added (when added to the library)' })),
  order: Type.Optional(Type.Union([Type.Literal('asc'), Type.Literal('desc')], { description: 'default asc' })),
  state: Type.Optional(Type.Union([Type.Literal('playable'), Type.Literal('unassigned'), Type.Literal('missing')], {
    description: 'playable: a movie with a torrent assigned, a show with at least one episode assigned; unassigned: the opposite; ' +
      'missing: a show with an aired regular episode (season > 0, air date today or before, UTC) not assigned (for movies: = unassigned)'
  }))
}, { additionalProperties: false })

export function Nullable<T extends TSchema> (schema: T) {
  return Type.Union([schema, Type.Null()])
}

export function PageOf<T extends TSchema> (item: T) {
  return Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer()
  })
}
