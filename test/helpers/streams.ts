// The streaming layer (FileStreams) over a test engine, for tests that read torrent files
// through the same handles WebDAV gets in the app, without starting the app.
import type { TestContext } from 'node:test'
import { FileStreams } from '../../src/streaming/file-streams.ts'
import { streamingSettings, type StreamingSettings } from '../../src/streaming/prioritiser.ts'
import { AppMetrics } from '../../src/metrics/app-metrics.ts'
import { defaults } from '../../src/config/schema.ts'
import { createLogger } from '../../src/logger.ts'
import type { LibraryTreeSource } from '../../src/library/tree-model.ts'
import type { TorrentService } from '../../src/torrent/types.ts'

export interface TestStreamsOptions {
  /** what pins and next-episode warm-up read (an empty library when absent) */
  library?: LibraryTreeSource
  settings?: Partial<StreamingSettings>
  readTimeoutMs?: number
}

/** A started FileStreams over `torrents`, closed in t.after. */
export async function createTestStreams (t: TestContext, torrents: TorrentService, opts: TestStreamsOptions = {}): Promise<FileStreams> {
  const streams = new FileStreams({
    torrents,
    library: opts.library ?? { movies: () => [], shows: () => [], version: () => 1 },
    settings: { ...streamingSettings(defaults.streaming), ...opts.settings },
    graceMs: defaults.streaming.handle_grace * 1000,
    nextEpisodeAt: defaults.streaming.next_episode_at,
    readTimeoutMs: opts.readTimeoutMs ?? 30_000,
    metrics: new AppMetrics(torrents),
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent')
  })
  await streams.start()
  t.after(async () => { await streams.close() })
  return streams
}
