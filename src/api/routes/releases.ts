// /api/indexers (list, test) and the release searches of movies, episodes and shows. Thin: the
// rules live in ReleaseSearch, IndexerRegistry and ranking.
//
// A search answers 200 even when every indexer failed: the answer lists each indexer with its
// error (the UI shows them next to an empty list). 404: an unknown item; 503 not_configured: no
// indexer in the config (the message says how to add one).
import type { FastifyInstance } from 'fastify'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import { NotConfiguredError, NotFoundError } from '../../errors.ts'
import { IndexerError, toDomainError } from '../../indexers/errors.ts'
import type { IndexerRegistry } from '../../indexers/registry.ts'
import { NO_INDEXERS_MESSAGE, type ReleaseSearch } from '../../releases/search.ts'
import type { ReleaseQuery } from '../../releases/types.ts'
import { ErrorBody, IdParams, errorResponses } from '../schemas/common.ts'
import {
  IndexerListSchema, IndexerNameParams, IndexerTestSchema, SearchAnswerSchema, ShowReleasesQuery, capsOut, indexerOut, searchAnswerOut
} from '../schemas/releases.ts'

type MaybePromise<T> = T | Promise<T>

/** What the library tells the searches; null = no such item (404). */
export interface ReleaseItems {
  movie (id: number): MaybePromise<{ title: string, year: number | null, tmdbId: number | null, imdbId: string | null } | null>
  /** airDate (YYYY-MM-DD), when known, lets daily shows match by date */
  episode (id: number): MaybePromise<{ showTitle: string, year: number | null, tmdbId: number | null, tvdbId: number | null, season: number, episode: number, airDate?: string | null } | null>
  show (id: number): MaybePromise<{ title: string, year: number | null, tmdbId: number | null, tvdbId: number | null } | null>
}

export interface ReleaseRouteDeps {
  search: ReleaseSearch
  indexers: IndexerRegistry
  items: ReleaseItems
}

function found<T> (item: T | null, what: string, id: number): T {
  if (item === null) throw new NotFoundError(`${what} ${id} not found`)
  return item
}

export async function registerReleaseRoutes (app: FastifyInstance, deps: ReleaseRouteDeps): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const { search, indexers, items } = deps

  const answer = async (query: ReleaseQuery): Promise<ReturnType<typeof searchAnswerOut>> => {
    if (!search.configured) throw new NotConfiguredError(NO_INDEXERS_MESSAGE)
    return searchAnswerOut(await search.search(query))
  }

  r.get('/indexers', { schema: { response: { 200: IndexerListSchema, ...errorResponses } } }, async () => {
    // caps are fetched on first need: listing is a need (each bounded by its indexer's timeout;
    // failures are recorded as last_error, not thrown)
    const missing = indexers.names.filter((n) => indexers.cachedCaps(n) === null && indexers.waitFor(n) === undefined)
    await Promise.allSettled(missing.map(async (n) => await indexers.caps(n)))
    return { indexers: indexers.status().map(indexerOut) }
  })

  r.post('/indexers/:name/test', { schema: { params: IndexerNameParams, response: { 200: IndexerTestSchema, 429: ErrorBody, ...errorResponses } } }, async (req) => {
    const t0 = performance.now()
    try {
      const caps = await indexers.caps(req.params.name, { refresh: true })
      return { name: req.params.name, ok: true as const, ms: Math.round(performance.now() - t0), caps: capsOut(caps) }
    } catch (err) {
      throw err instanceof IndexerError ? toDomainError(err) : err
    }
  })

  r.get('/movies/:id/releases', { schema: { params: IdParams, response: { 200: SearchAnswerSchema, ...errorResponses } } }, async (req) => {
    const m = found(await items.movie(req.params.id), 'movie', req.params.id)
    return await answer({ kind: 'movie', title: m.title, year: m.year, tmdbId: m.tmdbId, imdbId: m.imdbId })
  })

  r.get('/episodes/:id/releases', { schema: { params: IdParams, response: { 200: SearchAnswerSchema, ...errorResponses } } }, async (req) => {
    const e = found(await items.episode(req.params.id), 'episode', req.params.id)
    return await answer({ kind: 'episode', showTitle: e.showTitle, year: e.year, tmdbId: e.tmdbId, tvdbId: e.tvdbId, season: e.season, episode: e.episode, airDate: e.airDate ?? null })
  })

  r.get('/shows/:id/releases', { schema: { params: IdParams, querystring: ShowReleasesQuery, response: { 200: SearchAnswerSchema, ...errorResponses } } }, async (req) => {
    const s = found(await items.show(req.params.id), 'show', req.params.id)
    const base = { showTitle: s.title, year: s.year, tmdbId: s.tmdbId, tvdbId: s.tvdbId }
    const season = req.query.season
    return await answer(season === undefined ? { kind: 'show', ...base } : { kind: 'season', ...base, season })
  })
}
