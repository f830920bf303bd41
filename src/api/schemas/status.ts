// Schemas of /api/search and /api/status.
import { ShowRefreshStatusSchema } from './calendar.ts'
import { Type } from '@fastify/type-provider-typebox'
import { Nullable } from './common.ts'
import { OrNull } from './or-null.ts'

export const SearchQuery = Type.Object({
  type: Type.Union([Type.Literal('movie'), Type.Literal('tv')], { description: 'movie or tv' }),
  q: Type.String({ minLength: 1, maxLength: 500 }),
  page: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 }))
}, { additionalProperties: false })

export const SearchResultsSchema = Type.Object({
  type: Type.String(),
  query: Type.String(),
  page: Type.Integer(),
  total_pages: Type.Integer(),
  total_results: Type.Integer(),
  results: Type.Array(Type.Object({
    tmdb_id: Type.Integer(),
    title: Type.String(),
    year: Nullable(Type.Integer()),
    overview: Nullable(Type.String()),
    poster_path: Nullable(Type.String()),
    library_id: Nullable(Type.Integer())
  }))
})

export const StatusSchema = Type.Object({
  status: Type.Literal('ok'),
  version: Type.String(),
  started_at: Type.String(),
  uptime_seconds: Type.Number(),
  tmdb_configured: Type.Boolean(),
  counts: Type.Object({
    movies: Type.Integer(),
    shows: Type.Integer(),
    seasons: Type.Integer(),
    episodes: Type.Integer(),
    active_assignments: Type.Integer()
  }),
  cache: Type.Object({ used_bytes: Type.Integer(), limit_bytes: Type.Integer() }),
  torrents: Type.Object({ loaded: Type.Integer() }),
  subtitles: Type.Object({
    opensubtitles_configured: Type.Boolean(),
    languages: Type.Array(Type.String(), { description: 'downloaded automatically after each assign' }),
    last_error: OrNull(Type.Object({ message: Type.String(), at: Type.String() }), { description: 'the last automatic download that failed' })
  }),
  media_servers: Type.Array(Type.Object({
    name: Type.String(),
    type: Type.String(),
    url: Type.String(),
    last_ok: OrNull(Type.String()),
    last_error: OrNull(Type.Object({ message: Type.String(), at: Type.String() }), { description: 'the last refresh given up on (compare its time with last_ok)' }),
    pending: Type.Integer()
  })),
  show_refresh: ShowRefreshStatusSchema
})
