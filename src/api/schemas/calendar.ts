// Schemas of /api/episodes/upcoming and /api/episodes/recent, and of the show refresh
// scheduler's part of /api/status (the "shows stay current" feature in one place).
import { Type } from '@fastify/type-provider-typebox'
import { DEFAULT_CALENDAR_LIMIT, DEFAULT_DAYS, MAX_CALENDAR_LIMIT, MAX_DAYS } from '../../library/episode-calendar.ts'
import { REFRESH_STATES } from '../../library/refresh-types.ts'
import { OrNull } from './or-null.ts'
import { Nullable } from './common.ts'

const date = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description })

export const CalendarQuerySchema = Type.Object({
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_DAYS, description: `days from today, UTC (default ${DEFAULT_DAYS})` })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_CALENDAR_LIMIT, description: `most episodes listed (default ${DEFAULT_CALENDAR_LIMIT})` }))
}, { additionalProperties: false })

export const CalendarEpisodeSchema = Type.Object({
  id: Type.Integer({ description: 'episode id' }),
  show_id: Type.Integer(),
  show_title: Type.String(),
  season_number: Type.Integer(),
  episode_number: Type.Integer(),
  name: Nullable(Type.String()),
  air_date: date('YYYY-MM-DD as TMDB gives it (the broadcaster\'s date)'),
  assigned: Type.Boolean({ description: 'a torrent file is assigned: it can be watched' })
})

export const CalendarPageSchema = Type.Object({
  from: date('first date of the range, inclusive (UTC)'),
  to: date('last date of the range, inclusive (UTC)'),
  total: Type.Integer({ description: 'episodes in the range; more than items when limit cut the list' }),
  limit: Type.Integer(),
  items: Type.Array(CalendarEpisodeSchema)
})

/** RefreshScheduler.status() (RefreshSchedulerStatus in src/library/refresh-types.ts). */
export const ShowRefreshStatusSchema = Type.Object({
  state: Type.Unsafe<(typeof REFRESH_STATES)[number]>({ type: 'string', enum: [...REFRESH_STATES] }),
  interval_seconds: Type.Number(),
  next_run_at: OrNull(Type.String()),
  last_run_at: OrNull(Type.String()),
  last_error: OrNull(Type.Object({ message: Type.String(), at: Type.String(), show_id: OrNull(Type.Integer()) })),
  shows_refreshed: Type.Integer(),
  failures: Type.Integer(),
  episodes_added: Type.Integer(),
  pending: Type.Integer()
})
