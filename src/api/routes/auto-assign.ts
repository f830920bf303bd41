// POST /api/releases/health           live swarm health of magnets or of releases from a search
// POST /api/movies/:id/auto-assign    the best healthy release, assigned (dry_run: only chosen)
// POST /api/shows/:id/auto-assign     per season: the best covering pack, else one per episode
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type { FastifyInstance } from 'fastify'
import { InvalidInputError } from '../../errors.ts'
import { consideredJson, type AutoAssigner } from '../../releases/auto-assign.ts'
import type { SwarmHealth } from '../../releases/health.ts'
import type { ReleaseSearch } from '../../releases/search.ts'
import { ErrorBody, IdParams, errorResponses } from '../schemas/common.ts'
import { DryRunBody, HealthAnswerSchema, HealthBody, MovieAutoSchema, ShowAutoBody, ShowAutoSchema } from '../schemas/auto-assign.ts'

export interface AutoAssignRouteDeps {
  autoAssign: AutoAssigner
  health: SwarmHealth
  releaseSearch: ReleaseSearch
}

export async function autoAssignRoutes (app: FastifyInstance, deps: AutoAssignRouteDeps): Promise<void> {
  const r = app.withTypeProvider<TypeBoxTypeProvider>()
  const errors = { ...errorResponses, 429: ErrorBody }

  r.post('/releases/health', { schema: { body: HealthBody, response: { 200: HealthAnswerSchema, ...errors } } }, async (req) => {
    const { magnets = [], release_ids: ids = [], timeout } = req.body
    if (magnets.length + ids.length === 0) throw new InvalidInputError('body: give magnets or release_ids')
    const resolved = await Promise.all(ids.map(async (id) => (await deps.releaseSearch.resolveRelease(id)).magnetUri))
    const results = await deps.health.check([...magnets, ...resolved], timeout === undefined ? {} : { timeoutMs: timeout * 1000 })
    return { results }
  })

  r.post('/movies/:id/auto-assign', { schema: { params: IdParams, body: DryRunBody, response: { 200: MovieAutoSchema, 201: MovieAutoSchema, ...errors } } }, async (req, reply) => {
    const dryRun = req.body?.dry_run === true
    const res = await deps.autoAssign.movie(req.params.id, dryRun)
    return await reply.code(res.assignmentId === null ? 200 : 201).send({
      movie_id: req.params.id,
      dry_run: dryRun,
      chosen: res.chosen === null ? null : consideredJson(res.chosen),
      assignment_id: res.assignmentId,
      considered: res.considered.map(consideredJson),
      indexers: res.indexers
    })
  })

  r.post('/shows/:id/auto-assign', { schema: { params: IdParams, body: ShowAutoBody, response: { 200: ShowAutoSchema, 201: ShowAutoSchema, ...errors } } }, async (req, reply) => {
    const dryRun = req.body?.dry_run === true
    const seasons = await deps.autoAssign.show(req.params.id, { season: req.body?.season, dryRun })
    const stored = seasons.reduce((n, s) => n + s.stored, 0)
    return await reply.code(stored > 0 ? 201 : 200).send({
      show_id: req.params.id,
      dry_run: dryRun,
      seasons: seasons.map((s) => ({
        season: s.season,
        missing: s.missing,
        verdict: s.verdict,
        pack: s.pack === null ? null : consideredJson(s.pack),
        packs: s.packs.map(consideredJson),
        stored: s.stored,
        episodes: s.episodes.map((e) => ({
          episode_id: e.episodeId,
          episode: e.episode,
          verdict: e.verdict,
          chosen: e.chosen === null ? null : consideredJson(e.chosen),
          considered: e.considered.map(consideredJson),
          assignment_id: e.assignmentId
        }))
      }))
    })
  })
}
