// /api/shows: add (TMDB with every season and episode, or manual), list, get with seasons
// and episodes, refresh from TMDB, delete; episodes added and deleted by hand. Thin: the
// rules live in ShowService.
import type { FastifyInstance } from 'fastify'
import { Type, type TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { Library } from '../../library/index.ts'
import { IdParams, errorResponses } from '../schemas/common.ts'
import { EpisodePatchBody, NewEpisodeBody, EpisodeRefSchema, RefreshSchema, ShowDetailSchema, ShowPage, episodeOut, parseEpisodePatch, parseNewEpisode } from '../schemas/library.ts'
import { titleRoutes } from './titles.ts'

export async function showRoutes (app: FastifyInstance, deps: { library: Library }): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const shows = deps.library.shows
  titleRoutes(app, 'shows', shows, { item: ShowDetailSchema, page: ShowPage })

  r.post('/shows/:id/refresh', { schema: { params: IdParams, response: { 200: RefreshSchema, ...errorResponses } } }, async (req) => {
    return await shows.refresh(req.params.id)
  })

  // episodes by hand: a show added without TMDB has no other way to get any
  r.post('/shows/:id/episodes', { schema: { params: IdParams, body: NewEpisodeBody, response: { 201: EpisodeRefSchema, ...errorResponses } } }, async (req, reply) => {
    return await reply.code(201).send(episodeOut(shows.addEpisode(req.params.id, parseNewEpisode(req.body))))
  })

  r.patch('/episodes/:id', { schema: { params: IdParams, body: EpisodePatchBody, response: { 200: EpisodeRefSchema, ...errorResponses } } }, async (req) => {
    return episodeOut(shows.updateEpisode(req.params.id, parseEpisodePatch(req.body)))
  })

  r.delete('/episodes/:id', { schema: { params: IdParams, response: { 204: Type.Null({ description: 'deleted; its assignment deactivated' }), ...errorResponses } } }, async (req, reply) => {
    shows.deleteEpisode(req.params.id)
    return await reply.code(204).send(null)
  })
}
