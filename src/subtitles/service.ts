// Subtitles of a movie or an episode: the ones found in its torrent (torrent-scan.ts) and the
// ones downloaded from OpenSubtitles into subtitles.folder. Downloads happen on demand (the API)
// or, with subtitles.languages set, after each assign for every wanted language the item does
// not have yet: one item at a time, in the background, never holding up the assign, and paused
// until the quota renews once OpenSubtitles says it is used up.
import { randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync } from 'node:fs'
import { rename, unlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '../logger.ts'
import type { Assignment, ItemType } from '../assignments/types.ts'
import { ConflictError, InvalidInputError, NotConfiguredError, NotFoundError, RateLimitedError } from '../errors.ts'
import type { TorrentService } from '../torrent/types.ts'
import { assignedFile } from '../assignments/file-choice.ts'
import { movieHash, movieHashRanges, movieHashUseful } from './movie-hash.ts'
import { bestPerLanguage, type BestMatch } from './opensubtitles/best-match.ts'
import type { OpenSubtitlesClient } from './opensubtitles/client.ts'
import { NOT_CONFIGURED_MESSAGE } from './opensubtitles/client.ts'
import type { SubtitleCandidate, SubtitleQuery } from './opensubtitles/types.ts'
import type { SubtitleRepository } from './repository.ts'
import type { Subtitle, SubtitleFormat } from './types.ts'

export interface SubtitleServiceDeps {
  repo: SubtitleRepository
  /** null when subtitles.opensubtitles.api_key is not set */
  client: Pick<OpenSubtitlesClient, 'search' | 'download'> | null
  activeAssignment: (itemType: ItemType, itemId: number) => Assignment | null
  torrents: Pick<TorrentService, 'getOrAddTorrent'>
  /** where downloads are stored (subtitles.folder) */
  folder: string
  /** subtitles.languages: downloaded after each assign (empty: never automatically) */
  languages: readonly string[]
  readTimeoutMs: number
  logger: Logger
}

export interface SearchResult { candidates: SubtitleCandidate[], best: BestMatch[], movieHash: string | null }

const SEEN_KEPT = 2000
const FORMATS: ReadonlySet<string> = new Set(['srt', 'ass', 'ssa', 'vtt', 'sub'])

export class SubtitleService {
  private readonly queue: Assignment[] = []
  private running: Promise<void> | undefined
  /** downloads paused until then (the quota or rate limit said so) */
  private pausedUntil = 0
  private closed = false
  /** candidates of recent searches by file id: a download by file id keeps their language and flags */
  private readonly seen = new Map<number, SubtitleCandidate>()
  /** the last failure of an automatic download, for /api/status */
  lastError: { message: string, at: Date } | null = null

  constructor (private readonly deps: SubtitleServiceDeps) {
    mkdirSync(deps.folder, { recursive: true })
  }

  get configured (): boolean { return this.deps.client !== null }
  /** subtitles.languages */
  get languages (): readonly string[] { return this.deps.languages }

  /** Removes downloaded files that no row refers to (left by a crash or a deleted item). */
  sweep (): number {
    const keep = this.deps.repo.storedNames()
    let removed = 0
    for (const name of readdirSync(this.deps.folder)) {
      if (keep.has(name)) continue
      void unlink(join(this.deps.folder, name)).catch(() => {})
      removed++
    }
    return removed
  }

  list (itemType: ItemType, itemId: number): Subtitle[] {
    this.requireItem(itemType, itemId)
    return this.deps.repo.forItem(itemType, itemId)
  }

  /** Searches OpenSubtitles for the item (ids plus the assigned file's movie hash) and picks the best per language. */
  async search (itemType: ItemType, itemId: number, languages?: readonly string[]): Promise<SearchResult> {
    const client = this.requireClient()
    const ids = this.requireItem(itemType, itemId)
    const wanted = [...(languages ?? this.deps.languages)]
    const hash = await this.hashOf(itemType, itemId)
    const query: SubtitleQuery = { languages: wanted }
    if (ids.tmdbId !== null) query.tmdbId = ids.tmdbId
    if (ids.parentTmdbId !== null) query.parentTmdbId = ids.parentTmdbId
    if (ids.season !== undefined) query.season = ids.season
    if (ids.episode !== undefined) query.episode = ids.episode
    if (hash !== null) query.movieHash = hash
    if (query.tmdbId === undefined && query.parentTmdbId === undefined && hash === null) {
      throw new InvalidInputError(`${itemType} ${itemId} has no TMDB id and no assigned file to hash: nothing to search OpenSubtitles by`)
    }
    const candidates = await client.search(query)
    for (const c of candidates) {
      this.seen.delete(c.fileId)
      this.seen.set(c.fileId, c)
    }
    while (this.seen.size > SEEN_KEPT) this.seen.delete(this.seen.keys().next().value!)
    return { candidates, best: wanted.length === 0 ? [] : bestPerLanguage(candidates, wanted), movieHash: hash }
  }

  /** Downloads one OpenSubtitles file for the item and stores it next to its video. */
  async download (itemType: ItemType, itemId: number, fileId: number, candidate?: SubtitleCandidate): Promise<Subtitle> {
    const client = this.requireClient()
    this.requireItem(itemType, itemId)
    // a file id from an earlier search: its language and flags name the file
    const about = candidate ?? this.seen.get(fileId) ?? await this.findCandidate(itemType, itemId, fileId)
    if (this.deps.repo.hasDownload(itemType, itemId, String(fileId))) {
      throw new ConflictError(`OpenSubtitles file ${fileId} is already stored for ${itemType} ${itemId}`)
    }
    const got = await client.download(fileId)
    const ext = got.fileName.slice(got.fileName.lastIndexOf('.') + 1).toLowerCase()
    const format = (FORMATS.has(ext) ? ext : 'srt') as SubtitleFormat
    const storedName = `${itemType}-${itemId}-${fileId}-${randomBytes(4).toString('hex')}.${format}`
    const path = join(this.deps.folder, storedName)
    // written whole before the row exists: the tree never lists a half-written file
    await writeFile(`${path}.part`, got.content)
    await rename(`${path}.part`, path)
    try {
      return this.deps.repo.saveDownload(itemType, itemId, {
        storedName,
        externalId: String(fileId),
        release: about?.release ?? got.fileName,
        language: about?.language ?? null,
        forced: about?.forced ?? false,
        sdh: about?.hearingImpaired ?? false,
        format,
        size: got.content.length
      })
    } catch (err) {
      await unlink(path).catch(() => {})
      throw err
    }
  }

  /** The candidate of `fileId` among the item's search results in every language (undefined when not among them). */
  private async findCandidate (itemType: ItemType, itemId: number, fileId: number): Promise<SubtitleCandidate | undefined> {
    try {
      return (await this.search(itemType, itemId, [])).candidates.find((c) => c.fileId === fileId)
    } catch {
      return undefined
    }
  }

  /** Downloads the best match of each language (default subtitles.languages) the item lacks. */
  async downloadBest (itemType: ItemType, itemId: number, languages?: readonly string[]): Promise<Subtitle[]> {
    const have = new Set(this.list(itemType, itemId).map((s) => s.language))
    const wanted = (languages ?? this.deps.languages).filter((l) => !have.has(l.slice(0, 2).toLowerCase()))
    if (wanted.length === 0) return []
    const { best } = await this.search(itemType, itemId, wanted)
    const stored: Subtitle[] = []
    for (const b of best) stored.push(await this.download(itemType, itemId, b.candidate.fileId, b.candidate))
    return stored
  }

  /** Deletes a downloaded subtitle (a torrent's own go with its assignment: 409). */
  async delete (id: number): Promise<Subtitle> {
    const s = this.deps.repo.get(id)
    if (s === null) throw new NotFoundError(`subtitle ${id} does not exist`)
    if (s.source.kind !== 'local') throw new ConflictError(`subtitle ${id} comes with the assigned torrent; it goes when the torrent is unassigned`)
    this.deps.repo.delete(id)
    await unlink(join(this.deps.folder, s.source.storedName)).catch(() => {})
    return s
  }

  /** An `assigned` subscriber: queues the automatic download (nothing when no language is wanted). */
  assigned (a: Assignment): void {
    if (this.closed || this.deps.client === null || this.deps.languages.length === 0) return
    // a multi-episode file is assigned once per episode; each episode gets its subtitles
    this.queue.push(a)
    this.running ??= this.drain().finally(() => { this.running = undefined })
  }

  /** Stops the automatic downloads; resolves when the one in progress has ended. */
  async close (): Promise<void> {
    this.closed = true
    this.queue.length = 0
    await this.running
  }

  private async drain (): Promise<void> {
    for (let a = this.queue.shift(); a !== undefined && !this.closed; a = this.queue.shift()) {
      if (Date.now() < this.pausedUntil) continue
      try {
        const stored = await this.downloadBest(a.itemType, a.itemId)
        if (stored.length > 0) this.deps.logger.info({ itemType: a.itemType, itemId: a.itemId, languages: stored.map((s) => s.language) }, 'subtitles downloaded')
      } catch (err) {
        if (err instanceof RateLimitedError) this.pausedUntil = Date.now() + (err.retryAfter ?? 3600) * 1000
        this.lastError = { message: (err as Error).message, at: new Date() }
        // the assign stands; the user can search and download from the API later
        this.deps.logger.warn({ err, itemType: a.itemType, itemId: a.itemId }, 'automatic subtitle download failed')
      }
    }
  }

  /** The OpenSubtitles hash of the item's assigned file (its head and tail are pinned: no extra swarm traffic). */
  private async hashOf (itemType: ItemType, itemId: number): Promise<string | null> {
    const a = this.deps.activeAssignment(itemType, itemId)
    if (a === null || !movieHashUseful(a.fileSize)) return null
    try {
      const torrent = await this.deps.torrents.getOrAddTorrent(a.infoHash, a.magnetUri)
      const file = assignedFile(torrent.info, a)
      const deadline = Date.now() + this.deps.readTimeoutMs
      const [head, tail] = await Promise.all(movieHashRanges(file.length).map(async (r) => await torrent.read(file.index, r.offset, r.length, { deadline })))
      return movieHash(file.length, head!, tail!)
    } catch (err) {
      // the ids still find subtitles; only the exact-file match is lost
      this.deps.logger.info({ err, itemType, itemId }, 'movie hash not available; searching by ids only')
      return null
    }
  }

  private requireClient (): Pick<OpenSubtitlesClient, 'search' | 'download'> {
    if (this.deps.client === null) throw new NotConfiguredError(NOT_CONFIGURED_MESSAGE)
    return this.deps.client
  }

  private requireItem (itemType: ItemType, itemId: number): NonNullable<ReturnType<SubtitleRepository['searchIds']>> {
    const ids = this.deps.repo.searchIds(itemType, itemId)
    if (ids === null) throw new NotFoundError(`${itemType} ${itemId} does not exist`)
    return ids
  }
}
