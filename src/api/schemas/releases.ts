// Schemas of /api/indexers and the release searches, and the pure mappers from the services'
// shapes to them (snake_case; download links never appear: they may carry API keys).
import { Type, type Static } from '@fastify/type-provider-typebox'
import type { IndexerStatus } from '../../indexers/registry.ts'
import type { TorznabCaps } from '../../indexers/types.ts'
import type { SearchAnswer } from '../../releases/search.ts'
import type { RankedRelease } from '../../releases/types.ts'
import { Nullable } from './common.ts'

export const IndexerNameParams = Type.Object({ name: Type.String({ minLength: 1, maxLength: 200, description: 'the indexer\'s configured name' }) })

export const ShowReleasesQuery = Type.Object({
  season: Type.Optional(Type.Integer({ minimum: 0, maximum: 9999, description: 'a season: its packs and episodes; without it, the show\'s season, multi-season and complete packs' }))
}, { additionalProperties: false })

const ModeSchema = Type.Object({ available: Type.Boolean(), supported_params: Type.Array(Type.String()) })

export const CapsSchema = Type.Object({
  server: Nullable(Type.String()),
  limits: Type.Object({ max: Nullable(Type.Integer()), default: Nullable(Type.Integer()) }),
  modes: Type.Object({ search: Type.Optional(ModeSchema), 'tv-search': Type.Optional(ModeSchema), 'movie-search': Type.Optional(ModeSchema) }),
  categories: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String(), subcats: Type.Array(Type.Object({ id: Type.Integer(), name: Type.String() })) }))
})

export const IndexerSchema = Type.Object({
  name: Type.String(),
  url: Type.String({ description: 'the Torznab endpoint without its API key' }),
  caps: Nullable(CapsSchema),
  caps_fetched_at: Nullable(Type.String()),
  last_error: Nullable(Type.Object({ code: Type.String(), message: Type.String(), at: Type.String() })),
  last_success_at: Nullable(Type.String()),
  retry_at: Nullable(Type.String({ description: 'while the indexer\'s Retry-After runs, it is not asked' }))
})

export const IndexerListSchema = Type.Object({ indexers: Type.Array(IndexerSchema) })

export const IndexerTestSchema = Type.Object({ name: Type.String(), ok: Type.Literal(true), ms: Type.Integer(), caps: CapsSchema })

const FailureSchema = Type.Object({ code: Type.String(), message: Type.String(), retry_after: Type.Optional(Type.Integer({ description: 'seconds' })) })

const ReleaseSchema = Type.Object({
  id: Type.String({ description: 'pass as release_id to assign; kept for 30 minutes after the search' }),
  name: Type.String(),
  info_hash: Nullable(Type.String({ description: 'null until a .torrent-only release is resolved' })),
  magnet_uri: Nullable(Type.String()),
  size: Nullable(Type.Number()),
  seeders: Nullable(Type.Integer()),
  peers: Nullable(Type.Integer()),
  indexers: Type.Array(Type.String()),
  published_at: Nullable(Type.String()),
  categories: Type.Array(Type.Integer()),
  freeleech: Type.Boolean(),
  group: Type.Union([Type.Literal('movie'), Type.Literal('episode'), Type.Literal('pack')]),
  rank: Type.Integer({ description: 'within its group' }),
  score: Type.Integer(),
  reasons: Type.Array(Type.String()),
  pack: Nullable(Type.String({ description: 'episode, season, multi-season or complete' })),
  parsed: Type.Object({
    title: Type.String(),
    year: Nullable(Type.Integer()),
    seasons: Type.Array(Type.Integer()),
    episodes: Type.Array(Type.Integer()),
    date: Nullable(Type.String()),
    release_group: Nullable(Type.String()),
    proper: Type.Boolean(),
    repack: Type.Boolean()
  }),
  quality: Type.Object({ resolution: Nullable(Type.String()), source: Nullable(Type.String()), codec: Nullable(Type.String()), hdr: Nullable(Type.String()), audio: Nullable(Type.String()) })
})

export const SearchAnswerSchema = Type.Object({
  releases: Type.Array(ReleaseSchema),
  dropped: Type.Array(Type.Object({ id: Type.String(), name: Type.String(), indexers: Type.Array(Type.String()), reason: Type.String() })),
  indexers: Type.Array(Type.Object({ name: Type.String(), ok: Type.Boolean(), count: Type.Integer(), ms: Type.Integer(), error: Type.Optional(FailureSchema) }))
})

export function capsOut (caps: TorznabCaps): Static<typeof CapsSchema> {
  const modes: Static<typeof CapsSchema>['modes'] = {}
  for (const [mode, m] of Object.entries(caps.modes)) modes[mode as keyof typeof modes] = { available: m.available, supported_params: m.supportedParams }
  return { server: caps.server, limits: caps.limits, modes, categories: caps.categories }
}

export function indexerOut (s: IndexerStatus): Static<typeof IndexerSchema> {
  return {
    name: s.name,
    url: s.url,
    caps: s.caps === null ? null : capsOut(s.caps),
    caps_fetched_at: s.capsFetchedAt,
    last_error: s.lastError,
    last_success_at: s.lastSuccessAt,
    retry_at: s.retryAt
  }
}

function releaseOut (r: RankedRelease): Static<typeof ReleaseSchema> {
  const p = r.parsed
  return {
    id: r.id,
    name: r.name,
    info_hash: r.infoHash,
    magnet_uri: r.magnetUri,
    size: r.size,
    seeders: r.seeders,
    peers: r.peers,
    indexers: r.indexers,
    published_at: r.publishedAt,
    categories: r.categories,
    freeleech: r.freeleech,
    group: r.group,
    rank: r.rank,
    score: r.score,
    reasons: r.reasons,
    pack: p.pack,
    parsed: { title: p.title, year: p.year, seasons: p.seasons, episodes: p.episodes, date: p.date, release_group: p.group, proper: p.proper, repack: p.repack },
    quality: p.quality
  }
}

export function searchAnswerOut (a: SearchAnswer): Static<typeof SearchAnswerSchema> {
  return { releases: a.releases.map(releaseOut), dropped: a.dropped, indexers: a.indexers }
}
