// Schemas of GET /api/discover: TMDB's trending and popular lists.
import { Type } from '@fastify/type-provider-typebox'
import { Nullable } from './common.ts'

export const DiscoverQuery = Type.Object({
  list: Type.Union([Type.Literal('trending'), Type.Literal('popular')], { description: 'trending (this week) or popular' }),
  type: Type.Union([Type.Literal('movie'), Type.Literal('show')], { description: 'movie or show' }),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, description: 'page of TMDB\'s list (default 1; TMDB serves at most 500)' }))
}, { additionalProperties: false })

export const DiscoverPageSchema = Type.Object({
  items: Type.Array(Type.Object({
    tmdb_id: Type.Integer(),
    type: Type.Union([Type.Literal('movie'), Type.Literal('show')]),
    title: Type.String(),
    year: Nullable(Type.Integer()),
    overview: Nullable(Type.String()),
    poster_path: Nullable(Type.String({ description: 'for GET /api/images/{size}/{file}, without the leading /' })),
    library_id: Nullable(Type.Integer({ description: 'the movie or show id when it is in the library' }))
  })),
  page: Type.Integer(),
  total_pages: Type.Integer()
})
