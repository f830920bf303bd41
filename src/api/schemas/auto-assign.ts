// API shapes of the live swarm health check and of auto-assign (what was chosen and why).
import { Type } from '@fastify/type-provider-typebox'
import { Nullable } from './common.ts'

export const HealthSchema = Type.Object({
  infoHash: Type.String(),
  peersFound: Type.Integer({ description: 'peer addresses learned from trackers, DHT and the magnet' }),
  peersReached: Type.Integer({ description: 'peers that completed the handshake' }),
  seeders: Type.Integer({ description: 'reached peers with every piece' }),
  leechers: Type.Integer(),
  metadata: Type.Boolean({ description: 'the torrent metadata arrived and verified' }),
  name: Type.Optional(Type.String()),
  size: Type.Optional(Type.Number()),
  files: Type.Optional(Type.Integer()),
  trackers: Type.Array(Type.Object({ url: Type.String(), ok: Type.Boolean(), seeders: Type.Optional(Type.Integer()), leechers: Type.Optional(Type.Integer()), error: Type.Optional(Type.String()) })),
  ms: Type.Number(),
  checkedAt: Type.String(),
  cached: Type.Boolean(),
  error: Type.Optional(Type.String())
})

export const HealthBody = Type.Object({
  magnets: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 65536 }), { minItems: 1, maxItems: 50 })),
  release_ids: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 64 }), { minItems: 1, maxItems: 50, description: 'ids from a release search' })),
  timeout: Type.Optional(Type.Number({ minimum: 1, maximum: 300, description: 'seconds per swarm, at most releases.health_timeout' }))
}, { additionalProperties: false })

export const HealthAnswerSchema = Type.Object({ results: Type.Array(HealthSchema) })

export const ConsideredSchema = Type.Object({
  release_id: Type.String(),
  name: Type.String(),
  group: Type.String(),
  score: Type.Number(),
  reasons: Type.Array(Type.String()),
  seeders: Nullable(Type.Integer()),
  health: Nullable(HealthSchema),
  verdict: Type.String()
})

export const DryRunBody = Type.Object({ dry_run: Type.Optional(Type.Boolean()) }, { additionalProperties: false })
export const ShowAutoBody = Type.Object({
  dry_run: Type.Optional(Type.Boolean()),
  season: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000, description: 'one season (default: every season except specials)' }))
}, { additionalProperties: false })

const IndexerReport = Type.Object({ name: Type.String(), ok: Type.Boolean(), count: Type.Integer(), ms: Type.Number(), error: Type.Optional(Type.Unknown()) })

export const MovieAutoSchema = Type.Object({
  movie_id: Type.Integer(),
  dry_run: Type.Boolean(),
  chosen: Nullable(ConsideredSchema),
  assignment_id: Nullable(Type.Integer()),
  considered: Type.Array(ConsideredSchema),
  indexers: Type.Array(IndexerReport)
})

export const ShowAutoSchema = Type.Object({
  show_id: Type.Integer(),
  dry_run: Type.Boolean(),
  seasons: Type.Array(Type.Object({
    season: Type.Integer(),
    missing: Type.Integer({ description: 'episodes without a file before the call' }),
    verdict: Type.String(),
    pack: Nullable(ConsideredSchema),
    packs: Type.Array(ConsideredSchema),
    stored: Type.Integer(),
    episodes: Type.Array(Type.Object({
      episode_id: Type.Integer(),
      episode: Type.Integer(),
      verdict: Type.String(),
      chosen: Nullable(ConsideredSchema),
      considered: Type.Array(ConsideredSchema),
      assignment_id: Nullable(Type.Integer())
    }))
  }))
})
