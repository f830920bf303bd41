// STUB — replaced by the REST API (issue 2).
import type { FastifyInstance } from 'fastify'
import type { Library } from '../library/index.ts'
import type { TorrentService } from '../torrent/types.ts'
import type { Logger } from '../logger.ts'

export interface ApiDeps {
  library: Library
  torrents: TorrentService
  tmdbConfigured: boolean
  startedAt: Date
  logger: Logger
}

export async function registerApi (app: FastifyInstance, _deps: ApiDeps): Promise<void> {
  app.get('/status', async () => ({ ok: true }))
}
