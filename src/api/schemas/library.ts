// Schemas of movies and shows, and the add body with its "exactly one of" rule.
import { Type, type Static } from '@fastify/type-provider-typebox'
import { InvalidInputError } from '../../errors.ts'
import type { AddRequest } from '../../library/types.ts'
import type { EpisodePatch, NewEpisode } from '../../library/show-service.ts'
import type { EpisodeLocation } from '../../library/show-repository.ts'
import { ItemAssignmentSchema } from './assignment.ts'
import { Nullable, PageOf } from './common.ts'

const itemFields = {
  id: Type.Integer(),
  tmdb_id: Nullable(Type.Integer()),
  title: Type.String(),
  year: Nullable(Type.Integer()),
  overview: Nullable(Type.String()),
  poster_path: Nullable(Type.String()),
  backdrop_path: Nullable(Type.String({ description: 'TMDB backdrop file path (GET /api/images/{size}/{file} without the leading /)' })),
  created_at: Type.String()
}

export const MovieSchema = Type.Object({ ...itemFields, assigned: Type.Boolean({ description: 'a torrent file is assigned: the movie is playable' }), assignment: Nullable(ItemAssignmentSchema) })
export const MoviePage = PageOf(MovieSchema)

const showFields = {
  ...itemFields,
  season_count: Type.Integer(),
  episode_count: Type.Integer({ description: 'every episode, specials included' }),
  episodes_total: Type.Integer({ description: '= episode_count' }),
  episodes_assigned: Type.Integer({ description: 'episodes (specials included) with a torrent file assigned' }),
  episodes_missing: Type.Integer({ description: 'aired regular episodes (season > 0, air date today or before, UTC) without a file' })
}
export const ShowSchema = Type.Object(showFields)
export const ShowPage = PageOf(ShowSchema)

const episodeFields = {
  id: Type.Integer(),
  episode_number: Type.Integer(),
  name: Nullable(Type.String()),
  air_date: Nullable(Type.String()),
  created_at: Type.String()
}

export const EpisodeSchema = Type.Object({ ...episodeFields, assignment: Nullable(ItemAssignmentSchema) })

/** An episode with where it sits (its assignment is in the show's GET). */
export const EpisodeRefSchema = Type.Object({ ...episodeFields, show_id: Type.Integer(), season_number: Type.Integer() })

/** An episode with where it sits, as the episode endpoints answer. */
export function episodeOut (ep: EpisodeLocation): Static<typeof EpisodeRefSchema> {
  return { id: ep.id, show_id: ep.show_id, season_number: ep.season_number, episode_number: ep.episode_number, name: ep.name, air_date: ep.air_date, created_at: ep.created_at }
}

/** What a client may set on an episode, when adding it or later. */
const episodeEdits = {
  name: Type.Optional(Nullable(Type.String({ maxLength: 500 }))),
  air_date: Type.Optional(Nullable(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'YYYY-MM-DD' })))
}

export const NewEpisodeBody = Type.Object({
  season_number: Type.Integer({ minimum: 0, maximum: 9999, description: '0 = Specials; the season is created if missing' }),
  episode_number: Type.Integer({ minimum: 0, maximum: 99999 }),
  ...episodeEdits
}, { additionalProperties: false })

export const EpisodePatchBody = Type.Object(episodeEdits, { additionalProperties: false, minProperties: 1 })

/** The body as the service takes it: the name trimmed (empty = none), the date a real one. */
export function parseNewEpisode (body: Static<typeof NewEpisodeBody>): NewEpisode {
  return { seasonNumber: body.season_number, episodeNumber: body.episode_number, name: episodeName(body.name) ?? null, airDate: calendarDate(body.air_date) ?? null }
}

/** A PATCH body: what is left out stays, null clears. */
export function parseEpisodePatch (body: Static<typeof EpisodePatchBody>): EpisodePatch {
  return { name: episodeName(body.name), airDate: calendarDate(body.air_date) }
}

function episodeName (name: string | null | undefined): string | null | undefined {
  if (name == null) return name
  const trimmed = name.normalize('NFC').trim()
  return trimmed === '' ? null : trimmed
}

function calendarDate (date: string | null | undefined): string | null | undefined {
  if (date == null) return date
  // the pattern lets 2024-02-30 through; a real date reads back the same
  const d = new Date(`${date}T00:00:00Z`)
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== date) throw new InvalidInputError(`body/air_date: ${date} is not a calendar date`)
  return date
}

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
  updated_episodes: Type.Integer(),
  tmdb_status: Type.Optional(Type.Union([Type.String(), Type.Null()], { description: 'TMDB status: Returning Series, Ended, Canceled, ...' }))
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
