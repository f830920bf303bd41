// API shapes of subtitles: an item's stored ones (from its torrent or downloaded) and
// OpenSubtitles search results with the pick per language.
import { Type, type Static } from '@fastify/type-provider-typebox'
import type { Subtitle } from '../../subtitles/types.ts'
import type { SearchResult } from '../../subtitles/service.ts'
import { Nullable } from './common.ts'

export const SubtitleSchema = Type.Object({
  id: Type.Integer(),
  item_type: Type.Union([Type.Literal('movie'), Type.Literal('episode')]),
  item_id: Type.Integer(),
  origin: Type.Union([Type.Literal('torrent'), Type.Literal('opensubtitles')]),
  language: Nullable(Type.String({ description: 'ISO 639-1; null when unknown' })),
  forced: Type.Boolean(),
  sdh: Type.Boolean(),
  format: Type.String(),
  size: Type.Integer(),
  /** torrent: the file inside the torrent */
  file_path: Nullable(Type.String()),
  info_hash: Nullable(Type.String()),
  /** opensubtitles: the file id and the release it was made for */
  external_id: Nullable(Type.String()),
  release: Nullable(Type.String()),
  created_at: Type.String({ format: 'date-time' })
})

export const CandidateSchema = Type.Object({
  file_id: Type.Integer(),
  file_name: Nullable(Type.String()),
  language: Type.String(),
  language_tag: Type.String(),
  forced: Type.Boolean(),
  hearing_impaired: Type.Boolean(),
  moviehash_match: Type.Boolean(),
  machine_translated: Type.Boolean(),
  ai_translated: Type.Boolean(),
  download_count: Type.Integer(),
  release: Nullable(Type.String()),
  uploader: Nullable(Type.String()),
  url: Nullable(Type.String())
})

export const SearchSchema = Type.Object({
  movie_hash: Nullable(Type.String({ description: 'OpenSubtitles hash of the assigned file, when it could be read' })),
  items: Type.Array(CandidateSchema),
  best: Type.Array(Type.Object({ language: Type.String(), file_id: Type.Integer(), reason: Type.String() }))
})

export function toSubtitleJson (s: Subtitle): Static<typeof SubtitleSchema> {
  return {
    id: s.id,
    item_type: s.itemType,
    item_id: s.itemId,
    origin: s.origin,
    language: s.language,
    forced: s.forced,
    sdh: s.sdh,
    format: s.format,
    size: s.size,
    file_path: s.source.kind === 'torrent' ? s.source.filePath : null,
    info_hash: s.source.kind === 'torrent' ? s.source.infoHash : null,
    external_id: s.externalId,
    release: s.release,
    created_at: s.createdAt.toISOString()
  }
}

export function toSearchJson (r: SearchResult): Static<typeof SearchSchema> {
  return {
    movie_hash: r.movieHash,
    items: r.candidates.map((c) => ({
      file_id: c.fileId,
      file_name: c.fileName,
      language: c.language,
      language_tag: c.languageTag,
      forced: c.forced,
      hearing_impaired: c.hearingImpaired,
      moviehash_match: c.moviehashMatch,
      machine_translated: c.machineTranslated,
      ai_translated: c.aiTranslated,
      download_count: c.downloadCount,
      release: c.release,
      uploader: c.uploader,
      url: c.url
    })),
    best: r.best.map((b) => ({ language: b.language, file_id: b.candidate.fileId, reason: b.reason }))
  }
}
