// GET /api/episodes/upcoming and /api/episodes/recent: what airs next and what aired lately,
// across the library. Thin: the ranges (UTC days) live in EpisodeCalendar. Static paths, so
// they never meet /episodes/:id (find-my-way matches static segments first, and "upcoming"
// is no id anyway).
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { EpisodeCalendar } from '../../library/episode-calendar.ts'
import { CalendarPageSchema, CalendarQuerySchema } from '../schemas/calendar.ts'
import { errorResponses } from '../schemas/common.ts'

export interface CalendarRouteDeps {
  calendar: Pick<EpisodeCalendar, 'upcoming' | 'recent'>
}

export async function calendarRoutes (app: FastifyInstance, deps: CalendarRouteDeps): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const schema = { querystring: CalendarQuerySchema, response: { 200: CalendarPageSchema, ...errorResponses } }
  r.get('/episodes/upcoming', { schema }, async (req) => deps.calendar.upcoming(req.query))
  r.get('/episodes/recent', { schema }, async (req) => deps.calendar.recent(req.query))
}
