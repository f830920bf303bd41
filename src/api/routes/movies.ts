// /api/movies: add (TMDB or manual), list, get, delete. Thin: the rules live in MovieService.
import type { FastifyInstance } from 'fastify'
import type { Library } from '../../library/index.ts'
import { MoviePage, MovieSchema } from '../schemas/library.ts'
import { titleRoutes } from './titles.ts'

export async function movieRoutes (app: FastifyInstance, deps: { library: Library }): Promise<void> {
  titleRoutes(app, 'movies', deps.library.movies, { item: MovieSchema, page: MoviePage })
}
