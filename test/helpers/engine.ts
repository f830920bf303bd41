// Creates the real TorrentService (src/torrent/service.ts) for tests, on a temp data folder,
// talking only to 127.0.0.1: no DHT, no LSD, no PEX, no uTP, no default trackers.
import type { TestContext } from 'node:test'
import { readdirSync, statSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { createTorrentService } from '../../src/torrent/service.ts'
import type { TorrentService } from '../../src/torrent/types.ts'
import type { Config } from '../../src/config/schema.ts'
import { createLogger } from '../../src/logger.ts'
import { tempDir, testConfig } from './app.ts'
import { withTimeout } from './wait.ts'

export type TorrentConfig = Config['torrent']

export interface TestEngine {
  engine: TorrentService
  cfg: Readonly<TorrentConfig>
  dataDir: string
  /** Closes the engine (idempotent, bounded to 15 s). */
  close (): Promise<void>
}

export function engineConfig (dataDir: string, overrides: Partial<TorrentConfig> = {}): Readonly<TorrentConfig> {
  return testConfig(dataDir, {
    torrent: {
      dht: false,
      lsd: false,
      pex: false,
      utp: false,
      trackers: [],
      start_paused: false,
      ...overrides
    }
  }).torrent
}

/**
 * A fresh engine; pass `dataDir` of an earlier engine to restart on the same folders.
 * Closed in t.after.
 */
export async function createTestEngine (t: TestContext, overrides: Partial<TorrentConfig> = {}, dataDir?: string): Promise<TestEngine> {
  const dir = dataDir ?? tempDir(t, 'momoshtrem-engine-')
  const cfg = engineConfig(dir, overrides)
  const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent')
  const engine = await withTimeout(createTorrentService(cfg, logger), 15_000, 'createTorrentService')
  let closing: Promise<void> | undefined
  const close = async (): Promise<void> => {
    closing ??= withTimeout(engine.close(), 15_000, 'engine.close()')
    await closing
  }
  t.after(close)
  return { engine, cfg, dataDir: dir, close }
}

/** Total bytes of regular files below `dir` (0 when it does not exist). */
export function folderBytes (dir: string): number {
  if (!existsSync(dir)) return 0
  let total = 0
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    const st = statSync(p)
    if (st.isDirectory()) total += folderBytes(p)
    else if (st.isFile()) total += st.blocks * 512 < st.size ? st.blocks * 512 : st.size
  }
  return total
}

/** Every regular file below `dir`, with its path. */
export function listFiles (dir: string): string[] {
  if (!existsSync(dir)) return []
  const out: string[] = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    const st = statSync(p)
    if (st.isDirectory()) out.push(...listFiles(p))
    else if (st.isFile()) out.push(p)
  }
  return out
}
