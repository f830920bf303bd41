// Schemas of movies and shows, and the add body with its "exactly one of" rule.
import { Type, type Static } from '@fastify/type-provider-typebox'
import { InvalidInputError } from '../../errors.ts'
import type { AddRequest } from '../../library/types.ts'
import { LibraryAssignment, Nullable, PageOf } from './common.ts'

const itemFields = {
  id: Type.Integer(),
  tmdb_id: Nullable(Type.Integer()),
  title: Type.String(),
  year: Nullable(Type.Integer()),
  overview: Nullable(Type.String()),
  poster_path: Nullable(Type.String()),
  created_at: Type.String()
}

export const MovieSchema = Type.Object({ ...itemFields, assignment: Nullable(LibraryAssignment) })
export const MoviePage = PageOf(MovieSchema)

const showFields = { ...itemFields, season_count: Type.Integer(), episode_count: Type.Integer() }
export const ShowSchema = Type.Object(showFields)
export const ShowPage = PageOf(ShowSchema)

export const EpisodeSchema = Type.Object({
  id: Type.Integer(),
  episode_number: Type.Integer(),
  name: Nullable(Type.String()),
  air_date: Nullable(Type.String()),
  created_at: Type.String(),
  assignment: Nullable(LibraryAssignment)
})

export const SeasonSchema = Type.Object({
  id: Type.Integer(),
  season_number: Type.Integer(),
  name: Nullable(Type.String()),
  air_date: Nullable(Type.String()),
  created_at: Type.String(),
  episodes: Type.Array(EpisodeSchema)
})

export const ShowDetailSchema = Type.Object({ ...showFields, seasons: Type.Array(SeasonSchema) })

export const RefreshSchema = Type.Object({
  show: ShowDetailSchema,
  added_seasons: Type.Integer(),
  added_episodes: Type.Integer(),
  updated_episodes: Type.Integer()
})

export const AddBody = Type.Object({
  tmdb_id: Type.Optional(Type.Integer({ minimum: 1, maximum: 2 ** 31 - 1, description: 'TMDB id; details come from TMDB' })),
  title: Type.Optional(Type.String({ maxLength: 500, description: 'manual add, without TMDB' })),
  year: Type.Optional(Nullable(Type.Integer({ minimum: 1800, maximum: 3000 })))
}, { additionalProperties: false })

/** Exactly one of tmdb_id or title (with an optional year): the rest of the rule the schema cannot say. */
export function parseAddBody (body: Static<typeof AddBody>): AddRequest {
  const hasId = body.tmdb_id !== undefined
  const hasTitle = body.title !== undefined
  if (hasId === hasTitle) {
    throw new InvalidInputError('body: give exactly one of "tmdb_id" (add from TMDB) or "title" (manual add, with an optional "year")')
  }
  if (hasId) {
    if (body.year !== undefined) throw new InvalidInputError('body: "year" goes with "title"; with "tmdb_id" the year comes from TMDB')
    return { tmdbId: body.tmdb_id! }
  }
  const title = body.title!.normalize('NFC').trim()
  if (title === '') throw new InvalidInputError('body/title: must not be empty')
  return { title, year: body.year ?? null }
}
